//! The Vault token every request of the Vault store carries, got by one handler whatever the
//! login method (as Vault agent's auto-auth is): a method (one file each beside this one) says
//! only what token it is given, or where it logs in and with which body; holding the token,
//! renewing it, logging in again when Vault refuses it, revoking what is dropped and the cache
//! file are this handler's.
//!
//! - A login's token is kept in memory for the run, or with `--vault-token-cache file` in a
//!   0600 file (one per login: server, namespace, method, mount, role and identity) until its
//!   TTL, so that a loop of `amtoken token` does not log in every time.
//! - A renewable token is renewed (`auth/token/renew-self`) once past half its life, in memory
//!   as in the file; one near its end is replaced by a new login.
//! - A refusal (403) asks Vault whether the token still lives (`auth/token/lookup-self`): a
//!   live token was refused by a policy, and is kept (no login burns a secret-id use for
//!   that); a dead one — expired, revoked — costs one new login and one more try, at most one
//!   a second.
//! - A token of this run's own login that is not kept in a file is revoked when the store is
//!   dropped; one replaced before its end, too.
//! - Every number Vault sends (`lease_duration`) is clamped.

mod approle;
mod jwt;
mod kubernetes;
mod token;

use std::cell::RefCell;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{VaultStore, vault_errors};
use crate::files::{self, Durability};
use crate::http::{Method as HttpMethod, StatusCode};
use crate::secret::Secret;
use crate::store::{CredentialStore as _, StoreError, VaultLogin};

/// Largest identity token or login answer read.
const MAX_LOGIN_BYTES: u64 = 64 * 1024;
/// A token with less than this left — or a quarter of its life, when that is less — is not
/// used: it could expire mid-refresh.
const NEAR_END: TimeDelta = TimeDelta::seconds(30);
/// The longest a Vault token is believed to live, whatever Vault says: Vault's own default
/// maximum TTL (32 days).
const LONGEST_TTL_SECONDS: i64 = 32 * 86_400;
/// No two logins closer together than this: a refusal loop must not hammer Vault.
const LOGIN_SPACING: Duration = Duration::from_secs(1);

/// The logins this process made, whatever store made them (`serve`'s metrics).
pub(crate) static LOGINS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// What a login method gives: the token itself, or a login to make.
pub(super) enum Credential {
    /// A token given (the environment, `~/.vault-token`): used as it is.
    Given(Secret),
    /// `POST auth/{mount}/login` with `body`.
    Login { mount: String, body: Value },
}

/// One way of getting a Vault token: a file beside this one, and a word of `--vault-auth`.
pub(super) trait Method {
    /// Its name in messages, as `--vault-auth` spells it.
    fn name(&self) -> &'static str;
    /// The token, or the login to make; reads its credentials now (a file, an OIDC request).
    fn credential(&self, vault: &VaultStore) -> Result<Credential, StoreError>;
    /// Who logs in, never a secret: names the login's cache file. Two jobs with their own
    /// identity tokens never share a cached token.
    fn who(&self) -> String;
}

/// The method of `login`.
fn method(login: &VaultLogin) -> Box<dyn Method + '_> {
    match login {
        VaultLogin::Token => Box::new(token::Token),
        VaultLogin::AppRole {
            mount,
            role_id,
            secret_id,
        } => Box::new(approle::AppRole {
            mount,
            role_id,
            secret_id,
        }),
        VaultLogin::Jwt {
            mount,
            role,
            source,
        } => Box::new(jwt::Jwt {
            mount,
            role,
            source,
        }),
        VaultLogin::Kubernetes {
            mount,
            role,
            token_file,
        } => Box::new(kubernetes::Kubernetes {
            mount,
            role,
            token_file,
        }),
    }
}

/// Where the token in use came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// Given by the environment or `~/.vault-token`.
    Given,
    /// From a login of this run (or a renewal of one).
    LoggedIn,
    /// From the cache file.
    Cached,
}

/// The token in use, and its life as Vault gave it.
#[derive(Clone, Serialize, Deserialize)]
struct HeldToken {
    #[serde(with = "crate::secret::exposed")]
    token: Secret,
    #[serde(with = "crate::text::rfc3339_serde")]
    issued_at: DateTime<Utc>,
    /// `None`: not known (a given token).
    #[serde(with = "crate::text::optional_rfc3339_serde", default)]
    expires_at: Option<DateTime<Utc>>,
    renewable: bool,
    #[serde(skip, default = "cached")]
    origin: Origin,
}

fn cached() -> Origin {
    Origin::Cached
}

/// The handler's state inside the store.
#[derive(Default)]
pub(super) struct Handler {
    held: RefCell<Option<HeldToken>>,
    last_login: RefCell<Option<Instant>>,
}

