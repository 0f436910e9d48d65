//! The `amtoken` binary: parse, run, report.

use std::process::ExitCode;

use clap::{CommandFactory as _, FromArgMatches as _};

fn main() -> ExitCode {
    let cli = parse();
    match amtoken::run(cli) {
        Ok(status) => ExitCode::from(status.0),
        Err(error) => ExitCode::from(amtoken::error::report(&error)),
    }
}

/// `Cli::parse()`, without freeing clap's command tree: dropping it costs as much as a sixth of
/// a cached `amtoken token`, and the process is about to end anyway.
fn parse() -> amtoken::cli::Cli {
    let mut command = amtoken::cli::Cli::command();
    let cli = command
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|matches| {
            let cli = amtoken::cli::Cli::from_arg_matches(&matches);
            std::mem::forget(matches);
            cli
        })
        .unwrap_or_else(|error| error.format(&mut command).exit());
    std::mem::forget(command);
    cli
}
