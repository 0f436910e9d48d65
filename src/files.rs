//! The JSON files amtoken keeps: the store file, the cache and the rescue file (through the
//! store), and beside the store the pending authorize request, the used state, the
//! lost-answer and seed notes, the discovery and key-set caches. Each is read whole and
//! written whole — a 0600 temporary file renamed over it (`atomic`) — or created without
//! clobbering, so that of two processes exactly one creates it.

mod atomic;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use atomic::Durability;

/// Why a file of ours could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot {action} {}: {cause}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        cause: std::io::Error,
    },
    /// Not the JSON amtoken wrote (serde_json's message names the field, never a value).
    #[error("the stored record in {location} is unreadable: {why}")]
    Corrupt { location: String, why: String },
}

/// Reads a JSON file of ours: `None` when there is none, an error when it cannot be read or
/// parsed.
pub fn read_file<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Option<T>, FileError> {
    match std::fs::read(path) {
        Ok(bytes) => from_json(&bytes, &path.display().to_string()).map(Some),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(cause) => Err(FileError::Io {
            action: "read",
            path: path.to_path_buf(),
            cause,
        }),
    }
}

/// Replaces a JSON file of ours, atomically, mode 0600.
pub fn write_file(
    path: &Path,
    value: &impl Serialize,
    durability: Durability,
) -> Result<(), FileError> {
    atomic::write_private(path, &to_json(value), durability).map_err(|cause| FileError::Io {
        action: "write",
        path: path.to_path_buf(),
        cause,
    })
}

/// Replaces a file of ours that holds text rather than JSON (`exec`'s token file, `serve`'s
/// secret), atomically, mode 0600: a reader sees the old text or the new, never half.
pub fn write_text(path: &Path, text: &str, durability: Durability) -> Result<(), FileError> {
    atomic::write_private(path, text.as_bytes(), durability).map_err(|cause| FileError::Io {
        action: "write",
        path: path.to_path_buf(),
        cause,
    })
}

/// Creates a JSON file of ours, mode 0600, unless it exists (`false`): of two processes,
/// exactly one creates it.
pub fn create_file(path: &Path, value: &impl Serialize) -> Result<bool, FileError> {
    atomic::create_private(path, &to_json(value)).map_err(|cause| FileError::Io {
        action: "create",
        path: path.to_path_buf(),
        cause,
    })
}

/// Removes a file of ours; `false` when it was not there.
pub fn remove_file(path: &Path, action: &'static str) -> Result<bool, FileError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(cause) => Err(FileError::Io {
            action,
            path: path.to_path_buf(),
            cause,
        }),
    }
}

/// Pretty JSON and a final newline, as every file of ours is written.
pub fn to_json(value: &impl Serialize) -> Vec<u8> {
    // Serialising plain strings and dates cannot fail.
    let mut json = serde_json::to_vec_pretty(value).unwrap_or_default();
    json.push(b'\n');
    json
}

/// Reads what [`to_json`] wrote; `location` names it in an error.
pub fn from_json<T: for<'de> Deserialize<'de>>(
    bytes: &[u8],
    location: &str,
) -> Result<T, FileError> {
    serde_json::from_slice(bytes).map_err(|error| FileError::Corrupt {
        location: location.to_string(),
        why: error.to_string(),
    })
}
