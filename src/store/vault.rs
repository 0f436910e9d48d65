//! `--store vault`: one Vault/OpenBao KV version 2 secret at `{mount}/data/{path}`, shared by
//! every machine of a fleet, talked to through the transport. Every write is a check-and-set
//! (`options.cas`) on the version just read. The Vault token goes in `X-Vault-Token` only: never
//! printed, never logged.

use std::cell::OnceCell;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};

use super::{
    CredentialStore, Guard, Loaded, LockError, Published, Record, SharedState, SharedStore,
    StoreError, VaultSettings, Version,
};
use crate::files::FileError;
use crate::http::{self, Method, Reply, Request, StatusCode, Transport, TransportOptions, header};
use crate::secret::Secret;

mod login;

/// The Vault logins this process has made so far.
pub fn logins() -> u64 {
    login::LOGINS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Largest answer read from Vault.
const MAX_ANSWER_BYTES: u64 = 1024 * 1024;

/// The Vault backend of one profile.
pub struct VaultStore {
    settings: VaultSettings,
    lock_file: PathBuf,
    transport: OnceCell<Transport>,
    /// The Vault token in use, and its login (login.rs).
    login: login::Handler,
}

impl Drop for VaultStore {
    fn drop(&mut self) {
        self.revoke_unkept_token();
    }
}

impl VaultStore {
    pub fn new(settings: VaultSettings, lock_file: PathBuf) -> Self {
        VaultStore {
            settings,
            lock_file,
            transport: OnceCell::new(),
            login: login::Handler::default(),
        }
    }

    fn address(&self) -> Result<&str, StoreError> {
        self.settings
            .location
            .address
            .as_deref()
            .ok_or_else(|| StoreError::Refused {
                location: "--store vault".into(),
                why: "no Vault address is set (--vault-addr, AMTOKEN_VAULT_ADDR, VAULT_ADDR or BAO_ADDR)".into(),
            })
    }

    /// `{address}/v1/{mount}/{area}/{path}`, built segment by segment: each segment of the
    /// mount and the path is escaped as one, so none can add a query or climb out of the mount
    /// (the settings refuse such values before this; this is the second wall).
    fn url(&self, area: &str, path: &str) -> Result<url::Url, StoreError> {
        let refused = |why: String| StoreError::Refused {
            location: self.location(),
            why,
        };
        let mut url =
            http::check_url(self.address()?).map_err(|cause| refused(cause.to_string()))?;
        let segments = self
            .settings
            .location
            .mount
            .split('/')
            .chain([area])
            .chain(path.split('/'));
        if segments
            .clone()
            .any(|segment| segment.is_empty() || segment == "." || segment == "..")
        {
            return Err(refused(format!(
                "the Vault mount {:?} and path {path:?} must name a place inside the mount",
                self.settings.location.mount
            )));
        }
        url.path_segments_mut()
            .map_err(|()| refused("the Vault address cannot have a path".into()))?
            .pop_if_empty()
            .push("v1")
            .extend(segments);
        url.set_query(None);
        url.set_fragment(None);
        Ok(url)
    }

    fn transport(&self) -> Result<&Transport, StoreError> {
        if let Some(transport) = self.transport.get() {
            return Ok(transport);
        }
        let transport = Transport::new(TransportOptions {
            timeout: self.settings.timeout,
            cacert: self.settings.location.cacert.as_deref(),
            verbose: self.settings.verbose,
        })
        .map_err(|cause| self.unreachable(cause))?;
        Ok(self.transport.get_or_init(|| transport))
    }

    fn unreachable(&self, cause: http::HttpError) -> StoreError {
        StoreError::Unreachable {
            location: self.location(),
            cause,
        }
    }

    /// Sends a request with the Vault token (and namespace); the answer whatever its status
    /// but a refusal. A token Vault no longer takes (it expired, or was revoked), whatever
    /// its origin, costs one new login and one more try (login.rs).
    fn send(
        &self,
        method: Method,
        url: url::Url,
        body: Option<Value>,
    ) -> Result<Reply, StoreError> {
        let token = self.token()?;
        let reply = self.send_as(method.clone(), url.clone(), body.clone(), Some(&token))?;
        if is_refusal(&reply) && self.replace_refused(&token)? {
            let token = self.token()?;
            let reply = self.send_as(method, url, body, Some(&token))?;
            return self.accepted(reply);
        }
        self.accepted(reply)
    }

    /// Sends a request (with `token`, when given, and the namespace); any answer but a 5xx.
    fn send_as(
        &self,
        method: Method,
        url: url::Url,
        body: Option<Value>,
        token: Option<&Secret>,
    ) -> Result<Reply, StoreError> {
        let refused = |error: http::HttpError| StoreError::Refused {
            location: self.location(),
            why: error.to_string(),
        };
        let mut request = Request::new(method, url, MAX_ANSWER_BYTES)
            .header(header::HeaderName::from_static("x-vault-request"), "true")
            .map_err(refused)?;
        if let Some(token) = token {
            request = request
                .secret_header(
                    header::HeaderName::from_static("x-vault-token"),
                    token.expose(),
                )
                .map_err(refused)?;
        }
        if let Some(namespace) = &self.settings.location.namespace {
            request = request
                .header(
                    header::HeaderName::from_static("x-vault-namespace"),
                    namespace,
                )
                .map_err(refused)?;
        }
        if let Some(body) = body {
            request = request
                .header(header::CONTENT_TYPE, "application/json")
                .map_err(refused)?
                .body(serde_json::to_vec(&body).unwrap_or_default());
        }
        let reply = self.transport()?.send(request).map_err(|error| {
            if error.failure() == http::HttpFailure::BadSetting {
                refused(error)
            } else {
                self.unreachable(error)
            }
        })?;
        if reply.status.is_server_error() {
            return Err(StoreError::ServerError {
                location: self.location(),
                why: format!(
                    "Vault answered HTTP {}: {}",
                    reply.status,
                    vault_errors(&reply)
                ),
            });
        }
        Ok(reply)
    }

    /// The reply, unless Vault refused the token or the path.
    fn accepted(&self, reply: Reply) -> Result<Reply, StoreError> {
        if is_refusal(&reply) {
            return Err(StoreError::Refused {
                location: self.location(),
                why: format!(
                    "Vault refused the token or the path (HTTP {}: {}); the token's policy must allow this profile's paths",
                    reply.status.as_u16(),
                    vault_errors(&reply)
                ),
            });
        }
        Ok(reply)
    }

    fn unexpected(&self, reply: &Reply) -> StoreError {
        StoreError::Refused {
            location: self.location(),
            why: format!(
                "Vault answered HTTP {}: {}",
                reply.status,
                vault_errors(reply)
            ),
        }
    }
}

fn is_refusal(reply: &Reply) -> bool {
    reply.status == StatusCode::FORBIDDEN || reply.status == StatusCode::UNAUTHORIZED
}

/// Vault's `{"errors": [...]}`, joined; never a token (Vault does not echo it).
fn vault_errors(reply: &Reply) -> String {
    let errors: Vec<String> = serde_json::from_slice::<Value>(&reply.body)
        .ok()
        .and_then(|body| body.get("errors").cloned())
        .and_then(|errors| serde_json::from_value(errors).ok())
        .unwrap_or_default();
    if errors.is_empty() {
        "no details".into()
    } else {
        crate::text::printable(&errors.join("; "))
    }
}

impl SharedStore for VaultStore {
    fn read_shared(&self) -> Result<Option<(SharedState, Version)>, StoreError> {
        self.read_data(&self.settings.location.path)
    }

    fn write_shared(
        &self,
        state: &SharedState,
        expected: Option<&Version>,
    ) -> Result<Version, StoreError> {
        let result = self.write_on(state, expected.map_or(0, |Version(version)| *version));
        match (result, expected) {
            // "Nothing stored" may be a deleted newest version (`vault kv delete`, `kv
            // destroy`): the secret's metadata lives on, and the write must name its version.
            (Err(StoreError::Conflict { .. }), None) => match self.deleted_version()? {
                Some(deleted) => self.write_on(state, deleted),
                None => Err(StoreError::Conflict {
                    location: self.location(),
                }),
            },
            (result, _) => result,
        }
    }

    fn published_location(&self) -> String {
        format!(
            "{}/data/{}",
            self.settings.location.mount,
            self.settings
                .location
                .access_path
                .as_deref()
                .unwrap_or("(no --vault-access-path)")
        )
    }

    fn read_published(&self) -> Result<Option<(Published, Version)>, StoreError> {
        let path = self.access_path()?;
        self.read_data(path)
    }

    fn write_published(
        &self,
        published: &Published,
        expected: Option<&Version>,
    ) -> Result<Version, StoreError> {
        let path = self.access_path()?;
        self.write_data(
            path,
            published,
            expected.map_or(0, |Version(version)| *version),
        )
    }

    /// `sys/capabilities-self` on the secret's data path and the readers' path.
    fn capabilities(&self) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        let location = &self.settings.location;
        let mut paths = vec![format!("{}/data/{}", location.mount, location.path)];
        if let Some(access) = &location.access_path {
            paths.push(format!("{}/data/{access}", location.mount));
        }
        let refused = |why: String| StoreError::Refused {
            location: self.location(),
            why,
        };
        let mut url =
            http::check_url(self.address()?).map_err(|cause| refused(cause.to_string()))?;
        url.path_segments_mut()
            .map_err(|()| refused("the Vault address cannot have a path".into()))?
            .pop_if_empty()
            .extend(["v1", "sys", "capabilities-self"]);
        let reply = self.send(Method::POST, url, Some(json!({ "paths": paths })))?;
        if !reply.status.is_success() {
            return Err(self.unexpected(&reply));
        }
        let body: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
        Ok(paths
            .into_iter()
            .map(|path| {
                // Vault answers each path at the top level, and again under `data`.
                let capabilities = body
                    .get(&path)
                    .or_else(|| body.get("data").and_then(|data| data.get(&path)))
                    .and_then(|value| serde_json::from_value::<Vec<String>>(value.clone()).ok())
                    .unwrap_or_default();
                (path, capabilities)
            })
            .collect())
    }
}

