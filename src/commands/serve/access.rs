//! Who may ask `serve` for a token. On the Unix socket: whoever may open it (0600: the user).
//! On loopback TCP, which every local process and, through DNS rebinding, every web page can
//! reach: only a request whose `Host` is the loopback address itself, and that carries the
//! bearer secret.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use crate::error::{Context as _, Error, Kind, Result};
use crate::files::{self, Durability};
use crate::secret::Secret;

/// Why a request is turned away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 421: a `Host` other than the address served (a page that rebound its name to it).
    ForeignHost,
    /// 401: no bearer secret, or another one.
    Unauthorized,
}

/// The rule for one listener.
pub enum Access {
    /// The socket's file mode decides.
    Socket,
    Loopback {
        address: SocketAddr,
        /// SHA-256 of the secret: compared digest to digest, so the time a comparison takes
        /// says nothing about the secret.
        digest: [u8; 32],
    },
}

/// The secret of `--listen`, and the file it is kept in. A generated one's file is this run's:
/// it is removed when this is dropped (still under its lock, so no other serve can have
/// written it meanwhile).
pub struct BearerSecret {
    pub secret: Secret,
    pub file: PathBuf,
    /// Held while this run owns a generated secret's file.
    generated: Option<std::fs::File>,
}

impl Drop for BearerSecret {
    fn drop(&mut self) {
        if self.generated.is_some() {
            let _ = std::fs::remove_file(&self.file);
        }
    }
}

impl BearerSecret {
    /// A new random secret (32 bytes from the OS, hex), written 0600 to `file`, which no other
    /// `serve` may be using (`<file>.lock`).
    pub fn generate(file: &Path) -> Result<Self> {
        if let Some(dir) = file.parent() {
            crate::paths::ensure_private_dir(dir)
                .map_err(|cause| Error::new(Kind::InvalidInput, cause))
                .context(format!("cannot create {}", dir.display()))?;
        }
        let lock = super::listener::hold(file, || {
            format!(
                "another amtoken serve --listen uses the secret in {}: stop it, or give this one --secret-file",
                file.display()
            )
        })?;
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|error| {
            Error::msg(
                Kind::Internal,
                format!("no randomness for the secret: {error}"),
            )
        })?;
        let secret = Secret::new(hex::encode(bytes));
        files::write_text(file, secret.expose(), Durability::Disposable)
            .context("failed to write the serve secret")?;
        Ok(BearerSecret {
            secret,
            file: file.to_path_buf(),
            generated: Some(lock),
        })
    }

    /// The secret in `file` (surrounding whitespace ignored). A file others may read is refused,
    /// as ssh refuses such a key.
    pub fn read(file: &Path) -> Result<Self> {
        let bad = |why: String| {
            Error::msg(
                Kind::InvalidInput,
                format!("--secret-file {}: {why}", file.display()),
            )
        };
        let text = std::fs::read_to_string(file).map_err(|error| bad(error.to_string()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(file)
                .map_err(|error| bad(error.to_string()))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(bad(format!(
                    "mode {:o} lets others read it: chmod 600 it",
                    mode & 0o777
                )));
            }
        }
        let secret = text.trim();
        if secret.len() < 16 {
            return Err(bad("the secret must be at least 16 characters".to_string()));
        }
        Ok(BearerSecret {
            secret: Secret::new(secret),
            file: file.to_path_buf(),
            generated: None,
        })
    }
}

impl Access {
    pub fn loopback(address: SocketAddr, secret: &Secret) -> Self {
        Access::Loopback {
            address,
            digest: Sha256::digest(secret.expose().as_bytes()).into(),
        }
    }

    /// Checks a request's `Host` header value alone: what `/healthz` and `/readyz` need, which
    /// tell nothing secret (a page that rebound its name still gets 421).
    pub fn check_host(&self, host: Option<&[u8]>) -> Result<(), Refusal> {
        match self {
            Access::Loopback { address, .. }
                if !host.is_some_and(|host| is_own_host(host, *address)) =>
            {
                Err(Refusal::ForeignHost)
            }
            _ => Ok(()),
        }
    }

