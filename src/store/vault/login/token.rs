//! `--vault-auth token`: the token given — `VAULT_TOKEN`, else `BAO_TOKEN`, else the file
//! `~/.vault-token` (which `vault login` and Vault agent's file sink write). Read at each
//! login, so a token an agent replaced on disk is picked up after a refusal.

use std::path::Path;

use super::{Credential, Method};
use crate::cli::settings::{BAO_TOKEN, VAULT_TOKEN};
use crate::secret::Secret;
use crate::store::StoreError;
use crate::store::vault::VaultStore;

pub(super) struct Token;

impl Method for Token {
    fn name(&self) -> &'static str {
        "token"
    }

    fn credential(&self, vault: &VaultStore) -> Result<Credential, StoreError> {
        given().map(Credential::Given).ok_or_else(|| {
            vault.refused(
                "no Vault token: set VAULT_TOKEN (or BAO_TOKEN), log in so that ~/.vault-token exists, or choose a --vault-auth method".into(),
            )
        })
    }

    fn who(&self) -> String {
        String::new()
    }
}

/// The given token, if there is one.
fn given() -> Option<Secret> {
    let from_env = [VAULT_TOKEN, BAO_TOKEN]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()));
    if let Some(token) = from_env {
        return Some(Secret::new(token));
    }
    let home = std::env::var_os("HOME")?;
    let text = std::fs::read_to_string(Path::new(&home).join(".vault-token")).ok()?;
    let token = text.trim();
    (!token.is_empty()).then(|| Secret::new(token))
}
