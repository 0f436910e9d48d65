//! `amtoken exec [--min-ttl DUR] -- COMMAND [ARG…]`: runs COMMAND with a valid access token in
//! its environment, never on an argv, and ends with COMMAND's exit code.

use crate::cli::ExecArgs;
use crate::config::Settings;
use crate::error::{Context as _, Error, ExitStatus, Kind, Result};
use crate::output;
use crate::session::{Freshness, Session};

/// amtoken's own credentials: COMMAND gets the access token, never what mints new ones (as
/// aws-vault and `op run` keep theirs).
const WITHHELD: &[&str] = &[
    "AMTOKEN_CLIENT_SECRET",
    "AMTOKEN_REFRESH_TOKEN",
    "VAULT_TOKEN",
    "BAO_TOKEN",
];

/// Runs `amtoken exec`; the exit status is COMMAND's (128 + the signal that ended it).
pub fn run(args: &ExecArgs, settings: &Settings) -> Result<ExitStatus> {
    let (token, _) = Session::open(settings).valid_token(Freshness::AtLeast(args.min_ttl))?;
    let Some((program, arguments)) = args.command.split_first() else {
        return Err(Error::msg(Kind::Usage, "no COMMAND to run"));
    };
    // Before the spawn, so that a signal in between is forwarded rather than lost.
    let forwarder = forward::Signals::catch().map_err(|error| Error::new(Kind::Internal, error))?;
    let mut command = std::process::Command::new(program);
    command
        .args(arguments)
        .env("AMTOKEN_ACCESS_TOKEN", token.access_token.expose())
        .env("AMTOKEN_EXPIRES_AT", output::rfc3339(token.expires_at))
        .env("AMTOKEN_API_URL", settings.api_url.trim_end_matches('/'));
    for name in WITHHELD {
        command.env_remove(name);
    }
    crate::process::restore_core_limit(&mut command);
    let mut child = command
        .spawn()
        .map_err(|error| Error::new(Kind::Usage, error))
        .context(format!("failed to run {}", program.to_string_lossy()))?;
    let forwarding = forwarder.to(child.id());
    // COMMAND is reaped only once nothing can be forwarded to its pid any more.
    forward::wait_unreaped(child.id());
    forwarding.stop();
    let status = child
        .wait()
        .map_err(|error| Error::new(Kind::Internal, error))
        .context(format!("failed to wait for {}", program.to_string_lossy()))?;
    Ok(ExitStatus(exit_code(status)))
}

fn exit_code(status: std::process::ExitStatus) -> u8 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        if let Some(signal) = status.signal() {
            return u8::try_from(128 + signal).unwrap_or(u8::MAX);
        }
    }
    status
        .code()
        .map_or(1, |code| u8::try_from(code & 0xff).unwrap_or(1))
}

#[cfg(unix)]
mod forward {
    //! SIGTERM, SIGHUP and SIGINT sent to amtoken go on to COMMAND, and amtoken waits for it to
    //! hand on how it ended. Ctrl-C and Ctrl-\ from the terminal already reach the whole
    //! process group: those are not sent twice, and SIGQUIT is ignored.

    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    use signal_hook::iterator::SignalsInfo;
    use signal_hook::iterator::exfiltrator::WithOrigin;
    use signal_hook::low_level::siginfo::Cause;

    /// The signals caught, not yet forwarded anywhere.
    pub struct Signals(SignalsInfo<WithOrigin>);

    /// The thread that forwards them to COMMAND.
    pub struct Forwarding {
        handle: signal_hook::iterator::Handle,
        thread: std::thread::JoinHandle<()>,
    }

    impl Signals {
        pub fn catch() -> std::io::Result<Self> {
            SignalsInfo::<WithOrigin>::new([SIGTERM, SIGHUP, SIGINT]).map(Signals)
        }

        /// Forwards every signal caught, from now on, to the process `pid` (spawned already:
        /// it keeps its own SIGQUIT, which an ignored disposition before the spawn would not).
        pub fn to(self, pid: u32) -> Forwarding {
            // SAFETY: SIG_IGN installs no handler code; nothing else in amtoken touches SIGQUIT.
            unsafe {
                libc::signal(SIGQUIT, libc::SIG_IGN);
            }
            let Signals(mut signals) = self;
            let handle = signals.handle();
            let pid = libc::pid_t::try_from(pid).unwrap_or(libc::pid_t::MAX);
            let thread = std::thread::spawn(move || {
                for origin in signals.forever() {
                    // The terminal's Ctrl-C (sent by the kernel) reached COMMAND already.
                    if origin.signal == SIGINT && matches!(origin.cause, Cause::Kernel) {
                        continue;
                    }
                    // SAFETY: kill(2) on our own child, which is not reaped before `stop`
                    // (see `wait_unreaped`): the pid cannot belong to another process.
                    unsafe {
                        libc::kill(pid, origin.signal);
                    }
                }
            });
            Forwarding { handle, thread }
        }
    }

    impl Forwarding {
        pub fn stop(self) {
            self.handle.close();
            let _ = self.thread.join();
        }
    }

    /// Waits for the child `pid` to end without reaping it (`WNOWAIT`): its pid stays its own.
    pub fn wait_unreaped(pid: u32) {
        let pid: libc::id_t = pid;
        loop {
            // SAFETY: waitid(2) fills the zeroed siginfo_t it is given and nothing else.
            let done = unsafe {
                let mut info: libc::siginfo_t = std::mem::zeroed();
                libc::waitid(libc::P_PID, pid, &mut info, libc::WEXITED | libc::WNOWAIT)
            };
            if done == 0
                || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted
            {
                return;
            }
        }
    }
}

#[cfg(not(unix))]
mod forward {
    //! Elsewhere the console's signals reach COMMAND on their own.

    pub struct Signals;
    pub struct Forwarding;

    impl Signals {
        pub fn catch() -> std::io::Result<Self> {
            Ok(Signals)
        }

        pub fn to(self, _pid: u32) -> Forwarding {
            Forwarding
        }
    }

    impl Forwarding {
        pub fn stop(self) {}
    }

    pub fn wait_unreaped(_pid: u32) {}
}