    /// Checks a request's `Host` and `Authorization` header values.
    pub fn check(&self, host: Option<&[u8]>, authorization: Option<&[u8]>) -> Result<(), Refusal> {
        self.check_host(host)?;
        let Access::Loopback { digest, .. } = self else {
            return Ok(());
        };
        let given = authorization
            .and_then(bearer)
            .map(|secret| <[u8; 32]>::from(Sha256::digest(secret)));
        if given.as_ref() != Some(digest) {
            return Err(Refusal::Unauthorized);
        }
        Ok(())
    }
}

/// `127.0.0.1:PORT`, `[::1]:PORT` or `localhost:PORT` of the address served (the port may be
/// left out only when it is 80).
fn is_own_host(host: &[u8], address: SocketAddr) -> bool {
    let Ok(host) = std::str::from_utf8(host) else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if !port.contains(']') => (name, port.parse::<u16>().ok()),
        _ => (host.as_str(), Some(80)),
    };
    if port != Some(address.port()) {
        return false;
    }
    let ip = address.ip().to_string();
    name == "localhost" || name == ip || name == format!("[{ip}]")
}

/// The credentials of `Bearer <secret>` (the scheme in any case).
fn bearer(value: &[u8]) -> Option<&[u8]> {
    let (scheme, rest) = value.split_at_checked(7)?;
    (scheme.eq_ignore_ascii_case(b"bearer ")).then(|| rest.trim_ascii())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access() -> Access {
        Access::loopback(
            "127.0.0.1:8123".parse().unwrap(),
            &Secret::new("0123456789abcdef0123"),
        )
    }

    #[test]
    fn the_host_must_be_the_loopback_address_served() {
        let access = access();
        let auth = Some(&b"Bearer 0123456789abcdef0123"[..]);
        for host in ["127.0.0.1:8123", "localhost:8123", "LOCALHOST:8123"] {
            assert_eq!(access.check(Some(host.as_bytes()), auth), Ok(()), "{host}");
        }
        for host in [
            "evil.example:8123",
            "127.0.0.1:8124",
            "127.0.0.1",
            "127.0.0.1.evil.example:8123",
            "",
        ] {
            assert_eq!(
                access.check(Some(host.as_bytes()), auth),
                Err(Refusal::ForeignHost),
                "{host}"
            );
        }
        assert_eq!(access.check(None, auth), Err(Refusal::ForeignHost));
        let v6 = Access::loopback("[::1]:9000".parse().unwrap(), &Secret::new("x"));
        assert_eq!(v6.check(Some(b"[::1]:9000"), Some(b"bearer x")), Ok(()));
    }

    #[test]
    fn the_secret_must_be_the_one_served() {
        let access = access();
        let host = Some(&b"127.0.0.1:8123"[..]);
        assert_eq!(
            access.check(host, Some(b"bearer 0123456789abcdef0123")),
            Ok(())
        );
        for wrong in [
            &b"Bearer 0123456789abcdef012"[..],
            b"Bearer ",
            b"Basic 0123456789abcdef0123",
            b"0123456789abcdef0123",
        ] {
            assert_eq!(access.check(host, Some(wrong)), Err(Refusal::Unauthorized));
        }
        assert_eq!(access.check(host, None), Err(Refusal::Unauthorized));
    }

    #[test]
    fn the_socket_takes_anyone_who_can_open_it() {
        assert_eq!(Access::Socket.check(None, None), Ok(()));
    }

    #[test]
    #[cfg(unix)]
    fn a_secret_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt as _;
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("secret");
        std::fs::write(&file, "0123456789abcdef0123\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let error = BearerSecret::read(&file).err().unwrap();
        assert!(error.message().contains("chmod 600"), "{}", error.message());
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let read = BearerSecret::read(&file).unwrap();
        assert_eq!(read.secret.expose(), "0123456789abcdef0123");

        let generated =
            BearerSecret::generate(&root.path().join("run/default.serve-secret")).unwrap();
        assert_eq!(generated.secret.expose().len(), 64);
        let mode = std::fs::metadata(&generated.file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