impl VaultStore {
    /// The newest version of the secret at `path` and its number; `None` when there is none
    /// (or it was deleted).
    fn read_data<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<Option<(T, Version)>, StoreError> {
        let reply = self.send(Method::GET, self.url("data", path)?, None)?;
        if reply.status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !reply.status.is_success() {
            return Err(self.unexpected(&reply));
        }
        let corrupt = |why: String| {
            StoreError::from(FileError::Corrupt {
                location: self.location(),
                why,
            })
        };
        let mut body: Value =
            serde_json::from_slice(&reply.body).map_err(|error| corrupt(error.to_string()))?;
        let version = body
            .pointer("/data/metadata/version")
            .and_then(Value::as_u64)
            .ok_or_else(|| corrupt("the answer has no data.metadata.version".into()))?;
        let data = body
            .pointer_mut("/data/data")
            .map(Value::take)
            .unwrap_or(Value::Null);
        if data.is_null() {
            // The newest version was deleted: nothing is stored.
            return Ok(None);
        }
        // serde_json names the field, never the value.
        let value = serde_json::from_value(data).map_err(|error| corrupt(error.to_string()))?;
        Ok(Some((value, Version(version))))
    }

    /// The readers' path (`--vault-access-path`).
    fn access_path(&self) -> Result<&str, StoreError> {
        self.settings
            .location
            .access_path
            .as_deref()
            .ok_or_else(|| StoreError::Refused {
                location: self.location(),
                why: "no --vault-access-path is set".into(),
            })
    }

