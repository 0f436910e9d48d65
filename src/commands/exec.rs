//! `amtoken exec [--min-ttl DUR] -- COMMAND [ARG…]`: runs COMMAND with a valid access token in
//! its environment, never on an argv, and ends with COMMAND's exit code.

use crate::cli::ExecArgs;
use crate::config::Settings;
use crate::error::{Context as _, Error, ExitStatus, Kind, Result};
use crate::output;
use crate::session::{Freshness, Session};

/// Runs `amtoken exec`; the exit status is COMMAND's (128 + the signal that ended it).
pub fn run(args: &ExecArgs, settings: &Settings) -> Result<ExitStatus> {
    let (token, _) = Session::open(settings).valid_token(Freshness::AtLeast(args.min_ttl))?;
    let Some((program, arguments)) = args.command.split_first() else {
        return Err(Error::msg(Kind::Usage, "no COMMAND to run"));
    };
    let mut child = std::process::Command::new(program)
        .args(arguments)
        .env("AMTOKEN_ACCESS_TOKEN", token.access_token.expose())
        .env("AMTOKEN_EXPIRES_AT", output::rfc3339(token.expires_at))
        .env("AMTOKEN_API_URL", settings.api_url.trim_end_matches('/'))
        .spawn()
        .map_err(|error| Error::new(Kind::Usage, error))
        .context(format!("failed to run {}", program.to_string_lossy()))?;
    // Ctrl-C and Ctrl-\ reach COMMAND (the terminal signals the whole group); amtoken waits to
    // hand on how it ended.
    let _ignoring = IgnoreInterrupts::new();
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

/// SIGINT and SIGQUIT ignored while it lives (the child keeps its own dispositions: exec resets
/// ignored signals only for the ones the child sets, and spawn has already happened).
struct IgnoreInterrupts;

impl IgnoreInterrupts {
    fn new() -> Self {
        #[cfg(unix)]
        // SAFETY: setting a signal's disposition to SIG_IGN installs no handler code; nothing
        // else in amtoken touches SIGINT or SIGQUIT.
        unsafe {
            libc::signal(libc::SIGINT, libc::SIG_IGN);
            libc::signal(libc::SIGQUIT, libc::SIG_IGN);
        }
        IgnoreInterrupts
    }
}
