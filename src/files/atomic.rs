//! The one way amtoken writes a file: a 0600 temporary file in the same private directory,
//! written, (for what must survive a power cut) fsynced, and renamed over the target, so a
//! reader sees the old file or the new one, never half of one.

use std::io::{self, Write as _};
use std::path::Path;

use crate::paths::ensure_private_dir;

/// Whether a file must survive a power cut, or only a crash of amtoken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// The file and the rename are fsynced: a refresh token, a pending authorize request.
    Durable,
    /// Not fsynced: a cache, which a power cut may leave empty or old, and whose loss costs a
    /// refresh or a fetch at most. Saves two disk flushes on every refresh.
    Disposable,
}

/// Replaces `path` with `bytes` atomically; the file is 0600 and its directory 0700.
pub fn write_private(path: &Path, bytes: &[u8], durability: Durability) -> io::Result<()> {
    put_private(path, bytes, durability, Put::Replace).map(|_| ())
}

/// Creates `path` with `bytes`, whole, unless it exists: `false` then, and nothing written.
/// Of two processes creating one path, exactly one gets `true`. Durable.
pub fn create_private(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    put_private(path, bytes, Durability::Durable, Put::Create)
}

#[derive(PartialEq)]
enum Put {
    Replace,
    Create,
}

fn put_private(path: &Path, bytes: &[u8], durability: Durability, put: Put) -> io::Result<bool> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no parent directory"))?;
    ensure_private_dir(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".amtoken-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o600));
    }
    let mut file = builder.tempfile_in(dir)?;
    file.write_all(bytes)?;
    let durable = durability == Durability::Durable;
    if durable {
        file.as_file().sync_all()?;
    }
    if put == Put::Create {
        match file.persist_noclobber(path) {
            Ok(_) => {}
            Err(error) if error.error.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
            Err(error) => return Err(error.error),
        }
    } else {
        file.persist(path).map_err(|error| error.error)?;
    }
    // The rename itself must survive a power cut too.
    #[cfg(unix)]
    if durable {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_private_and_replaced_whole() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("sub/profile.json");
        write_private(&path, b"first", Durability::Durable).unwrap();
        write_private(&path, b"second", Durability::Disposable).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
        }
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("profile.json")]);
    }
}
