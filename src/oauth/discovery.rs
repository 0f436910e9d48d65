//! OpenID Connect discovery (`{issuer}/.well-known/openid-configuration`) and key sets (JWKS),
//! fetched through the transport. The document's `issuer` must be the one asked for.

use serde::{Deserialize, Serialize};

use super::OAuthError;
use crate::http::{self, Method, Request, StatusCode, Transport, header};

/// Largest discovery document or key set read.
const MAX_DOCUMENT_BYTES: u64 = 1024 * 1024;

/// What amtoken reads of a discovery document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Discovery {
    pub issuer: String,
    #[serde(default)]
    pub jwks_uri: Option<String>,
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
}

/// The discovery URL of `issuer`.
pub fn discovery_url(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    )
}

/// Fetches `issuer`'s discovery document; `None` when the server has none (404).
pub fn fetch_discovery(
    transport: &Transport,
    issuer: &str,
) -> Result<Option<Discovery>, OAuthError> {
    let url = discovery_url(issuer);
    let Some(body) = fetch_document(transport, &url, "discovery document")? else {
        return Ok(None);
    };
    let discovery: Discovery =
        serde_json::from_slice(&body).map_err(|error| OAuthError::InvalidDocument {
            what: "discovery document",
            url: url.clone(),
            why: error.to_string(),
        })?;
    if discovery.issuer.trim_end_matches('/') != issuer.trim_end_matches('/') {
        return Err(OAuthError::InvalidDocument {
            what: "discovery document",
            url,
            why: format!("it names issuer {:?}, not {issuer:?}", discovery.issuer),
        });
    }
    Ok(Some(discovery))
}

/// What asking for the discovery document told about the way to the server (`doctor`).
#[derive(Debug)]
pub struct Probe {
    /// The document, or `None` when the server has none (404).
    pub discovery: Option<Discovery>,
    /// The server's `Date` header: its clock.
    pub server_date: Option<chrono::DateTime<chrono::Utc>>,
    /// When the request went out, and how long the answer took.
    pub sent_at: chrono::DateTime<chrono::Utc>,
    pub elapsed: std::time::Duration,
}

/// Fetches `issuer`'s discovery document with what the answer's head says.
pub fn probe_discovery(transport: &Transport, issuer: &str) -> Result<Probe, OAuthError> {
    let url = discovery_url(issuer);
    let target = http::check_url(&url).map_err(OAuthError::Http)?;
    let sent_at = chrono::Utc::now();
    let started = std::time::Instant::now();
    let reply = transport
        .send(
            Request::new(Method::GET, target, MAX_DOCUMENT_BYTES)
                .header(header::ACCEPT, "application/json")
                .map_err(OAuthError::Http)?,
        )
        .map_err(OAuthError::Http)?;
    let elapsed = started.elapsed();
    let server_date = reply
        .header(header::DATE)
        .and_then(|date| chrono::DateTime::parse_from_rfc2822(date).ok())
        .map(|date| date.with_timezone(&chrono::Utc));
    let discovery = if reply.status == StatusCode::NOT_FOUND {
        None
    } else if reply.status.is_success() {
        Some(
            serde_json::from_slice(&reply.body).map_err(|error| OAuthError::InvalidDocument {
                what: "discovery document",
                url: url.clone(),
                why: error.to_string(),
            })?,
        )
    } else {
        return Err(OAuthError::InvalidDocument {
            what: "discovery document",
            url,
            why: format!("HTTP {}", reply.status),
        });
    };
    Ok(Probe {
        discovery,
        server_date,
        sent_at,
        elapsed,
    })
}

/// Fetches a key set's bytes (parsed by the JWT module).
pub fn fetch_jwks(transport: &Transport, url: &str) -> Result<Vec<u8>, OAuthError> {
    fetch_document(transport, url, "key set")?.ok_or_else(|| OAuthError::InvalidDocument {
        what: "key set",
        url: url.to_string(),
        why: "HTTP 404 Not Found".into(),
    })
}

/// GETs a JSON document: its body, `None` on 404.
fn fetch_document(
    transport: &Transport,
    url: &str,
    what: &'static str,
) -> Result<Option<Vec<u8>>, OAuthError> {
    let request = Request::new(Method::GET, http::check_url(url)?, MAX_DOCUMENT_BYTES)
        .header(header::ACCEPT, "application/json")?;
    let reply = transport.send(request)?;
    match reply.status {
        StatusCode::OK => Ok(Some(reply.body)),
        StatusCode::NOT_FOUND => Ok(None),
        status if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS => {
            Err(OAuthError::ServerTrouble {
                status: status.as_u16(),
                retry_after: reply.header(header::RETRY_AFTER).map(str::to_string),
                excerpt: String::new(),
            })
        }
        status => Err(OAuthError::InvalidDocument {
            what,
            url: url.to_string(),
            why: format!("HTTP {status}"),
        }),
    }
}
