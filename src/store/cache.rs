//! The access-token cache: `$XDG_CACHE_HOME/amtoken/<profile>.json`, mode 0600. It holds only
//! the short-lived access token; a missing or unreadable cache just means "refresh".

use std::path::Path;

use super::{Durability, StoreError};
use crate::files;
use crate::token::AccessToken;

/// Reads the cache: `None` when there is none. An unreadable cache is an error, which callers
/// may treat as a miss (it is only a cache).
pub fn load(path: &Path) -> Result<Option<AccessToken>, StoreError> {
    Ok(files::read_file(path)?)
}

/// Replaces the cache atomically.
pub fn save(path: &Path, token: &AccessToken) -> Result<(), StoreError> {
    Ok(files::write_file(path, token, Durability::Disposable)?)
}

/// Removes the cache; `false` when there was none.
pub fn delete(path: &Path) -> Result<bool, StoreError> {
    Ok(files::remove_file(path, "remove")?)
}