impl VaultStore {
    /// The Vault token to send: the one held (renewed first when it is renewable and past half
    /// its life), else the cached one, else a new login.
    pub(super) fn token(&self) -> Result<Secret, StoreError> {
        let held = self.login.held.borrow().clone();
        let now = Utc::now();
        if let Some(held) = held {
            match held.expires_at {
                Some(end) if end - now < near_end(&held, end) => {
                    self.drop_token(true);
                }
                Some(end) if held.renewable && now >= halfway(&held, end) => {
                    match self.renew(&held.token) {
                        Ok(renewed) => return Ok(renewed.token),
                        // It has time left still; the next refusal logs in anew.
                        Err(_) => return Ok(held.token),
                    }
                }
                _ => return Ok(held.token),
            }
        }
        if let Some(cached) = self.cached_token() {
            *self.login.held.borrow_mut() = Some(cached.clone());
            return self.token();
        }
        self.log_in().map(|held| held.token)
    }

    /// After Vault refused `refused`: whether a new token is there to try again with. A token
    /// Vault still knows was refused by a policy (kept: logging in again would only burn a
    /// secret-id use); a dead one is dropped and replaced by one new login, at most one a
    /// second.
    pub(super) fn replace_refused(&self, refused: &Secret) -> Result<bool, StoreError> {
        if self.token_lives(refused)? {
            return Ok(false);
        }
        let recent = self
            .login
            .last_login
            .borrow()
            .is_some_and(|at| at.elapsed() < LOGIN_SPACING);
        if recent {
            return Ok(false);
        }
        self.drop_token(false);
        let fresh = self.log_in()?;
        Ok(fresh.token != *refused)
    }

    /// Whether Vault still takes `token` at all (`auth/token/lookup-self`, which every token's
    /// default policy allows).
    fn token_lives(&self, token: &Secret) -> Result<bool, StoreError> {
        let url = self.auth_url(&["token", "lookup-self"])?;
        let reply = self.send_as(HttpMethod::GET, url, None, Some(token))?;
        Ok(reply.status.is_success())
    }

    /// Drops the token in use and its cache file; `revoke`: tell Vault too (a token that still
    /// lives and will not be used again).
    fn drop_token(&self, revoke: bool) {
        let dropped = self.login.held.borrow_mut().take();
        if let Some(path) = self.token_cache_file() {
            let _ = files::remove_file(&path, "remove");
        }
        if let Some(dropped) = dropped.filter(|held| revoke && held.origin != Origin::Given) {
            self.revoke(&dropped.token);
        }
    }

    /// `auth/token/revoke-self`, best effort.
    fn revoke(&self, token: &Secret) {
        if let Ok(url) = self.auth_url(&["token", "revoke-self"]) {
            let _ = self.send_as(HttpMethod::POST, url, Some(json!({})), Some(token));
        }
    }

    /// At the end of the run: a token of this run's login kept nowhere else is revoked.
    pub(super) fn revoke_unkept_token(&self) {
        let held = self.login.held.borrow_mut().take();
        if let Some(held) = held
            && held.origin == Origin::LoggedIn
            && self.settings.token_cache.is_none()
        {
            self.revoke(&held.token);
        }
    }

    fn refused(&self, why: String) -> StoreError {
        StoreError::Refused {
            location: self.location(),
            why,
        }
    }

    /// This login's cache file, with `--vault-token-cache file`.
    fn token_cache_file(&self) -> Option<std::path::PathBuf> {
        let dir = self.settings.token_cache.as_ref()?;
        let location = &self.settings.location;
        let key = format!(
            "{} {} {} {}",
            location.address.as_deref().unwrap_or_default(),
            location.namespace.as_deref().unwrap_or_default(),
            self.settings.login.method().name(),
            method(&self.settings.login).who()
        );
        Some(dir.join(format!("{}.json", crate::text::sha256_hex(&key, Some(16)))))
    }

    /// The cached token while it has time left.
    fn cached_token(&self) -> Option<HeldToken> {
        let path = self.token_cache_file()?;
        let cached: HeldToken = files::read_file(&path).ok().flatten()?;
        let end = cached.expires_at?;
        (end - Utc::now() >= near_end(&cached, end)).then_some(cached)
    }

    /// `auth/token/renew-self`; the renewed token is held (and cached).
    fn renew(&self, token: &Secret) -> Result<HeldToken, StoreError> {
        let url = self.auth_url(&["token", "renew-self"])?;
        let reply = self.send_as(HttpMethod::POST, url, Some(json!({})), Some(token))?;
        self.keep_login(&reply.body, "token renewal", reply.status)
    }

