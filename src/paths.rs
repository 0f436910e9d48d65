//! Every file location amtoken uses (config, store file, access-token cache, lock, rescue), and
//! the private directories they live in.

use std::io;
use std::path::{Path, PathBuf};

use etcetera::BaseStrategy as _;

/// The directories of one user: `$XDG_CONFIG_HOME`, `$XDG_DATA_HOME`, `$XDG_CACHE_HOME` and
/// `$XDG_RUNTIME_DIR` on Linux, each with `amtoken/` appended; the platform's own directories
/// elsewhere. Without a runtime directory, the cache directory stands in for it.
#[derive(Debug, Clone)]
pub struct Paths {
    config_dir: PathBuf,
    data_dir: PathBuf,
    cache_dir: PathBuf,
    runtime_dir: PathBuf,
}

impl Paths {
    /// The current user's directories.
    pub fn from_environment() -> io::Result<Self> {
        let strategy = etcetera::base_strategy::choose_native_strategy().map_err(|error| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("cannot find the home directory: {error}"),
            )
        })?;
        let cache_dir = strategy.cache_dir().join("amtoken");
        Ok(Paths {
            config_dir: strategy.config_dir().join("amtoken"),
            data_dir: strategy.data_dir().join("amtoken"),
            runtime_dir: strategy
                .runtime_dir()
                .map_or_else(|| cache_dir.clone(), |dir| dir.join("amtoken")),
            cache_dir,
        })
    }

    /// The directories under one root, as `$XDG_*_HOME` would place them.
    #[cfg(test)]
    pub fn under(root: &Path) -> Self {
        Paths {
            config_dir: root.join("config/amtoken"),
            data_dir: root.join("data/amtoken"),
            cache_dir: root.join("cache/amtoken"),
            runtime_dir: root.join("run/amtoken"),
        }
    }

    /// The default config file.
    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    /// Where `--store file` keeps the profile's refresh-token record.
    pub fn store_file(&self, profile: &str) -> PathBuf {
        self.data_dir.join(format!("{profile}.json"))
    }

    /// The directory of the store files, for listing profiles.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Written only when a rotated refresh token could not be stored.
    pub fn rescue_file(&self, profile: &str) -> PathBuf {
        self.data_dir.join(format!("{profile}.rescue.json"))
    }

    /// The profile's access-token cache.
    pub fn cache_file(&self, profile: &str) -> PathBuf {
        self.cache_dir.join(format!("{profile}.json"))
    }

    /// The profile's lock file.
    pub fn lock_file(&self, profile: &str) -> PathBuf {
        self.cache_dir.join(format!("{profile}.lock"))
    }

    /// The profile's pending authorize request (state, PKCE verifier). In a folder of its own:
    /// no profile's cache file can be another's pending file.
    pub fn pending_file(&self, profile: &str) -> PathBuf {
        self.cache_dir
            .join("pending")
            .join(format!("{profile}.json"))
    }

    /// What is left of the profile's last pending request once a callback used it, to tell a
    /// replayed callback.
    pub fn used_state_file(&self, profile: &str) -> PathBuf {
        self.cache_dir
            .join("used-state")
            .join(format!("{profile}.json"))
    }

    /// Which profile a seed refresh token (`AMTOKEN_REFRESH_TOKEN`) was stored for, named by a
    /// hash of the token: a one-time token seeds one profile only.
    pub fn seed_file(&self, refresh_token: &str) -> PathBuf {
        self.data_dir
            .join("seeds")
            .join(format!("{}.json", short_hash(refresh_token)))
    }

    /// Notes a refresh whose answer never arrived.
    pub fn lost_answer_file(&self, profile: &str) -> PathBuf {
        self.cache_dir
            .join("lost-answer")
            .join(format!("{profile}.json"))
    }

    /// The cached discovery document of `issuer`.
    pub fn discovery_file(&self, issuer: &str) -> PathBuf {
        self.cache_dir
            .join("discovery")
            .join(format!("{}.json", short_hash(issuer)))
    }

    /// The cached key set at `url`.
    pub fn jwks_file(&self, url: &str) -> PathBuf {
        self.cache_dir
            .join("jwks")
            .join(format!("{}.json", short_hash(url)))
    }

    /// Where `exec` makes the private directory of its token file.
    pub fn runtime_dir(&self) -> &Path {
        &self.runtime_dir
    }

    /// The socket `serve` listens on by default.
    pub fn socket_file(&self, profile: &str) -> PathBuf {
        self.runtime_dir.join(format!("{profile}.sock"))
    }

    /// The bearer secret of `serve --listen`, unless `--secret-file` names another.
    pub fn serve_secret_file(&self, profile: &str) -> PathBuf {
        self.runtime_dir.join(format!("{profile}.serve-secret"))
    }

    /// Where the cached Vault tokens of logins are kept (`--vault-token-cache file`), one file
    /// per login.
    pub fn vault_token_dir(&self) -> PathBuf {
        self.cache_dir.join("vault-token")
    }

    /// The directory of the cache files, for listing profiles.
    pub fn cache_dir(&self) -> &Path {
        &self.cache_dir
    }
}

/// A file name for a URL: the first 16 hex digits of its SHA-256.
fn short_hash(text: &str) -> String {
    crate::text::sha256_hex(text, Some(8))
}

/// Creates `dir` (and its parents) if needed and makes it private (0700), also when it existed.
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Profile names become file names: letters, digits, `.`, `_` and `-`, not starting with `.`,
/// and not ending in `.rescue` (profile `x.rescue`'s store file would be profile `x`'s rescue
/// file).
pub fn is_valid_profile_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && !name.ends_with(".rescue")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_cannot_escape_their_directory() {
        for good in ["default", "ci", "prod-eu.2", "a_b"] {
            assert!(is_valid_profile_name(good), "{good}");
        }
        for bad in [
            "",
            "..",
            ".hidden",
            "a/b",
            "a\\b",
            "x y",
            "é",
            "x.rescue",
            &"a".repeat(65),
        ] {
            assert!(!is_valid_profile_name(bad), "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn private_dirs_are_0700_even_when_they_existed() {
        use std::os::unix::fs::PermissionsExt as _;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        ensure_private_dir(&dir).unwrap();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }
}
