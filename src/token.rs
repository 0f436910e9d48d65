//! `AccessToken`: a bearer token as amtoken hands it out — its value, type and expiry, and the
//! issuer, client and scope it was obtained for. Below every layer that carries one (the
//! cache, the session, the API client, `serve`), so none of them needs another to name it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// An access token and what it was obtained for. Its JSON form is the access-token cache file,
/// as docs/DESIGN.md fixes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessToken {
    #[serde(with = "crate::secret::exposed")]
    pub access_token: Secret,
    pub token_type: String,
    #[serde(with = "crate::text::rfc3339_serde")]
    pub expires_at: DateTime<Utc>,
    pub scope: String,
    pub issuer: String,
    pub client_id: String,
}

impl AccessToken {
    /// Seconds left at `now` (negative once expired).
    pub fn seconds_left(&self, now: DateTime<Utc>) -> i64 {
        (self.expires_at - now).num_seconds()
    }
}
