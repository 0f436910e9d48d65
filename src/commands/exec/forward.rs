//! The signals sent to `amtoken exec`, passed on to COMMAND, and the wait for COMMAND's end.

#[cfg(not(unix))]
pub use other::*;
#[cfg(unix)]
pub use unix::*;

#[cfg(unix)]
mod unix {
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

    /// Puts back SIGCHLD's default disposition: one inherited as ignored makes the kernel reap
    /// COMMAND by itself, and the wait for it then fails ("No child processes").
    pub fn reset_inherited_dispositions() {
        // SAFETY: SIG_DFL installs no handler code; nothing else in amtoken touches SIGCHLD.
        unsafe {
            libc::signal(libc::SIGCHLD, libc::SIG_DFL);
        }
    }

    /// COMMAND gets SIGTERM if amtoken dies without forwarding anything (SIGKILL, an OOM kill):
    /// it does not run on unwatched, its token file gone with no one to renew it.
    pub fn end_with_parent(command: &mut std::process::Command) {
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::process::CommandExt as _;
            // SAFETY: getpid before the fork; prctl and getppid in the child are
            // async-signal-safe and touch only the child.
            let parent = unsafe { libc::getpid() };
            unsafe {
                command.pre_exec(move || {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                    // amtoken died between the fork and the prctl: nobody would send it.
                    if libc::getppid() != parent {
                        return Err(std::io::Error::other(
                            "amtoken ended before COMMAND started",
                        ));
                    }
                    Ok(())
                });
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = command;
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
mod other {
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

    pub fn reset_inherited_dispositions() {}

    pub fn end_with_parent(_command: &mut std::process::Command) {}
}
