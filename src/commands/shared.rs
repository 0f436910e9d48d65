//! What the token commands share: the store and HTTP client built from the settings, the
//! "valid token under the profile lock" flow, storing what a token endpoint issued, and the
//! `--output` renderer.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::cli::{ClientAuth, OutputFormat, StoreKind};
use crate::config::Settings;
use crate::error::{Context as _, Error, Kind, Result};
use crate::http::{self, ClientAuthMethod, ClientCredentials, Grant, HttpClient, TokenReply};
use crate::jwt;
use crate::output;
use crate::secret::Secret;
use crate::store::{self, CachedToken, CredentialStore, Record, cache, lock};

/// Used when the server says nothing of the access token's lifetime (no `expires_in`, not a
/// JWT with `exp`): ApprovalMax's tokens live an hour.
const ASSUMED_LIFETIME_SECONDS: i64 = 3600;

/// What to do when there is no usable refresh token.
pub const REAUTHORIZE: &str =
    "authorize again, then run `amtoken exchange --code <CODE or CALLBACK-URL>`";

/// Opens the store the settings choose.
pub fn open_store(settings: &Settings) -> Box<dyn CredentialStore> {
    let backend = match settings.store {
        StoreKind::Keyring => store::Backend::Keyring,
        StoreKind::File => store::Backend::File,
    };
    store::open(backend, &settings.paths, settings.keychain_timeout)
}

/// The HTTP client and the client credentials every grant needs.
pub fn grant_client(settings: &Settings) -> Result<(HttpClient, ClientCredentials)> {
    let client_id = settings.require_client_id()?.to_string();
    let client = HttpClient::new(http::HttpOptions {
        timeout: settings.timeout,
        cacert: settings.cacert.as_deref(),
        verbose: settings.verbose,
    })?;
    let credentials = ClientCredentials {
        client_id,
        client_secret: settings.client_secret()?,
        method: match settings.client_auth {
            ClientAuth::Post => ClientAuthMethod::Post,
            ClientAuth::Basic => ClientAuthMethod::Basic,
        },
    };
    Ok((client, credentials))
}

/// The cached access token, when it belongs to these settings and has more than `min_ttl`
/// left. No network, no keychain, no lock: the hot path of `amtoken token`.
pub fn fresh_cached_token(
    settings: &Settings,
    client_id: &str,
    min_ttl: Duration,
    now: DateTime<Utc>,
) -> Option<CachedToken> {
    let cached = match cache::load(&settings.paths.cache_file(&settings.profile)) {
        Ok(cached) => cached?,
        Err(error) => {
            output::warn(format_args!("ignoring the access-token cache: {error}"));
            return None;
        }
    };
    let min_ttl = i64::try_from(min_ttl.as_secs()).unwrap_or(i64::MAX);
    (cached.is_for(&settings.issuer, client_id) && cached.seconds_left(now) > min_ttl)
        .then_some(cached)
}

/// How [`valid_token`] came by its token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// The cache already held a fresh one (maybe left by another process while we waited).
    Cached,
    /// This process ran the refresh grant.
    Refreshed,
}

/// A valid access token: from the cache when it has more than `min_ttl` left (unless `force`),
/// otherwise from the refresh grant, run under the profile lock so that two processes never
/// spend the same refresh token.
pub fn valid_token(
    settings: &Settings,
    min_ttl: Duration,
    force: bool,
) -> Result<(CachedToken, Provenance)> {
    let client_id = settings.require_client_id()?;
    if !force && let Some(cached) = fresh_cached_token(settings, client_id, min_ttl, Utc::now()) {
        return Ok((cached, Provenance::Cached));
    }
    let _lock = lock::acquire(
        &settings.paths.lock_file(&settings.profile),
        settings.lock_timeout,
    )?;
    // Another process may have refreshed while we waited for the lock.
    if !force && let Some(cached) = fresh_cached_token(settings, client_id, min_ttl, Utc::now()) {
        return Ok((cached, Provenance::Cached));
    }
    let store = open_store(settings);
    let record = stored_record(settings, store.as_ref())?;
    let (client, credentials) = grant_client(settings)?;
    let reply = client
        .request_token(
            &settings.token_url,
            &credentials,
            &Grant::RefreshToken {
                refresh_token: &record.refresh_token,
            },
        )
        .map_err(|error| {
            let reauthorize = error.oauth_error() == Some("invalid_grant");
            let error = Error::from(error).context("failed to refresh the access token");
            if reauthorize {
                error.hint(format!("the refresh token was rejected; {REAUTHORIZE}"))
            } else {
                error
            }
        })?;
    let token = keep_issued_tokens(settings, store.as_ref(), reply, &record.scope)
        .context("failed to refresh the access token")?;
    Ok((token, Provenance::Refreshed))
}

