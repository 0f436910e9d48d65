//! `amtoken exec [--min-ttl DUR] -- COMMAND [ARG…]`: runs COMMAND with a valid access token in
//! its environment, never on an argv, keeps a fresh one in `AMTOKEN_TOKEN_FILE` for as long as
//! COMMAND runs, and ends with COMMAND's exit code.

mod forward;
mod renewal;
mod token_file;

use std::sync::mpsc;

use crate::cli::ExecArgs;
use crate::config::Settings;
use crate::error::{Context as _, Error, ExitStatus, Kind, Result};
use crate::keeper::Keeper;
use crate::output;
use crate::session::{Freshness, Session};
use crate::text::rfc3339;
use token_file::TokenFile;

/// Runs `amtoken exec`; the exit status is COMMAND's (128 + the signal that ended it).
pub fn run(args: &ExecArgs, settings: &Settings) -> Result<ExitStatus> {
    let Some((program, arguments)) = args.command.split_first() else {
        return Err(Error::msg(Kind::Usage, "no COMMAND to run"));
    };
    let session = Session::open(settings);
    let (token, _) = session.token(Freshness::AtLeast(args.min_ttl))?;
    forward::reset_inherited_dispositions();
    // COMMAND's environment holds the token: a step that prints its environment shows `***`.
    if settings.mask_in_ci {
        crate::output::mask_in_ci(token.access_token.expose());
    }
    let token_file = TokenFile::create(
        settings.paths.runtime_dir(),
        &settings.profile,
        &token.access_token,
    )
    .context("failed to write the token file")?;
    // Before the spawn, so that a signal in between is forwarded rather than lost.
    let forwarder = forward::Signals::catch().map_err(|error| Error::new(Kind::Internal, error))?;
    let mut command = std::process::Command::new(program);
    command
        .args(arguments)
        .env("AMTOKEN_ACCESS_TOKEN", token.access_token.expose())
        .env("AMTOKEN_EXPIRES_AT", rfc3339(token.expires_at))
        .env("AMTOKEN_TOKEN_FILE", token_file.path())
        .env("AMTOKEN_API_URL", settings.api_url.trim_end_matches('/'));
    // amtoken's own credentials: COMMAND gets the access token, never what mints new ones (as
    // aws-vault and `op run` keep theirs). The list comes from the settings' definitions.
    for name in crate::cli::settings::withheld_variables() {
        command.env_remove(name);
    }
    crate::process::restore_core_limit(&mut command);
    forward::end_with_parent(&mut command);
    let mut child = command
        .spawn()
        .map_err(|error| Error::new(Kind::Usage, error))
        .context(format!("failed to run {}", program.to_string_lossy()))?;
    let forwarding = forwarder.to(child.id());
    let (ended_sender, ended) = mpsc::channel();
    let pid = child.id();
    let waiter = std::thread::spawn(move || {
        // COMMAND is reaped only once nothing can be forwarded to its pid any more.
        forward::wait_unreaped(pid);
        let _ = ended_sender.send(());
    });
    let mut keeper = Keeper::new(
        session,
        args.min_ttl,
        ("exec", "COMMAND's token"),
        settings.verbose,
    );
    keeper.hold(token);
    keeper.add_sink(Box::new(&token_file));
    renewal::keep_fresh(&mut keeper, &ended);
    drop(keeper);
    let _ = waiter.join();
    forwarding.stop();
    let status = child
        .wait()
        .map_err(|error| Error::new(Kind::Internal, error))
        .context(format!("failed to wait for {}", program.to_string_lossy()))?;
    if let Err(error) = token_file.remove() {
        output::warn(error);
    }
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
