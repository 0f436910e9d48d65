//! The credential store: one interface ([`CredentialStore`]: versioned load and save, delete,
//! the profile's refresh lock), three backends (the OS keychain, a 0600 file, and a Vault/OpenBao
//! secret a fleet shares, which is also a [`SharedStore`]), plus the access-token cache and the
//! rescue file. Their files are written through `crate::files`.

pub mod cache;
mod file;
mod keyring;
pub mod lock;
#[cfg(test)]
pub mod memory;
mod vault;

pub use vault::logins as vault_logins;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::paths::Paths;
use crate::secret::Secret;

pub use crate::files::Durability;
use crate::files::{self, FileError};
pub use crate::token::AccessToken;
pub use lock::LockError;

/// What is kept between runs: the refresh token and what it was obtained for. The JSON form is
/// the keychain secret and the store file, as docs/DESIGN.md fixes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    #[serde(with = "crate::secret::exposed")]
    pub refresh_token: Secret,
    pub issuer: String,
    pub client_id: String,
    pub scope: String,
    #[serde(with = "crate::text::rfc3339_serde")]
    pub obtained_at: DateTime<Utc>,
    /// When the chain of refresh tokens began (the consent, at `login`/`exchange`); rotation
    /// keeps it. `None` for a record written before amtoken kept it, or seeded.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::text::optional_rfc3339_serde"
    )]
    pub authorized_at: Option<DateTime<Utc>>,
}

/// Which backend keeps the record (`--store`; its words are in `cli`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The OS keychain: service `amtoken`, user `<profile>`.
    Keyring,
    /// `$XDG_DATA_HOME/amtoken/<profile>.json`, mode 0600.
    File,
    /// A Vault/OpenBao KV v2 secret shared by a fleet of machines.
    Vault,
}

/// Why the store could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the keychain is not available: {why}")]
    KeychainUnavailable { why: String },
    #[error("the keychain did not answer within {}s (locked, or waiting on a dialog?)", .timeout.as_secs())]
    KeychainTimeout { timeout: Duration },
    /// A file of ours (the store file, the cache, the rescue file) could not be read or
    /// written, or is not what amtoken wrote.
    #[error(transparent)]
    File(#[from] FileError),
    /// A check-and-set write lost: someone else wrote since the version was read.
    #[error("{location} changed since it was read")]
    Conflict { location: String },
    /// A shared store could not be reached: worth trying again later.
    #[error("cannot reach {location}: {cause}")]
    Unreachable {
        location: String,
        cause: crate::http::HttpError,
    },
    /// A shared store answered with a server error (5xx): worth trying again later.
    #[error("{location}: {why}")]
    ServerError { location: String, why: String },
    /// A setting the store needs cannot work (a credential file that is not there, a plain-http
    /// URL): a settings error, before anything is sent.
    #[error("{setting}: {why}")]
    BadSetting { setting: String, why: String },
    /// A shared store refused, or is not set up: the token, the policy, the address.
    #[error("{location}: {why}")]
    Refused { location: String, why: String },
}

impl StoreError {
    /// Whether the failure is on the way to a shared store (network, 5xx).
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            StoreError::Unreachable { .. } | StoreError::ServerError { .. }
        )
    }

    /// Whether a shared store refused access or is not set up.
    pub fn is_refused(&self) -> bool {
        matches!(self, StoreError::Refused { .. })
    }

    /// Whether the keychain itself is the trouble, so that `--store file` is worth suggesting.
    pub fn is_keychain(&self) -> bool {
        matches!(
            self,
            StoreError::KeychainUnavailable { .. } | StoreError::KeychainTimeout { .. }
        )
    }
}

/// The version of a stored record, as the backend counts them; opaque to everyone else. A
/// write names the version it read, so a shared backend can refuse a stale one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version(u64);

impl Version {
    /// The only version of a local backend: the profile lock already keeps writers apart.
    pub(crate) const LOCAL: Version = Version(0);

    /// A shared backend's version `number` (the tests').
    #[cfg(test)]
    pub fn shared(number: u64) -> Self {
        Version(number)
    }

