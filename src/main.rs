//! The `amtoken` binary: parse, run, report.

use std::process::ExitCode;

fn main() -> ExitCode {
    amtoken::process::forbid_core_dumps();
    let cli = amtoken::cli::parse();
    match amtoken::run(cli) {
        Ok(status) => ExitCode::from(status.0),
        Err(error) => ExitCode::from(amtoken::error::report(&error)),
    }
}