    /// One check-and-set write of `state` on version `cas` (0: the secret must not exist).
    fn write_on(&self, state: &SharedState, cas: u64) -> Result<Version, StoreError> {
        self.write_data(&self.settings.location.path, state, cas)
    }

    /// One check-and-set write of `data` at `path` on version `cas`.
    fn write_data(
        &self,
        path: &str,
        data: &impl serde::Serialize,
        cas: u64,
    ) -> Result<Version, StoreError> {
        let body = json!({ "options": { "cas": cas }, "data": data });
        let reply = self.send(Method::POST, self.url("data", path)?, Some(body))?;
        if reply.status == StatusCode::BAD_REQUEST && vault_errors(&reply).contains("check-and-set")
        {
            return Err(StoreError::Conflict {
                location: self.location(),
            });
        }
        if !reply.status.is_success() {
            return Err(self.unexpected(&reply));
        }
        serde_json::from_slice::<Value>(&reply.body)
            .ok()
            .and_then(|body| body.pointer("/data/version").and_then(Value::as_u64))
            .map(Version)
            .ok_or_else(|| {
                FileError::Corrupt {
                    location: self.location(),
                    why: "the write's answer has no data.version".into(),
                }
                .into()
            })
    }

    /// The version of the secret when its newest version is deleted or destroyed: Vault then
    /// answers 404 with the version's metadata and no data.
    fn deleted_version(&self) -> Result<Option<u64>, StoreError> {
        let reply = self.send(
            Method::GET,
            self.url("data", &self.settings.location.path)?,
            None,
        )?;
        if reply.status != StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let body: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
        Ok(body
            .pointer("/data/data")
            .is_some_and(Value::is_null)
            .then(|| {
                body.pointer("/data/metadata/version")
                    .and_then(Value::as_u64)
            })
            .flatten())
    }
}