    /// Gets a token with the configured method, and holds it.
    fn log_in(&self) -> Result<HeldToken, StoreError> {
        *self.login.last_login.borrow_mut() = Some(Instant::now());
        let method = method(&self.settings.login);
        let held = match method.credential(self)? {
            Credential::Given(token) => HeldToken {
                token,
                issued_at: Utc::now(),
                expires_at: None,
                renewable: false,
                origin: Origin::Given,
            },
            Credential::Login { mount, body } => {
                let mut segments: Vec<&str> = mount.split('/').collect();
                segments.push("login");
                let url = self.auth_url(&segments)?;
                let reply = self.send_as(HttpMethod::POST, url, Some(body), None)?;
                if reply.status.is_success() {
                    LOGINS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                self.keep_login(
                    &reply.body,
                    &format!("{} login at auth/{mount}/login", method.name()),
                    reply.status,
                )?
            }
        };
        *self.login.held.borrow_mut() = Some(held.clone());
        Ok(held)
    }

    /// `{address}/v1/auth/{segments}`.
    pub(super) fn auth_url(&self, segments: &[&str]) -> Result<url::Url, StoreError> {
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

    /// The token of a login or renewal answer, held, and kept in the cache file when there is
    /// one.
    fn keep_login(
        &self,
        body: &[u8],
        what: &str,
        status: StatusCode,
    ) -> Result<HeldToken, StoreError> {
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
        let now = Utc::now();
        let held = HeldToken {
            token: Secret::new(token),
            issued_at: now,
            expires_at: Some(now + lease(&auth["lease_duration"])),
            renewable: auth["renewable"].as_bool().unwrap_or(false),
            origin: Origin::LoggedIn,
        };
        *self.login.held.borrow_mut() = Some(held.clone());
        if let Some(path) = self.token_cache_file() {
            // Only a cache: a run that cannot write it logs in next time.
            let _ = files::write_file(&path, &held, Durability::Disposable);
        }
        Ok(held)
    }

    /// Reads at most [`MAX_LOGIN_BYTES`] from a method's own request (GitHub's OIDC).
    pub(super) fn login_request(
        &self,
        request: crate::http::Request,
    ) -> Result<crate::http::Reply, StoreError> {
        self.transport()?
            .send(request)
            .map_err(|error| self.unreachable(error))
    }
}

impl VaultStore {
    /// The store with `token` given, as `VAULT_TOKEN` would give it (the unit tests').
    #[cfg(test)]
    pub(super) fn given(self, token: Secret) -> Self {
        *self.login.held.borrow_mut() = Some(HeldToken {
            token,
            issued_at: Utc::now(),
            expires_at: None,
            renewable: false,
            origin: Origin::Given,
        });
        self
    }
}

/// How close to its end a token is no longer used.
fn near_end(held: &HeldToken, end: DateTime<Utc>) -> TimeDelta {
    NEAR_END.min((end - held.issued_at) / 4)
}

/// Halfway through a token's life.
fn halfway(held: &HeldToken, end: DateTime<Utc>) -> DateTime<Utc> {
    held.issued_at + (end - held.issued_at) / 2
}

/// A `lease_duration` as Vault sent it, clamped: never negative, never past
/// [`LONGEST_TTL_SECONDS`], whatever its type (a float of 9e15 included).
fn lease(value: &Value) -> TimeDelta {
    let seconds = value
        .as_i64()
        .or_else(|| {
            value
                .as_f64()
                .filter(|seconds| seconds.is_finite())
                .map(|seconds| seconds.clamp(0.0, LONGEST_TTL_SECONDS as f64) as i64)
        })
        .or_else(|| value.as_u64().map(|_| LONGEST_TTL_SECONDS))
        .unwrap_or(0)
        .clamp(0, LONGEST_TTL_SECONDS);
    TimeDelta::try_seconds(seconds).unwrap_or_default()
}

/// The text of a credential file: trimmed, and not empty. A file that cannot be read is a
/// settings error naming the setting (exit 3), before anything is sent.
pub(super) fn read_credential_file(
    setting: &str,
    path: &std::path::Path,
) -> Result<Secret, StoreError> {
    let bad = |why: String| StoreError::BadSetting {
        setting: setting.to_string(),
        why,
    };
    let text = std::fs::read_to_string(path)
        .map_err(|cause| bad(format!("cannot read {}: {cause}", path.display())))?;
    let value = text.trim();
    if value.is_empty() {
        return Err(bad(format!("{} is empty", path.display())));
    }
    Ok(Secret::new(value))
}

/// The largest answer of a method's own request.
pub(super) const fn max_login_bytes() -> u64 {
    MAX_LOGIN_BYTES
}

/// What GitHub's OIDC answer or a method's request error says, for messages.
pub(super) fn errors_of(reply: &crate::http::Reply) -> String {
    vault_errors(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_from_vault_is_clamped_whatever_it_says() {
        assert_eq!(lease(&json!(3600)), TimeDelta::seconds(3600));
        assert_eq!(lease(&json!(-5)), TimeDelta::zero());
        assert_eq!(lease(&json!(9e15)), TimeDelta::seconds(LONGEST_TTL_SECONDS));
        assert_eq!(
            lease(&json!(u64::MAX)),
            TimeDelta::seconds(LONGEST_TTL_SECONDS)
        );
        assert_eq!(
            lease(&json!(i64::MAX)),
            TimeDelta::seconds(LONGEST_TTL_SECONDS)
        );
        assert_eq!(lease(&json!("3600")), TimeDelta::zero());
        assert_eq!(lease(&Value::Null), TimeDelta::zero());
    }
}
