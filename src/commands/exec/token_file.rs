//! `AMTOKEN_TOKEN_FILE`: the current access token alone, in a file of a private directory of
//! its own (`exec-<profile>-<pid>-XXXXXX` in the runtime directory), replaced whole at each
//! renewal and removed, directory and all, when COMMAND has ended. A run killed before it could
//! remove its own (SIGKILL) is swept by the next one: its pid is in the name.

use std::path::{Path, PathBuf};

use crate::files::{self, Durability, FileError};
use crate::paths::ensure_private_dir;
use crate::secret::Secret;

/// The token file of one `exec`; dropping it removes it.
pub struct TokenFile {
    dir: tempfile::TempDir,
    path: PathBuf,
}

impl TokenFile {
    /// Makes the private directory (0700) and writes `access_token` into `token` there (0600).
    pub fn create(
        runtime_dir: &Path,
        profile: &str,
        access_token: &Secret,
    ) -> Result<Self, FileError> {
        let cannot_create = |cause| FileError::Io {
            action: "create a directory in",
            path: runtime_dir.to_path_buf(),
            cause,
        };
        ensure_private_dir(runtime_dir).map_err(cannot_create)?;
        sweep_dead_runs(runtime_dir);
        // tempfile makes the directory 0700, with a name no other process can have taken.
        let dir = tempfile::Builder::new()
            .prefix(&format!("exec-{profile}-{}-", std::process::id()))
            .tempdir_in(runtime_dir)
            .map_err(cannot_create)?;
        let path = dir.path().join("token");
        let file = TokenFile { dir, path };
        file.publish(access_token)?;
        Ok(file)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Replaces the token: a reader opens the old file or the new one, never half of one.
    pub fn publish(&self, access_token: &Secret) -> Result<(), FileError> {
        files::write_text(&self.path, access_token.expose(), Durability::Disposable)
    }

    /// Removes the file and its directory.
    pub fn remove(self) -> Result<(), FileError> {
        let dir = self.dir.path().to_path_buf();
        self.dir.close().map_err(|cause| FileError::Io {
            action: "remove",
            path: dir,
            cause,
        })
    }
}

/// Removes the token directories of runs whose process is gone.
fn sweep_dead_runs(runtime_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(runtime_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(run_pid) else {
            continue;
        };
        if !is_running(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The pid in `exec-<profile>-<pid>-XXXXXX` (a profile may hold dashes; the pid and the
/// random part do not).
fn run_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix("exec-")?;
    let mut parts = rest.rsplitn(3, '-');
    let _random = parts.next()?;
    let pid = parts.next()?.parse().ok()?;
    parts.next()?;
    Some(pid)
}

/// Whether a process `pid` runs (or is a zombie not yet reaped).
fn is_running(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        // SAFETY: kill(pid, 0) sends nothing; it only checks that the process exists.
        let alive = unsafe { libc::kill(pid, 0) } == 0;
        alive || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_runs_pid_is_read_from_its_directory_name() {
        assert_eq!(super::run_pid("exec-default-4242-AbC123"), Some(4242));
        assert_eq!(super::run_pid("exec-my-profile-7-x1y2z3"), Some(7));
        assert_eq!(super::run_pid("exec-default-AbC123"), None);
        assert_eq!(super::run_pid("default.sock"), None);
    }

    use super::*;

    #[test]
    #[cfg(unix)]
    fn the_file_is_private_replaced_whole_and_removed_with_its_directory() {
        use std::os::unix::fs::PermissionsExt as _;
        let root = tempfile::tempdir().unwrap();
        let runtime = root.path().join("run/amtoken");
        let file = TokenFile::create(&runtime, "default", &Secret::new("first")).unwrap();
        let path = file.path().to_path_buf();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first");
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert_eq!(mode(&runtime), 0o700);

        file.publish(&Secret::new("second")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "second");
        let entries = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(entries, 1, "a temporary file was left beside the token");

        file.remove().unwrap();
        assert!(!path.parent().unwrap().exists());
        assert!(runtime.exists(), "the runtime directory itself stays");
    }
}