    /// The number a shared backend gave it; `None` for a local backend.
    pub fn number(&self) -> Option<u64> {
        (self.0 != 0).then_some(self.0)
    }
}

/// A loaded record and the version it was read at.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub record: Record,
    pub version: Version,
}

/// Held while the profile's refresh lock is; dropping it lets go.
pub type Guard = Box<dyn std::any::Any>;

/// Keeps one profile's [`Record`].
pub trait CredentialStore {
    /// Where the profile's record lives, for messages: never the secret.
    fn location(&self) -> String;
    /// The record and its version, `None` when nothing is stored.
    fn load(&self) -> Result<Option<Loaded>, StoreError>;
    /// Stores (replaces) the record. `expected` is the version it replaces (`None`: there was
    /// none); a shared backend refuses a stale one with [`StoreError::Conflict`], the local
    /// ones rely on the profile lock and ignore it.
    fn save(&self, record: &Record, expected: Option<&Version>) -> Result<Version, StoreError>;
    /// Deletes the record; `false` when there was none.
    fn delete(&self) -> Result<bool, StoreError>;
    /// Takes the profile's refresh lock, waiting up to `timeout`: a `flock` for the local
    /// backends.
    fn lock(&self, timeout: Duration) -> Result<Guard, LockError>;
    /// The profiles that have a record in this backend.
    fn profiles(&self) -> Result<Vec<String>, StoreError>;
    /// The whole shared state, when the backend is shared by a fleet (Vault).
    fn shared(&self) -> Option<&dyn SharedStore> {
        None
    }
}

/// What a fleet shares beside the record: the access token and the refresh lease. The JSON
/// form is the data of the Vault secret, as docs/DESIGN.md fixes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SharedState {
    #[serde(flatten)]
    pub record: Record,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::secret::exposed_option"
    )]
    pub access_token: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::text::optional_rfc3339_serde"
    )]
    pub expires_at: Option<DateTime<Utc>>,
    /// Who is refreshing now; empty when nobody is.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "empty_as_none"
    )]
    pub lease_holder: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::text::optional_rfc3339_serde"
    )]
    pub lease_until: Option<DateTime<Utc>>,
}

impl SharedState {
    /// `record` with `access` as the shared access token, and no lease.
    pub fn new(record: Record, access: Option<&AccessToken>) -> Self {
        SharedState {
            record,
            access_token: access.map(|token| token.access_token.clone()),
            token_type: access.map(|token| token.token_type.clone()),
            expires_at: access.map(|token| token.expires_at),
            lease_holder: None,
            lease_until: None,
        }
    }

    /// The shared access token as a cached one, when there is one.
    pub fn access(&self) -> Option<AccessToken> {
        Some(AccessToken {
            access_token: self.access_token.clone()?,
            token_type: self.token_type.clone().unwrap_or_else(|| "Bearer".into()),
            expires_at: self.expires_at?,
            scope: self.record.scope.clone(),
            issuer: self.record.issuer.clone(),
            client_id: self.record.client_id.clone(),
        })
    }
}

/// The access token a refresher publishes for readers (`--vault-access-path`): the token and the
/// version of the shared secret it was written with. Publishers order by that version, never by
/// the token's expiry, so a bogus ten-year `expires_in` is replaced by the next refresh.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Published {
    #[serde(flatten)]
    pub token: AccessToken,
    /// The shared secret's version that holds this token; 0 for a record written before
    /// amtoken kept it (replaced by any).
    #[serde(default)]
    pub source_version: u64,
}

