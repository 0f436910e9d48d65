//! `amtoken completions`: the shell completion script, generated from the CLI definition.

use clap::CommandFactory as _;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;
use crate::output;

/// Runs `amtoken completions SHELL`.
pub fn run(args: &CompletionsArgs) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "amtoken", &mut script);
    output::print(&String::from_utf8_lossy(&script))?;
    Ok(())
}
