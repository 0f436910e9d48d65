//! What amtoken learns from an issuer besides tokens: its discovery document and key sets,
//! each cached for a day in the cache directory, and token verification over them
//! (`decode --verify`). Used by `decode --verify` directly, and by the session for `logout
//! --revoke` (the revocation endpoint). No profile session is needed to check a signature.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::Settings;
use crate::error::{Context as _, Error, Kind, Result};
use crate::http::Transport;
use crate::jwt::{self, Expectations, Jwt, KeySet, Verified};
use crate::oauth::discovery::{self, Discovery};

/// How long a cached discovery document or key set is used without asking again.
const DOCUMENT_TTL_SECONDS: i64 = 86_400;

/// A document as cached, with when it was fetched.
#[derive(Debug, Serialize, Deserialize)]
struct Cached<T> {
    #[serde(with = "crate::text::rfc3339_serde")]
    fetched_at: DateTime<Utc>,
    document: T,
}

/// What `decode --verify` checks the claims against.
#[derive(Debug, Clone, Copy)]
pub struct VerifyOptions<'a> {
    /// A key set URL or file; `None`: the issuer's, from discovery.
    pub key_source: Option<&'a str>,
    pub audience: Option<&'a str>,
    pub leeway: std::time::Duration,
}

/// A verified token: which key, from where.
#[derive(Debug, Clone)]
pub struct Verification {
    pub verified: Verified,
    /// The key set's URL or file.
    pub key_source: String,
    /// What the claims check could not check, in words.
    pub not_checked: Vec<String>,
}

/// The settings' issuer, over the run's transport.
pub struct Issuer<'a> {
    settings: &'a Settings,
    transport: &'a Transport,
}

impl<'a> Issuer<'a> {
    pub fn new(settings: &'a Settings, transport: &'a Transport) -> Self {
        Issuer {
            settings,
            transport,
        }
    }

    /// `issuer`'s discovery document, from the cache when it is less than a day old; `None`
    /// when the server has none.
    pub fn discovery(&self, issuer: &str) -> Result<Option<Discovery>> {
        let path = self.settings.paths.discovery_file(issuer);
        if let Some(cached) = read_fresh::<Discovery>(&path)
            && cached.issuer == issuer
        {
            return Ok(Some(cached));
        }
        let found = discovery::fetch_discovery(self.transport, issuer)
            .map_err(Error::from)
            .context(format!("failed to read the discovery document of {issuer}"))?;
        if let Some(document) = &found {
            write_cached(&path, document);
        }
        Ok(found)
    }

    /// Asks for `issuer`'s discovery document, never from the cache: the way there (TLS,
    /// proxy) and the server's clock (`doctor`).
    pub fn probe(&self, issuer: &str) -> Result<discovery::Probe> {
        discovery::probe_discovery(self.transport, issuer)
            .map_err(Error::from)
            .context(format!("failed to read the discovery document of {issuer}"))
    }

    /// Verifies `token`'s signature and claims: keys from `options.key_source` or the
    /// issuer's JWKS; a `kid` the cached set lacks makes one fresh fetch (keys rotate).
    pub fn verify(&self, token: &Jwt, options: &VerifyOptions<'_>) -> Result<Verification> {
        let issuer = self.settings.issuer_or_default().to_string();
        let source = match options.key_source {
            Some(source) => source.to_string(),
            None => self.jwks_uri(&issuer)?,
        };
        let remote = source.starts_with("https://") || source.starts_with("http://");
        let (keys, from_cache) = if remote {
            self.key_set(&source, false)?
        } else {
            (read_key_file(&source)?, false)
        };
        let verified = match jwt::verify_signature(token, &keys) {
            Err(error) if error.is_unknown_key() && from_cache => {
                let (keys, _) = self.key_set(&source, true)?;
                jwt::verify_signature(token, &keys)
            }
            other => other,
        }
        .map_err(Error::from)
        .context(format!(
            "failed to verify the token with the keys of {source}"
        ))?;
        let not_checked = jwt::check_claims(
            token,
            &Expectations {
                issuer: Some(&issuer),
                audience: options.audience,
                client_id: self.settings.client_id.as_deref(),
                leeway: options.leeway,
                now: Utc::now(),
            },
        )
        .map_err(Error::from)
        .context("failed to verify the token")?;
        Ok(Verification {
            verified,
            key_source: source,
            not_checked,
        })
    }

    fn jwks_uri(&self, issuer: &str) -> Result<String> {
        let discovery = self.discovery(issuer)?.ok_or_else(|| {
            Error::msg(
                Kind::InvalidInput,
                format!("{issuer} has no discovery document, so its keys are unknown"),
            )
            .context("failed to verify the token")
            .hint("pass the key set with --jwks URL|FILE")
        })?;
        discovery.jwks_uri.ok_or_else(|| {
            Error::msg(
                Kind::InvalidInput,
                format!("the discovery document of {issuer} names no jwks_uri"),
            )
            .context("failed to verify the token")
            .hint("pass the key set with --jwks URL|FILE")
        })
    }

    /// The key set at `url`: cached unless `fresh`; the second value says it came from the
    /// cache.
    fn key_set(&self, url: &str, fresh: bool) -> Result<(KeySet, bool)> {
        let path = self.settings.paths.jwks_file(url);
        if !fresh
            && let Some(document) = read_fresh::<serde_json::Value>(&path)
            && let Ok(keys) = KeySet::from_json(document.to_string().as_bytes())
        {
            return Ok((keys, true));
        }
        let bytes = discovery::fetch_jwks(self.transport, url)
            .map_err(Error::from)
            .context(format!("failed to fetch the key set {url}"))?;
        let keys = KeySet::from_json(&bytes)
            .map_err(|error| Error::new(Kind::ServerRefused, error))
            .context(format!("failed to read the key set {url}"))?;
        if let Ok(document) = serde_json::from_slice::<serde_json::Value>(&bytes) {
            write_cached(&path, &document);
        }
        Ok((keys, false))
    }
}

fn read_fresh<T: for<'de> Deserialize<'de>>(path: &std::path::Path) -> Option<T> {
    let cached: Cached<T> = crate::files::read_file(path).ok().flatten()?;
    let age = (Utc::now() - cached.fetched_at).num_seconds();
    (0..DOCUMENT_TTL_SECONDS)
        .contains(&age)
        .then_some(cached.document)
}

fn write_cached<T: Serialize>(path: &std::path::Path, document: &T) {
    let cached = Cached {
        fetched_at: Utc::now(),
        document,
    };
    // Only a cache: failing to keep it costs a fetch next time.
    let _ = crate::files::write_file(path, &cached, crate::files::Durability::Disposable);
}

fn read_key_file(path: &str) -> Result<KeySet> {
    let bytes = std::fs::read(path)
        .map_err(|error| Error::new(Kind::InvalidInput, error))
        .context(format!("failed to read the key set {path}"))?;
    KeySet::from_json(&bytes)
        .map_err(|error| Error::new(Kind::InvalidInput, error))
        .context(format!("failed to read the key set {path}"))
}
