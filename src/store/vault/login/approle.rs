//! `--vault-auth approle`: `auth/{mount}/login` with the role id and the secret id, from
//! `AMTOKEN_VAULT_SECRET_ID` or `--vault-secret-id-file` (read at each login).

use serde_json::json;

use super::{Credential, Method, read_credential_file};
use crate::store::vault::VaultStore;
use crate::store::{SecretIdSource, StoreError};

pub(super) struct AppRole<'a> {
    pub mount: &'a str,
    pub role_id: &'a str,
    pub secret_id: &'a SecretIdSource,
}

impl Method for AppRole<'_> {
    fn name(&self) -> &'static str {
        "approle"
    }

    fn credential(&self, _vault: &VaultStore) -> Result<Credential, StoreError> {
        let secret_id = match self.secret_id {
            SecretIdSource::Environment(secret) => secret.clone(),
            SecretIdSource::File(path) => read_credential_file("--vault-secret-id-file", path)?,
        };
        Ok(Credential::Login {
            mount: self.mount.to_string(),
            body: json!({ "role_id": self.role_id, "secret_id": secret_id.expose() }),
        })
    }

    fn who(&self) -> String {
        format!("{} {}", self.mount, self.role_id)
    }
}