/// The profile's stored record — or a newer one a failed store left in the rescue file, which
/// is moved into the store first — seeded from `AMTOKEN_REFRESH_TOKEN` when nothing is stored;
/// refused when it was obtained for another issuer or client.
fn stored_record(settings: &Settings, store: &dyn CredentialStore) -> Result<Record> {
    let stored = store
        .load(&settings.profile)
        .context("failed to read the stored refresh token")?;
    let rescue_path = settings.paths.rescue_file(&settings.profile);
    let rescued = store::read_rescue(&rescue_path)?.filter(|rescued| {
        stored
            .as_ref()
            .is_none_or(|stored| rescued.obtained_at >= stored.obtained_at)
    });
    let record = match (stored, rescued) {
        (_, Some(rescued)) => {
            store
                .save(&settings.profile, &rescued)
                .context("failed to move the rescued refresh token into the store")?;
            store::remove_rescue(&rescue_path)?;
            output::note(format_args!(
                "amtoken: moved the rescued refresh token from {} into {}",
                rescue_path.display(),
                store.location(&settings.profile)
            ));
            rescued
        }
        (Some(stored), None) => stored,
        (None, None) => seed_from_environment(settings, store)?,
    };
    check_record_matches(settings, &record)?;
    Ok(record)
}

/// `AMTOKEN_REFRESH_TOKEN` seeds an empty store (CI without a keychain): it is stored at once,
/// and from then on it rotates like any stored token.
fn seed_from_environment(settings: &Settings, store: &dyn CredentialStore) -> Result<Record> {
    let Some(token) = std::env::var("AMTOKEN_REFRESH_TOKEN")
        .ok()
        .map(|value| value.trim().to_string())
        .filter(|value| !value.is_empty())
    else {
        return Err(Error::msg(
            Kind::NotLoggedIn,
            format!(
                "nothing is stored for profile {:?} ({})",
                settings.profile,
                store.location(&settings.profile)
            ),
        )
        .hint(REAUTHORIZE));
    };
    let record = Record {
        refresh_token: Secret::new(token),
        issuer: settings.issuer.clone(),
        client_id: settings.require_client_id()?.to_string(),
        scope: settings.scope.clone(),
        obtained_at: Utc::now(),
    };
    store
        .save(&settings.profile, &record)
        .context("failed to store the refresh token from AMTOKEN_REFRESH_TOKEN")?;
    output::note(format_args!(
        "amtoken: stored the refresh token from AMTOKEN_REFRESH_TOKEN in {}",
        store.location(&settings.profile)
    ));
    Ok(record)
}

/// A stored token is used only with the issuer and client id it was obtained for.
pub fn check_record_matches(settings: &Settings, record: &Record) -> Result<()> {
    let client_id = settings.require_client_id()?;
    if record.issuer == settings.issuer && record.client_id == client_id {
        return Ok(());
    }
    Err(Error::msg(
        Kind::InvalidInput,
        format!(
            "the refresh token stored for profile {:?} was obtained from issuer {} for client {}, \
             but the settings name issuer {} and client {}",
            settings.profile, record.issuer, record.client_id, settings.issuer, client_id
        ),
    )
    .hint(
        "use the matching --issuer and --client-id, another --profile, or `amtoken exchange` again",
    ))
}

/// Keeps what a token endpoint issued: the refresh token first — even when the rest of the
/// answer is unusable, and into the rescue file when the store refuses it — then the access
/// token in the cache.
pub fn keep_issued_tokens(
    settings: &Settings,
    store: &dyn CredentialStore,
    reply: TokenReply,
    previous_scope: &str,
) -> Result<CachedToken> {
    let client_id = settings.require_client_id()?;
    let now = Utc::now();
    let granted_scope = reply
        .tokens
        .as_ref()
        .ok()
        .and_then(|tokens| tokens.scope.clone())
        .unwrap_or_else(|| previous_scope.to_string());
    if let Some(refresh_token) = reply.refresh_token {
        let record = Record {
            refresh_token,
            issuer: settings.issuer.clone(),
            client_id: client_id.to_string(),
            scope: granted_scope.clone(),
            obtained_at: now,
        };
        store_or_rescue(settings, store, &record)?;
    }
    let tokens = reply.tokens.map_err(Error::from)?;
    if settings.verbose && !tokens.extra.is_empty() {
        let names: Vec<&str> = tokens.extra.keys().map(String::as_str).collect();
        output::note(format_args!(
            "amtoken: the token response also carried: {}",
            names.join(", ")
        ));
    }
    let expires_at = match tokens.expires_in {
        Some(seconds) => now + chrono::Duration::seconds(seconds.clamp(0, 10 * 365 * 86_400)),
        None => match jwt::decode(tokens.access_token.expose())
            .ok()
            .and_then(|token| token.expires_at())
        {
            Some(at) => at,
            None => {
                output::warn(format_args!(
                    "the server did not say when the access token expires; assuming {}s",
                    ASSUMED_LIFETIME_SECONDS
                ));
                now + chrono::Duration::seconds(ASSUMED_LIFETIME_SECONDS)
            }
        },
    };
    let cached = CachedToken {
        access_token: tokens.access_token,
        token_type: tokens.token_type,
        expires_at,
        scope: granted_scope,
        issuer: settings.issuer.clone(),
        client_id: client_id.to_string(),
    };
    if let Err(error) = cache::save(&settings.paths.cache_file(&settings.profile), &cached) {
        // The refresh token is safe; a missing cache only costs a refresh next time.
        output::warn(format_args!("cannot cache the access token: {error}"));
    }
    Ok(cached)
}

