//! The access-token cache: `$XDG_CACHE_HOME/amtoken/<profile>.json`, mode 0600. It holds only
//! the short-lived access token; a missing or unreadable cache just means "refresh".

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Durability, StoreError};
use crate::files;
use crate::secret::Secret;

/// The cached access token and what it was obtained for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedToken {
    #[serde(with = "crate::secret::exposed")]
    pub access_token: Secret,
    pub token_type: String,
    #[serde(with = "super::rfc3339")]
    pub expires_at: DateTime<Utc>,
    pub scope: String,
    pub issuer: String,
    pub client_id: String,
}

impl CachedToken {
    /// Seconds left at `now` (negative once expired).
    pub fn seconds_left(&self, now: DateTime<Utc>) -> i64 {
        (self.expires_at - now).num_seconds()
    }
}

/// Reads the cache: `None` when there is none. An unreadable cache is an error, which callers
/// may treat as a miss (it is only a cache).
pub fn load(path: &Path) -> Result<Option<CachedToken>, StoreError> {
    Ok(files::read_file(path)?)
}

/// Replaces the cache atomically.
pub fn save(path: &Path, token: &CachedToken) -> Result<(), StoreError> {
    Ok(files::write_file(path, token, Durability::Disposable)?)
}

/// Removes the cache; `false` when there was none.
pub fn delete(path: &Path) -> Result<bool, StoreError> {
    Ok(files::remove_file(path, "remove")?)
}
