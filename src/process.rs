//! The process itself: its memory holds tokens, so it never dumps core.

/// The core-file size limit amtoken started with, for the programs it runs.
#[cfg(unix)]
static CORE_LIMIT: std::sync::OnceLock<libc::rlimit> = std::sync::OnceLock::new();

/// No core dump of this process: its memory holds tokens. The core-file size goes to 0 and,
/// on Linux, the process is made non-dumpable (which also keeps other processes of the user
/// from attaching to it); `exec`'s COMMAND gets the limit back ([`restore_core_limit`]).
pub fn forbid_core_dumps() {
    #[cfg(unix)]
    // SAFETY: getrlimit, setrlimit and prctl(PR_SET_DUMPABLE) only read and write the
    // structure given and the process's own limits.
    unsafe {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_CORE, &mut limit) == 0 {
            let _ = CORE_LIMIT.set(limit);
            let none = libc::rlimit {
                rlim_cur: 0,
                rlim_max: limit.rlim_max,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &none);
        }
        #[cfg(target_os = "linux")]
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

/// Gives `command` the core-file size limit amtoken started with (a program's own dumps are
/// its business; execve makes it dumpable again by itself).
pub fn restore_core_limit(command: &mut std::process::Command) {
    #[cfg(unix)]
    if let Some(limit) = CORE_LIMIT.get().copied() {
        use std::os::unix::process::CommandExt as _;
        // SAFETY: setrlimit is async-signal-safe and touches only the child's own limits.
        unsafe {
            command.pre_exec(move || {
                libc::setrlimit(libc::RLIMIT_CORE, &limit);
                Ok(())
            });
        }
    }
    #[cfg(not(unix))]
    let _ = command;
}
