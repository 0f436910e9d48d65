//! `AMTOKEN_TOKEN_FILE`: the current access token alone, in a file of a private directory of
//! its own (`exec-<profile>-XXXXXX` in the runtime directory), replaced whole at each renewal
//! and removed, directory and all, when COMMAND has ended.

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
        // tempfile makes the directory 0700, with a name no other process can have taken.
        let dir = tempfile::Builder::new()
            .prefix(&format!("exec-{profile}-"))
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

#[cfg(test)]
mod tests {
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
