//! The Vault token: given (`VAULT_TOKEN`, `BAO_TOKEN`, `~/.vault-token`), or got by logging in
//! with the runner's own identity — AppRole, a CI identity token (`jwt`: a file, or the GitHub
//! Actions OIDC request) or the Kubernetes service-account token — at `auth/{mount}/login`.
//! A login's token is kept in memory for the run, or with `--vault-token-cache file` in a 0600
//! file until its TTL (renewed when renewable and past half its life), so that a loop of
//! `amtoken token` does not log in every time.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{VaultStore, vault_errors};
use crate::files::{self, Durability};
use crate::http::{Method, Request, StatusCode, header};
use crate::secret::Secret;
use crate::store::{CredentialStore as _, JwtSource, StoreError, VaultLogin};

/// Largest identity token or login answer read.
const MAX_LOGIN_BYTES: u64 = 64 * 1024;
/// A cached token with less than this left is not used: it could expire mid-refresh.
const CACHED_MARGIN: TimeDelta = TimeDelta::seconds(30);

/// Where the token in use came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Given by the environment or `~/.vault-token`.
    Given,
    /// From a login of this run.
    LoggedIn,
    /// From the cache file: Vault may have revoked it, so a refusal earns one new login.
    Cached,
}

/// The cache file: a Vault token and how long it lives.
#[derive(Serialize, Deserialize)]
struct CachedVaultToken {
    #[serde(with = "crate::secret::exposed")]
    token: Secret,
    #[serde(with = "crate::text::rfc3339_serde")]
    expires_at: DateTime<Utc>,
    #[serde(with = "crate::text::rfc3339_serde")]
    issued_at: DateTime<Utc>,
    renewable: bool,
}

impl VaultStore {
    /// The Vault token, logging in when there is none yet.
    pub(super) fn token(&self) -> Result<(Secret, Origin), StoreError> {
        if let Some(held) = self.token.borrow().as_ref() {
            return Ok(held.clone());
        }
        let held = match &self.settings.login {
            VaultLogin::Token(Some(token)) => (token.clone(), Origin::Given),
            VaultLogin::Token(None) => {
                return Err(self.refused(
                    "no Vault token: set VAULT_TOKEN (or BAO_TOKEN), log in so that ~/.vault-token exists, or choose a --vault-auth method".into(),
                ));
            }
            _ => match self.cached_token()? {
                Some(token) => (token, Origin::Cached),
                None => (self.log_in()?, Origin::LoggedIn),
            },
        };
        *self.token.borrow_mut() = Some(held.clone());
        Ok(held)
    }

    /// Drops the token in use and its cache file: the next request logs in anew.
    pub(super) fn forget_token(&self) {
        *self.token.borrow_mut() = None;
        if let Some(path) = &self.settings.token_cache {
            let _ = files::remove_file(path, "remove");
        }
    }

    fn refused(&self, why: String) -> StoreError {
        StoreError::Refused {
            location: self.location(),
            why,
        }
    }

    /// The cached token while it has time left; renewed first when it is renewable and past
    /// half its life (a failed renewal: a new login instead).
    fn cached_token(&self) -> Result<Option<Secret>, StoreError> {
        let Some(path) = &self.settings.token_cache else {
            return Ok(None);
        };
        let Ok(Some(cached)) = files::read_file::<CachedVaultToken>(path) else {
            return Ok(None);
        };
        let now = Utc::now();
        if cached.expires_at - now < CACHED_MARGIN {
            return Ok(None);
        }
        let halfway = cached.issued_at + (cached.expires_at - cached.issued_at) / 2;
        if cached.renewable && now >= halfway {
            return Ok(self.renew(&cached.token).ok());
        }
        Ok(Some(cached.token))
    }

    /// `auth/token/renew-self`.
    fn renew(&self, token: &Secret) -> Result<Secret, StoreError> {
        let url = self.auth_url(&["token", "renew-self"])?;
        let reply = self.send_as(Method::POST, url, Some(json!({})), Some(token))?;
        self.keep_login(&reply.body, "token renewal", reply.status)
    }

