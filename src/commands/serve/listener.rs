//! Where `serve` listens, and what it leaves on disk: a Unix socket (0600, never stolen from a
//! live `serve`, a stale one replaced) or a loopback TCP address (anything else refused before
//! binding) with its bearer secret. Whoever binds removes: the [`Bound`] listener owns the
//! socket file and a generated secret's file, and both go when it is dropped.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};

use super::access::{Access, BearerSecret};
use crate::error::{Error, Kind, Result};
use crate::paths::ensure_private_dir;

/// A bound listener, not yet handed to the runtime, with what it owns on disk.
pub enum Bound {
    #[cfg(unix)]
    Unix {
        listener: std::os::unix::net::UnixListener,
        /// The socket file this run bound, and removes; `None` for one systemd passed.
        socket: Option<SocketFile>,
        /// Where it is, for the start-up line.
        path: PathBuf,
    },
    Tcp {
        listener: TcpListener,
        address: SocketAddr,
        /// The bearer secret; a generated one's file is removed with it.
        secret: BearerSecret,
    },
}

/// The socket's path, held with the lock that makes it ours; dropping it removes the socket.
pub struct SocketFile {
    pub path: PathBuf,
    _lock: File,
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        // Still under the lock: no other `serve` can have bound this path meanwhile.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A `--listen` address: a loopback IP and a port, else exit 3.
pub fn loopback_address(text: &str) -> Result<SocketAddr> {
    let address: SocketAddr = text.parse().map_err(|_| {
        Error::msg(
            Kind::InvalidInput,
            format!("--listen {text:?} is not an address: give 127.0.0.1:PORT or [::1]:PORT"),
        )
    })?;
    if !address.ip().is_loopback() {
        return Err(Error::msg(
            Kind::InvalidInput,
            format!(
                "--listen {address} is not a loopback address: serve hands out tokens, so it listens on 127.0.0.1 or ::1 only"
            ),
        ));
    }
    Ok(address)
}

/// Binds loopback TCP, with `secret` for its requests.
pub fn bind_tcp(requested: SocketAddr, secret: BearerSecret) -> Result<Bound> {
    let listener = TcpListener::bind(requested).map_err(|cause| {
        Error::new(Kind::InvalidInput, cause).context(format!("cannot listen on {requested}"))
    })?;
    let address = listener
        .local_addr()
        .map_err(|error| Error::new(Kind::Internal, error))?;
    Ok(Bound::Tcp {
        listener,
        address,
        secret,
    })
}

impl Bound {
    /// Who may ask: the socket's mode, or the loopback Host and the bearer secret.
    pub fn access(&self) -> Access {
        match self {
            #[cfg(unix)]
            Bound::Unix { .. } => Access::Socket,
            Bound::Tcp {
                address, secret, ..
            } => Access::loopback(*address, &secret.secret),
        }
    }

    /// Where it listens, for the start-up line.
    pub fn describe(&self) -> String {
        match self {
            #[cfg(unix)]
            Bound::Unix { path, socket, .. } => match socket {
                Some(_) => path.display().to_string(),
                None => format!("{} (passed by systemd)", path.display()),
            },
            Bound::Tcp {
                address, secret, ..
            } => format!(
                "http://{address} (bearer secret in {})",
                secret.file.display()
            ),
        }
    }