/// A store that a fleet shares: the whole state, read and written with check-and-set, and the
/// readers' copy of the access token.
pub trait SharedStore {
    /// The state and its version; `None` when nothing is there.
    fn read_shared(&self) -> Result<Option<(SharedState, Version)>, StoreError>;
    /// Writes the state if the stored version is still `expected` (`None`: nothing stored);
    /// [`StoreError::Conflict`] when another writer came first.
    fn write_shared(
        &self,
        state: &SharedState,
        expected: Option<&Version>,
    ) -> Result<Version, StoreError>;
    /// Where readers find the access token, for messages (`secret/amtoken/x-access`).
    fn published_location(&self) -> String;
    /// The access token published for readers and its version; `None` when none is.
    fn read_published(&self) -> Result<Option<(Published, Version)>, StoreError>;
    /// Publishes for readers, a check-and-set on `expected` (`None`: nothing published yet).
    fn write_published(
        &self,
        published: &Published,
        expected: Option<&Version>,
    ) -> Result<Version, StoreError>;
    /// What the store's own credential may do on each path this profile uses (`doctor`):
    /// `(path, capabilities)`; empty when the store cannot tell.
    fn capabilities(&self) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        Ok(Vec::new())
    }
}

/// What opening a store needs.
#[derive(Debug, Clone)]
pub struct StoreSettings {
    pub backend: Backend,
    pub profile: String,
    pub paths: Paths,
    /// How long a keychain call may take before it counts as unavailable.
    pub keychain_timeout: Duration,
    /// Where and how to reach Vault, for [`Backend::Vault`].
    pub vault: VaultSettings,
}

/// How to reach the Vault/OpenBao KV v2 secret.
#[derive(Debug, Clone)]
pub struct VaultSettings {
    /// Where the secret is (its `cacert`: `--cacert`, else `VAULT_CACERT`).
    pub location: VaultLocation,
    /// How to get a Vault token.
    pub login: VaultLogin,
    /// With `--vault-token-cache file`: the directory whose 0600 files keep a login's token
    /// until its TTL, one file per login (server, namespace, method, mount, role and identity).
    pub token_cache: Option<PathBuf>,
    pub timeout: Duration,
    pub verbose: bool,
}

/// How amtoken logs in to Vault (`--vault-auth`; its words are in `cli`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VaultAuthMethod {
    Token,
    AppRole,
    Jwt,
    Kubernetes,
}

impl VaultAuthMethod {
    /// The auth method's default mount, and its name in messages.
    pub fn name(self) -> &'static str {
        match self {
            VaultAuthMethod::Token => "token",
            VaultAuthMethod::AppRole => "approle",
            VaultAuthMethod::Jwt => "jwt",
            VaultAuthMethod::Kubernetes => "kubernetes",
        }
    }
}

/// What a machine of a fleet does with the shared secret (`--fleet-role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FleetRole {
    /// Reads the refresh token and refreshes under the lease.
    Refresher,
    /// Reads only the access token published at `--vault-access-path`; never the refresh
    /// token.
    Reader,
}

/// Where the Vault token of a login is kept (`--vault-token-cache`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VaultTokenCache {
    /// In memory, for this run only.
    Memory,
    /// In a 0600 file of the cache directory until its TTL.
    File,
}

/// How to get a Vault token (`--vault-auth` and its settings). Nothing here is read yet: each
/// login method (store/vault/login/) reads its credentials when it logs in. Secrets in it are
/// never printed, never logged.
#[derive(Debug, Clone)]
pub enum VaultLogin {
    /// A token given: `VAULT_TOKEN`, `BAO_TOKEN`, else the file `~/.vault-token`.
    Token,
    /// `auth/{mount}/login` with a role id and a secret id.
    AppRole {
        mount: String,
        role_id: String,
        secret_id: SecretIdSource,
    },
    /// `auth/{mount}/login` with a role and a CI identity token.
    Jwt {
        mount: String,
        role: String,
        source: JwtSource,
    },
    /// `auth/{mount}/login` with a role and the pod's service-account token.
    Kubernetes {
        mount: String,
        role: String,
        token_file: PathBuf,
    },
}

impl VaultLogin {
    /// The method's word, as `--vault-auth` spells it.
    pub fn method(&self) -> VaultAuthMethod {
        match self {
            VaultLogin::Token => VaultAuthMethod::Token,
            VaultLogin::AppRole { .. } => VaultAuthMethod::AppRole,
            VaultLogin::Jwt { .. } => VaultAuthMethod::Jwt,
            VaultLogin::Kubernetes { .. } => VaultAuthMethod::Kubernetes,
        }
    }
}

