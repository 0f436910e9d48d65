//! The `amtoken` binary: parse, run, report.

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = amtoken::cli::Cli::parse();
    match amtoken::run(cli) {
        Ok(status) => ExitCode::from(status.0),
        Err(error) => ExitCode::from(amtoken::error::report(&error)),
    }
}
