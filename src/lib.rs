//! amtoken: OAuth 2.0 tokens for the ApprovalMax public API.
//!
//! The binary parses the command line ([`cli::Cli`]), calls [`run`], and reports the error.

mod api_client;
mod backoff;
pub mod cli;
mod commands;
mod config;
pub mod error;
mod files;
mod http;
mod issuer;
pub mod jwt;
mod keeper;
mod oauth;
pub mod output;
mod paths;
pub mod process;
pub mod secret;
mod session;
mod store;
mod text;
mod token;

/// Entry points for the fuzz targets in `tests/fuzz`. Not an API.
#[doc(hidden)]
pub mod fuzzing;

use cli::{Cli, Command, TokenFormat};
use config::Settings;
use error::ExitStatus;

/// Sends the parsed command line to its subcommand and returns how the run ended. Settings are
/// resolved only for the commands that use them, so `decode` and `completions` work whatever
/// the config file says.
pub fn run(cli: Cli) -> error::Result<ExitStatus> {
    let color = output::use_color(cli.global.color.forced());
    let settings = || Settings::resolve(&cli.global);
    match &cli.command {
        Command::Exchange(args) => commands::exchange::run(args, &settings()?),
        Command::Refresh(args) => commands::refresh::run(args, &settings()?),
        Command::Token(args) => commands::token::run(args, &settings()?, TokenFormat::Raw),
        Command::Header(args) => commands::token::run(args, &settings()?, TokenFormat::Header),
        Command::Status(args) => commands::status::run(args, &settings()?),
        Command::Login(args) => commands::login::run(args, &settings()?),
        Command::AuthorizeUrl(args) => commands::authorize_url::run(args, &settings()?),
        Command::Logout(args) => commands::logout::run(args, &settings()?),
        Command::Decode(args) => {
            commands::decode::run(args, color, || Ok(Settings::resolve(&cli.global)?))
        }
        Command::Api(args) => commands::api::run(args, &settings()?, color),
        Command::Exec(args) => return commands::exec::run(args, &settings()?),
        Command::Serve(args) => commands::serve::run(args, &settings()?),
        Command::Doctor(args) => return commands::doctor::run(args, &cli.global),
        Command::Completions(args) => commands::completions::run(args),
    }?;
    Ok(ExitStatus::SUCCESS)
}