impl CredentialStore for VaultStore {
    fn location(&self) -> String {
        format!(
            "vault {} {}/data/{}",
            self.settings
                .location
                .address
                .as_deref()
                .unwrap_or("(no address)"),
            self.settings.location.mount,
            self.settings.location.path
        )
    }

    fn load(&self) -> Result<Option<Loaded>, StoreError> {
        Ok(self.read_shared()?.map(|(state, version)| Loaded {
            record: state.record,
            version,
        }))
    }

    /// Writes the record alone (no shared access token, no lease).
    fn save(&self, record: &Record, expected: Option<&Version>) -> Result<Version, StoreError> {
        let state = SharedState {
            record: record.clone(),
            access_token: None,
            token_type: None,
            expires_at: None,
            lease_holder: None,
            lease_until: None,
        };
        self.write_shared(&state, expected)
    }

    /// Deletes every version and the metadata.
    fn delete(&self) -> Result<bool, StoreError> {
        let existed = self.read_shared()?.is_some();
        let reply = self.send(
            Method::DELETE,
            self.url("metadata", &self.settings.location.path)?,
            None,
        )?;
        if !reply.status.is_success() && reply.status != StatusCode::NOT_FOUND {
            return Err(self.unexpected(&reply));
        }
        Ok(existed)
    }

    fn lock(&self, timeout: Duration) -> Result<Guard, LockError> {
        // The local lock keeps the processes of one machine apart; the lease, the machines.
        super::local_lock(&self.lock_file, timeout)
    }

    fn profiles(&self) -> Result<Vec<String>, StoreError> {
        let reply = self.send(
            Method::from_bytes(b"LIST").unwrap_or(Method::GET),
            self.url("metadata", "amtoken")?,
            None,
        )?;
        if reply.status == StatusCode::NOT_FOUND {
            return Ok(Vec::new());
        }
        if !reply.status.is_success() {
            return Err(self.unexpected(&reply));
        }
        let keys: Vec<String> = serde_json::from_slice::<Value>(&reply.body)
            .ok()
            .and_then(|body| body.pointer("/data/keys").cloned())
            .and_then(|keys| serde_json::from_value(keys).ok())
            .unwrap_or_default();
        Ok(keys.into_iter().filter(|key| !key.ends_with('/')).collect())
    }

    fn shared(&self) -> Option<&dyn SharedStore> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::store::{VaultLocation, VaultLogin};