    /// Logs in with the configured method.
    fn log_in(&self) -> Result<Secret, StoreError> {
        let (method, mount, body) = match &self.settings.login {
            VaultLogin::Token(_) => unreachable!("a given token needs no login"),
            VaultLogin::AppRole {
                mount,
                role_id,
                secret_id,
            } => (
                "approle",
                mount,
                json!({ "role_id": role_id, "secret_id": secret_id.expose() }),
            ),
            VaultLogin::Jwt {
                method,
                mount,
                role,
                source,
            } => {
                let jwt = self.identity_token(source)?;
                (
                    method.name(),
                    mount,
                    json!({ "role": role, "jwt": jwt.expose() }),
                )
            }
        };
        let mut segments: Vec<&str> = mount.split('/').collect();
        segments.push("login");
        let url = self.auth_url(&segments)?;
        let reply = self.send_as(Method::POST, url, Some(body), None)?;
        self.keep_login(
            &reply.body,
            &format!("{method} login at auth/{mount}/login"),
            reply.status,
        )
    }

    /// `{address}/v1/auth/{segments}`.
    fn auth_url(&self, segments: &[&str]) -> Result<url::Url, StoreError> {
        let mut url = crate::http::check_url(self.address()?)
            .map_err(|cause| self.refused(cause.to_string()))?;
        url.path_segments_mut()
            .map_err(|()| self.refused("the Vault address cannot have a path".into()))?
            .pop_if_empty()
            .push("v1")
            .push("auth")
            .extend(segments);
        Ok(url)
    }

    /// The token of a login or renewal answer, kept in the cache file when there is one.
    fn keep_login(
        &self,
        body: &[u8],
        what: &str,
        status: StatusCode,
    ) -> Result<Secret, StoreError> {
        let answer: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let auth = &answer["auth"];
        let token = auth["client_token"]
            .as_str()
            .filter(|token| !token.is_empty());
        let (true, Some(token)) = (status.is_success(), token) else {
            let why = serde_json::from_value::<Vec<String>>(answer["errors"].clone())
                .map(|errors| crate::text::printable(&errors.join("; ")))
                .unwrap_or_else(|_| "no token in the answer".into());
            return Err(self.refused(format!(
                "Vault refused the {what} (HTTP {}: {why})",
                status.as_u16()
            )));
        };
        let token = Secret::new(token);
        if let Some(path) = &self.settings.token_cache {
            let now = Utc::now();
            let cached = CachedVaultToken {
                token: token.clone(),
                issued_at: now,
                expires_at: now + TimeDelta::seconds(auth["lease_duration"].as_i64().unwrap_or(0)),
                renewable: auth["renewable"].as_bool().unwrap_or(false),
            };
            // Only a cache: a run that cannot write it logs in next time.
            let _ = files::write_file(path, &cached, Durability::Disposable);
        }
        Ok(token)
    }

    /// The JWT to log in with: the file's content, or GitHub Actions' OIDC answer.
    fn identity_token(&self, source: &JwtSource) -> Result<Secret, StoreError> {
        match source {
            JwtSource::File(path) => {
                let text = std::fs::read_to_string(path).map_err(|cause| {
                    self.refused(format!(
                        "cannot read the identity token {}: {cause}",
                        path.display()
                    ))
                })?;
                let jwt = text.trim();
                if jwt.is_empty() {
                    return Err(self.refused(format!(
                        "the identity token file {} is empty",
                        path.display()
                    )));
                }
                Ok(Secret::new(jwt))
            }
            JwtSource::GitHubActions {
                request_url,
                request_token,
                audience,
            } => {
                let mut url = crate::http::check_url(request_url).map_err(|cause| {
                    self.refused(format!("ACTIONS_ID_TOKEN_REQUEST_URL: {cause}"))
                })?;
                if let Some(audience) = audience {
                    url.query_pairs_mut().append_pair("audience", audience);
                }
                let request = Request::new(Method::GET, url, MAX_LOGIN_BYTES)
                    .secret_header(
                        header::AUTHORIZATION,
                        &format!("Bearer {}", request_token.expose()),
                    )
                    .map_err(|error| self.refused(error.to_string()))?;
                let reply = self
                    .transport()?
                    .send(request)
                    .map_err(|error| self.unreachable(error))?;
                let answer: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
                match (reply.status.is_success(), answer["value"].as_str()) {
                    (true, Some(jwt)) if !jwt.is_empty() => Ok(Secret::new(jwt)),
                    _ => Err(self.refused(format!(
                        "the GitHub Actions OIDC request answered HTTP {} without a token (does the job have `permissions: id-token: write`?): {}",
                        reply.status.as_u16(),
                        vault_errors(&reply)
                    ))),
                }
            }
        }
    }
}