/// Where the AppRole secret id comes from.
#[derive(Debug, Clone)]
pub enum SecretIdSource {
    /// `AMTOKEN_VAULT_SECRET_ID`.
    Environment(Secret),
    /// `--vault-secret-id-file`, read at each login.
    File(PathBuf),
}

/// Where the JWT of a `jwt` login comes from, read when logging in.
#[derive(Debug, Clone)]
pub enum JwtSource {
    /// `--vault-jwt-file`.
    File(PathBuf),
    /// The GitHub Actions OIDC request (`ACTIONS_ID_TOKEN_REQUEST_URL` and `_TOKEN`).
    GitHubActions {
        request_url: String,
        request_token: Secret,
        audience: Option<String>,
    },
}

/// Where a fleet's shared secret lives (`--store vault`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultLocation {
    /// The server; required by `--store vault`.
    pub address: Option<String>,
    /// The KV version 2 mount.
    pub mount: String,
    /// The secret's path in the mount.
    pub path: String,
    /// Where refreshers publish the access token alone, for readers (`--vault-access-path`).
    pub access_path: Option<String>,
    /// `VAULT_NAMESPACE` (Vault Enterprise, OpenBao namespaces).
    pub namespace: Option<String>,
    /// `VAULT_CACERT`: extra CA certificates for the Vault server.
    pub cacert: Option<PathBuf>,
}

/// Opens the chosen backend for one profile. Opening never touches the keychain; each call
/// does, within the keychain timeout.
pub fn open(settings: &StoreSettings) -> Box<dyn CredentialStore> {
    match settings.backend {
        Backend::Keyring => Box::new(keyring::KeyringStore::new(
            settings.profile.clone(),
            settings.paths.lock_file(&settings.profile),
            settings.keychain_timeout,
        )),
        Backend::File => Box::new(file::FileStore::new(
            settings.paths.clone(),
            settings.profile.clone(),
        )),
        Backend::Vault => Box::new(vault::VaultStore::new(
            settings.vault.clone(),
            settings.paths.lock_file(&settings.profile),
        )),
    }
}

/// The `flock` both local backends use as their refresh lock.
fn local_lock(path: &Path, timeout: Duration) -> Result<Guard, LockError> {
    lock::acquire(path, timeout).map(|held| Box::new(held) as Guard)
}

/// Writes `record` to the 0600 rescue file when the store refused it; a token the server issued
/// is never lost.
pub fn write_rescue(path: &Path, record: &Record) -> Result<(), StoreError> {
    files::write_file(path, record, Durability::Durable).map_err(|error| match error {
        FileError::Io { path, cause, .. } => FileError::Io {
            action: "write the rescue file",
            path,
            cause,
        }
        .into(),
        other => other.into(),
    })
}

/// The record in the rescue file, if there is one.
pub fn read_rescue(path: &Path) -> Result<Option<Record>, StoreError> {
    Ok(files::read_file(path)?)
}

/// Removes the rescue file once its record is safely in the store.
pub fn remove_rescue(path: &Path) -> Result<(), StoreError> {
    files::remove_file(path, "remove the rescue file")?;
    Ok(())
}

fn empty_as_none<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.filter(|text| !text.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips_through_the_design_json() {
        let record = Record {
            refresh_token: Secret::new("rt-1"),
            issuer: "https://id.example".into(),
            client_id: "client".into(),
            scope: "a offline_access".into(),
            obtained_at: DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            authorized_at: None,
        };
        let json: serde_json::Value = serde_json::from_slice(&files::to_json(&record)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "refresh_token": "rt-1",
                "issuer": "https://id.example",
                "client_id": "client",
                "scope": "a offline_access",
                "obtained_at": "2026-11-25T10:00:00Z",
            })
        );
        let back: Record = files::from_json(&files::to_json(&record), "test").unwrap();
        assert_eq!(back.refresh_token.expose(), "rt-1");
        assert!(!format!("{back:?}").contains("rt-1"));
    }
}