    /// The OpenBao dev server of tests/services.sh.
    fn store(path: &str) -> VaultStore {
        let settings = VaultSettings {
            location: VaultLocation {
                address: std::env::var("AMTOKEN_TEST_VAULT_ADDR").ok(),
                mount: "secret".into(),
                path: path.into(),
                access_path: None,
                namespace: None,
                cacert: None,
            },
            login: VaultLogin::Token,
            token_cache: None,
            timeout: Duration::from_secs(10),
            verbose: false,
        };
        VaultStore::new(
            settings,
            std::env::temp_dir().join("amtoken-vault-test.lock"),
        )
        .given(Secret::new(
            std::env::var("AMTOKEN_TEST_VAULT_TOKEN").unwrap_or_default(),
        ))
    }

    fn record(token: &str) -> Record {
        Record {
            refresh_token: Secret::new(token),
            issuer: "https://id.example".into(),
            client_id: "c".into(),
            scope: "read".into(),
            obtained_at: Utc::now(),
            authorized_at: None,
        }
    }

    #[test]
    #[ignore = "needs OpenBao: run `bash tests/run`"]
    fn a_stale_check_and_set_is_refused_and_a_fresh_one_taken() {
        let path = format!("amtoken/cas-{}", std::process::id());
        let store = store(&path);
        let first = store.save(&record("rt-1"), None).unwrap();
        // Creating again (cas 0) when something is there: refused.
        assert!(matches!(
            store.save(&record("rt-x"), None),
            Err(StoreError::Conflict { .. })
        ));
        let second = store.save(&record("rt-2"), Some(&first)).unwrap();
        assert!(second.number() > first.number());
        // The first version is stale now.
        assert!(matches!(
            store.save(&record("rt-y"), Some(&first)),
            Err(StoreError::Conflict { .. })
        ));
        let loaded = store.load().unwrap().unwrap();
        assert_eq!(loaded.record.refresh_token.expose(), "rt-2");
        assert_eq!(loaded.version, second);
        assert!(store.delete().unwrap());
        assert!(store.load().unwrap().is_none());
        assert!(!store.delete().unwrap());
    }

    /// An operator's `vault kv delete` (a soft delete) leaves the metadata and its version:
    /// the secret reads as empty, and the next login can still write it.
    #[test]
    #[ignore = "needs OpenBao: run `bash tests/run`"]
    fn a_soft_deleted_secret_reads_empty_and_takes_a_new_login() {
        let path = format!("amtoken/soft-delete-{}", std::process::id());
        let store = store(&path);
        store.save(&record("rt-1"), None).unwrap();
        let reply = store
            .send(Method::DELETE, store.url("data", &path).unwrap(), None)
            .unwrap();
        assert!(reply.status.is_success(), "{}", reply.status);
        assert!(store.load().unwrap().is_none());
        let version = store.save(&record("rt-2"), None).unwrap();
        assert_eq!(version.number(), Some(2));
        assert_eq!(
            store.load().unwrap().unwrap().record.refresh_token.expose(),
            "rt-2"
        );
        // A live secret is still not overwritten by a write that expects nothing.
        assert!(matches!(
            store.save(&record("rt-x"), None),
            Err(StoreError::Conflict { .. })
        ));
        assert!(store.delete().unwrap());
    }

    #[test]
    fn urls_are_built_segment_by_segment_inside_the_mount() {
        let mut settings = store("amtoken/a b").settings.clone();
        settings.location.address = Some("http://127.0.0.1:8200".into());
        let url = |path: &str| {
            let store = VaultStore::new(
                VaultSettings {
                    location: VaultLocation {
                        path: path.into(),
                        ..settings.location.clone()
                    },
                    ..settings.clone()
                },
                std::env::temp_dir().join("amtoken-vault-url.lock"),
            );
            store.url("data", path).map(|url| url.to_string())
        };
        assert_eq!(
            url("amtoken/a b").unwrap(),
            "http://127.0.0.1:8200/v1/secret/data/amtoken/a%20b"
        );
        assert_eq!(
            url("x?y#z").unwrap(),
            "http://127.0.0.1:8200/v1/secret/data/x%3Fy%23z"
        );
        assert!(url("../../sys").is_err());
        assert!(url("a//b").is_err());
    }
}