    /// The listener on the runtime, and what must live as long as it: the socket file or the
    /// secret, removed when that is dropped.
    pub fn into_listener(self) -> io::Result<(Listener, Owned)> {
        Ok(match self {
            #[cfg(unix)]
            Bound::Unix {
                listener, socket, ..
            } => {
                listener.set_nonblocking(true)?;
                (
                    Listener::Unix(tokio::net::UnixListener::from_std(listener)?),
                    Owned {
                        _socket: socket,
                        _secret: None,
                    },
                )
            }
            Bound::Tcp {
                listener, secret, ..
            } => {
                listener.set_nonblocking(true)?;
                (
                    Listener::Tcp(tokio::net::TcpListener::from_std(listener)?),
                    Owned {
                        #[cfg(unix)]
                        _socket: None,
                        _secret: Some(secret),
                    },
                )
            }
        })
    }
}

/// What a listener leaves on disk — the socket file or a generated secret's file — removed
/// when dropped.
pub struct Owned {
    #[cfg(unix)]
    _socket: Option<SocketFile>,
    _secret: Option<BearerSecret>,
}

/// A listener on the runtime.
pub enum Listener {
    #[cfg(unix)]
    Unix(tokio::net::UnixListener),
    Tcp(tokio::net::TcpListener),
}

/// An accepted connection's stream.
pub enum Stream {
    #[cfg(unix)]
    Unix(tokio::net::UnixStream),
    Tcp(tokio::net::TcpStream),
}

impl Listener {
    /// The next connection.
    pub async fn accept(&self) -> io::Result<Stream> {
        Ok(match self {
            #[cfg(unix)]
            Listener::Unix(listener) => Stream::Unix(listener.accept().await?.0),
            Listener::Tcp(listener) => {
                let (stream, _) = listener.accept().await?;
                let _ = stream.set_nodelay(true);
                Stream::Tcp(stream)
            }
        })
    }
}

/// Binds the Unix socket at `path`. A `<path>.lock` beside it, held for the life of the
/// process, tells a live `serve` (refused: exit 3) from a socket a dead one left (replaced).
/// The socket is bound in a private directory and renamed into place, so it is never
/// reachable with looser permissions than 0600, and a file that is not a socket is never
/// replaced.
#[cfg(unix)]
pub fn bind_unix(path: &Path) -> Result<Bound> {
    use std::os::unix::fs::{FileTypeExt as _, PermissionsExt as _};

    let io_error = |what: &str, cause: io::Error| {
        Error::new(Kind::InvalidInput, cause).context(format!("{what} {}", path.display()))
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if path.file_name().is_none() {
        return Err(Error::msg(Kind::InvalidInput, "--socket needs a file name"));
    }
    if !dir.exists() {
        ensure_private_dir(&dir)
            .map_err(|cause| io_error("cannot create the directory of", cause))?;
    }
    let lock = hold(path, || {
        format!(
            "another amtoken serve is listening on {}: stop it first, or give another --socket",
            path.display()
        )
    })?;
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_socket() => {
            // Left by a serve that died: the lock says nobody listens on it.
            std::fs::remove_file(path).map_err(|cause| io_error("cannot replace", cause))?;
        }
        Ok(_) => {
            return Err(Error::msg(
                Kind::InvalidInput,
                format!(
                    "{} exists and is not a socket: give another --socket",
                    path.display()
                ),
            ));
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(cause) => return Err(io_error("cannot inspect", cause)),
    }
    // Bound at its own path under a umask that leaves it 0600 from the first moment (no one
    // else can connect in between), rather than staged under a longer name: a path near the
    // platform's limit (108 bytes on Linux) must work. The lock keeps other serves away, and
    // bind(2) never follows a symlink or replaces a file.
    let listener = bind_private(path).map_err(|cause| io_error("cannot listen on", cause))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(|cause| io_error("cannot make private", cause))?;
    Ok(Bound::Unix {
        listener,
        socket: Some(SocketFile {
            path: path.to_path_buf(),
            _lock: lock,
        }),
        path: path.to_path_buf(),
    })
}

/// The socket systemd passed (socket activation: `LISTEN_FDS`, `LISTEN_PID`), if it passed one:
/// a Unix socket is used as it is (systemd made it and removes it); a TCP one must be on a
/// loopback address, and gets `secret` (else exit 3).
#[cfg(unix)]
pub fn inherited(secret: impl FnOnce() -> Result<BearerSecret>) -> Result<Option<Bound>> {
    use std::os::fd::FromRawFd as _;
    let bad = |why: String| {
        Error::msg(
            Kind::InvalidInput,
            format!("the socket systemd passed: {why}"),
        )
    };
    let mut fds = sd_notify::listen_fds().map_err(|error| bad(error.to_string()))?;
    let Some(fd) = fds.next() else {
        return Ok(None);
    };
    if fds.len() > 0 {
        return Err(bad(
            "more than one was passed; serve listens on one (give the .socket unit one ListenStream=)".into(),
        ));
    }
    // SAFETY: getsockname fills the zeroed storage it is given, within the length given.
    let family = unsafe {
        let mut storage: libc::sockaddr_storage = std::mem::zeroed();
        let mut length = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        if libc::getsockname(fd, std::ptr::addr_of_mut!(storage).cast(), &mut length) != 0 {
            return Err(bad(io::Error::last_os_error().to_string()));
        }
        libc::c_int::from(storage.ss_family)
    };
    match family {
        libc::AF_UNIX => {
            // SAFETY: systemd handed this descriptor to this process (LISTEN_PID), to own.
            let listener = unsafe { std::os::unix::net::UnixListener::from_raw_fd(fd) };
            let path = listener
                .local_addr()
                .ok()
                .and_then(|address| address.as_pathname().map(Path::to_path_buf))
                .unwrap_or_else(|| PathBuf::from("(unnamed)"));
            Ok(Some(Bound::Unix {
                listener,
                socket: None,
                path,
            }))
        }
        libc::AF_INET | libc::AF_INET6 => {
            // SAFETY: as above.
            let listener = unsafe { TcpListener::from_raw_fd(fd) };
            let address = listener
                .local_addr()
                .map_err(|error| bad(error.to_string()))?;
            if !address.ip().is_loopback() {
                return Err(bad(format!(
                    "{address} is not a loopback address: serve hands out tokens, so it listens on 127.0.0.1 or ::1 only"
                )));
            }
            Ok(Some(Bound::Tcp {
                listener,
                address,
                secret: secret()?,
            }))
        }
        other => Err(bad(format!(
            "address family {other} is neither Unix nor TCP"
        ))),
    }
}

#[cfg(not(unix))]
pub fn inherited(_secret: impl FnOnce() -> Result<BearerSecret>) -> Result<Option<Bound>> {
    Ok(None)
}

/// Binds a Unix socket at `path` with the process umask at 0177 for the moment of the bind.
#[cfg(unix)]
fn bind_private(path: &Path) -> io::Result<std::os::unix::net::UnixListener> {
    // SAFETY: umask(2) only swaps the process's file-mode mask; serve binds before it starts
    // any thread of its own, and the old mask is put back at once.
    let old = unsafe { libc::umask(0o177) };
    let bound = std::os::unix::net::UnixListener::bind(path);
    // SAFETY: as above.
    unsafe { libc::umask(old) };
    bound
}

/// Takes the lock `<path>.lock` for as long as the file returned lives; `busy` says why not
/// when another process holds it (exit 3).
pub fn hold(path: &Path, busy: impl FnOnce() -> String) -> Result<File> {
    let mut lock_path = path.as_os_str().to_os_string();
    lock_path.push(".lock");
    let lock_path = PathBuf::from(lock_path);
    let io_error = |cause: io::Error| {
        Error::new(Kind::InvalidInput, cause)
            .context(format!("cannot lock {}", lock_path.display()))
    };
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let lock = options.open(&lock_path).map_err(io_error)?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(TryLockError::WouldBlock) => Err(Error::msg(Kind::InvalidInput, busy())),
        Err(TryLockError::Error(cause)) => Err(io_error(cause)),
    }
}

#[cfg(not(unix))]
pub fn bind_unix(_path: &Path) -> Result<Bound> {
    Err(Error::msg(
        Kind::InvalidInput,
        "Unix sockets need Unix: use --listen 127.0.0.1:PORT",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_addresses_are_accepted() {
        assert!(loopback_address("127.0.0.1:8080").is_ok());
        assert!(loopback_address("127.0.0.2:0").is_ok());
        assert!(loopback_address("[::1]:8080").is_ok());
        for refused in [
            "0.0.0.0:8080",
            "[::]:8080",
            "192.168.1.5:80",
            "localhost:80",
            "8080",
        ] {
            let error = loopback_address(refused).unwrap_err();
            assert_eq!(error.kind(), Kind::InvalidInput, "{refused}");
        }
    }

    #[test]
    #[cfg(unix)]
    fn a_live_socket_is_refused_a_stale_one_replaced_and_a_file_left_alone() {
        use std::os::unix::fs::{FileTypeExt as _, PermissionsExt as _};
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("run/default.sock");
        let first = bind_unix(&path).unwrap();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        assert!(meta.file_type().is_socket());
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);

        let error = bind_unix(&path).err().unwrap();
        assert!(
            error.message().contains("another amtoken serve"),
            "{}",
            error.message()
        );
        assert!(path.exists(), "the live socket was taken away");

        // A serve killed without cleaning up: its socket stays, its lock goes with it.
        let Bound::Unix {
            listener,
            socket: Some(mut socket),
            ..
        } = first
        else {
            panic!("bind_unix bound TCP")
        };
        let stale = std::mem::replace(&mut socket.path, root.path().join("elsewhere"));
        drop((listener, socket));
        assert!(stale.exists());
        let second = bind_unix(&path).unwrap();
        drop(second);
        assert!(!path.exists(), "the socket outlived its serve");

        std::fs::write(&path, "not a socket").unwrap();
        let error = bind_unix(&path).err().unwrap();
        assert!(
            error.message().contains("is not a socket"),
            "{}",
            error.message()
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "not a socket");
    }

    /// Issue 27.13: a path right at the platform's limit is bound as given.
    #[test]
    #[cfg(target_os = "linux")]
    fn a_socket_path_at_the_platforms_limit_is_bound() {
        let root = tempfile::tempdir().unwrap();
        // sun_path holds 108 bytes with the terminating NUL.
        let base = root.path().join("x");
        let room = 107 - base.as_os_str().len();
        let path = root.path().join("s".repeat(room + 1));
        assert_eq!(path.as_os_str().len(), 107);
        let bound = bind_unix(&path).unwrap();
        assert!(path.exists());
        drop(bound);
        assert!(!path.exists());
    }
}
