//! The profile lock: an exclusive `flock` on `$XDG_CACHE_HOME/amtoken/<profile>.lock`, taken
//! around every refresh so two processes never spend the same refresh token. The kernel drops
//! it when its holder dies, even by SIGKILL.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::paths::ensure_private_dir;

/// Held while the lock is; dropping it releases the lock.
#[derive(Debug)]
pub struct ProfileLock {
    _file: File,
}

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another amtoken held the profile lock {} for more than {}s", .path.display(), .timeout.as_secs_f32())]
    Timeout { path: PathBuf, timeout: Duration },
    #[error("cannot open the profile lock {}: {cause}", .path.display())]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
}

/// Takes the lock at `path`, waiting up to `timeout` for another holder to let go.
pub fn acquire(path: &Path, timeout: Duration) -> Result<ProfileLock, LockError> {
    let io_error = |cause| LockError::Io {
        path: path.to_path_buf(),
        cause,
    };
    if let Some(dir) = path.parent() {
        ensure_private_dir(dir).map_err(io_error)?;
    }
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path).map_err(io_error)?;
    let deadline = Instant::now() + timeout;
    // Poll with a short, growing pause: the holder usually finishes within one request.
    let mut pause = Duration::from_millis(5);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(ProfileLock { _file: file }),
            Err(TryLockError::Error(cause)) => return Err(io_error(cause)),
            Err(TryLockError::WouldBlock) => {
                let now = Instant::now();
                if now >= deadline {
                    return Err(LockError::Timeout {
                        path: path.to_path_buf(),
                        timeout,
                    });
                }
                std::thread::sleep(pause.min(deadline - now));
                pause = (pause * 2).min(Duration::from_millis(100));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_waits_then_times_out_and_gets_it_once_released() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("cache/default.lock");
        let first = acquire(&path, Duration::ZERO).unwrap();
        let error = acquire(&path, Duration::from_millis(50)).unwrap_err();
        assert!(matches!(error, LockError::Timeout { .. }), "{error}");
        drop(first);
        acquire(&path, Duration::ZERO).unwrap();
    }
}