/// Stores `record`; when the store refuses, writes the 0600 rescue file and says where it is.
fn store_or_rescue(
    settings: &Settings,
    store: &dyn CredentialStore,
    record: &Record,
) -> Result<()> {
    let Err(error) = store.save(&settings.profile, record) else {
        return Ok(());
    };
    let rescue = settings.paths.rescue_file(&settings.profile);
    let error = Error::from(error).context("failed to store the new refresh token");
    match store::write_rescue(&rescue, record) {
        Ok(()) => {
            output::warn(format_args!(
                "the new refresh token was saved to the rescue file {}",
                rescue.display()
            ));
            Err(error.hint(format!(
                "the new refresh token is in {} (mode 0600); fix the store, then move it there",
                rescue.display()
            )))
        }
        Err(rescue_error) => {
            Err(error.context(format!("and the rescue file failed too ({rescue_error})")))
        }
    }
}

/// The `--output` text for a token (empty for `none`).
pub fn render_token(
    format: OutputFormat,
    token: &CachedToken,
    profile: &str,
    now: DateTime<Utc>,
) -> String {
    let access_token = token.access_token.expose();
    match format {
        OutputFormat::Raw => format!("{access_token}\n"),
        OutputFormat::Header => format!("Authorization: Bearer {access_token}\n"),
        OutputFormat::Json => {
            #[derive(Serialize)]
            struct TokenJson<'a> {
                access_token: &'a str,
                token_type: &'a str,
                expires_at: String,
                expires_at_unix: i64,
                expires_in: i64,
                scope: &'a str,
                profile: &'a str,
            }
            let json = TokenJson {
                access_token,
                token_type: &token.token_type,
                expires_at: output::rfc3339(token.expires_at),
                expires_at_unix: token.expires_at.timestamp(),
                expires_in: token.seconds_left(now),
                scope: &token.scope,
                profile,
            };
            format!("{}\n", serde_json::to_string(&json).unwrap_or_default())
        }
        OutputFormat::Env => format!(
            "export AMTOKEN_ACCESS_TOKEN={}\nexport AMTOKEN_EXPIRES_AT={}\n",
            shell_quote(access_token),
            shell_quote(&output::rfc3339(token.expires_at))
        ),
        OutputFormat::None => String::new(),
    }
}

/// Single-quotes `text` for POSIX shells unless it is plainly safe.
fn shell_quote(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_.:+/=".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// What `exchange` and `refresh` say: a one-line summary on stderr, and the token on stdout in
/// the `--output` format asked for.
pub fn report(
    settings: &Settings,
    action: &str,
    token: &CachedToken,
    format: OutputFormat,
) -> Result<()> {
    let now = Utc::now();
    output::note(summary(settings, action, token, now));
    output::print(&render_token(format, token, &settings.profile, now))?;
    Ok(())
}

fn summary(settings: &Settings, action: &str, token: &CachedToken, now: DateTime<Utc>) -> String {
    format!(
        "amtoken: {action} profile {:?} ({}): access token valid until {} ({}); scopes: {}",
        settings.profile,
        match settings.store {
            StoreKind::Keyring => "keyring",
            StoreKind::File => "file",
        },
        output::rfc3339(token.expires_at),
        output::relative(token.seconds_left(now)),
        if token.scope.is_empty() {
            "none"
        } else {
            &token.scope
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> CachedToken {
        CachedToken {
            access_token: Secret::new("aaa.bbb.ccc"),
            token_type: "Bearer".into(),
            expires_at: DateTime::parse_from_rfc3339("2026-11-25T11:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            scope: "read offline_access".into(),
            issuer: "https://id.example".into(),
            client_id: "c".into(),
        }
    }

    #[test]
    fn every_output_format_renders_as_documented() {
        let now = DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let cases = [
            (OutputFormat::Raw, "aaa.bbb.ccc\n"),
            (OutputFormat::Header, "Authorization: Bearer aaa.bbb.ccc\n"),
            (
                OutputFormat::Env,
                "export AMTOKEN_ACCESS_TOKEN=aaa.bbb.ccc\nexport AMTOKEN_EXPIRES_AT=2026-11-25T11:00:00Z\n",
            ),
            (
                OutputFormat::Json,
                "{\"access_token\":\"aaa.bbb.ccc\",\"token_type\":\"Bearer\",\"expires_at\":\"2026-11-25T11:00:00Z\",\"expires_at_unix\":1795604400,\"expires_in\":3600,\"scope\":\"read offline_access\",\"profile\":\"ci\"}\n",
            ),
            (OutputFormat::None, ""),
        ];
        for (format, expected) in cases {
            assert_eq!(
                render_token(format, &token(), "ci", now),
                expected,
                "{format:?}"
            );
        }
    }

    #[test]
    fn shell_quoting_keeps_odd_values_inert() {
        assert_eq!(shell_quote("abc.DEF-1"), "abc.DEF-1");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's $(x)"), r"'it'\''s $(x)'");
        assert_eq!(shell_quote(""), "''");
    }
}
