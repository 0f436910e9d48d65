//! amtoken: OAuth 2.0 tokens for the ApprovalMax public API.
//!
//! The binary parses the command line ([`cli::Cli`]), calls [`run`], and reports the error.

pub mod cli;
mod commands;
pub mod error;
pub mod jwt;
pub mod output;
pub mod secret;

use cli::{Cli, Command};

/// Sends the parsed command line to its subcommand.
pub fn run(cli: Cli) -> error::Result<()> {
    let color = output::use_color(cli.global.color.forced());
    match &cli.command {
        Command::Decode(args) => commands::decode::run(args, color),
        Command::Completions(args) => commands::completions::run(args),
    }
}
