//! amtoken: OAuth 2.0 tokens for the ApprovalMax public API.
//!
//! The binary parses the command line ([`cli::Cli`]), calls [`run`], and reports the error.

mod api;
pub mod cli;
mod commands;
mod config;
pub mod error;
mod http;
pub mod jwt;
mod oauth;
pub mod output;
mod paths;
pub mod process;
pub mod secret;
mod session;
mod store;
mod text;

/// Entry points for the fuzz targets in `tests/fuzz`: every parser that reads untrusted input.
/// Not an API.
#[doc(hidden)]
pub mod fuzzing {
    /// The JWT decoder, on raw bytes as `decode` reads them.
    pub fn jwt(bytes: &[u8]) {
        let _ = crate::jwt::decode_bytes(bytes);
    }

    /// A token endpoint's answer: the first byte picks the status, the rest is the body.
    pub fn token_response(bytes: &[u8]) {
        let statuses = [200u16, 400, 401, 302, 500, 503, 429];
        let Some((&first, body)) = bytes.split_first() else {
            return;
        };
        let status = statuses[usize::from(first) % statuses.len()];
        let reply = crate::http::Reply {
            status: crate::http::StatusCode::from_u16(status).unwrap_or_default(),
            headers: Default::default(),
            body: body.to_vec(),
        };
        if let Err(error) = crate::oauth::read_token_reply(reply, &["secret-sent"]) {
            let _ = error.to_string();
        }
    }

    /// A pasted callback URL or code, checked against a state.
    pub fn callback(text: &str) {
        let _ = crate::oauth::callback::code_from_input(text, Some("state"));
        let _ = crate::oauth::callback::state_of(text);
    }

    /// The config file.
    pub fn config(text: &str) {
        let _ = crate::config::check_config_text(text);
    }

    /// A JWKS, and a verification of a fixed token against it.
    pub fn jwks(bytes: &[u8], token: &str) {
        if let (Ok(keys), Ok(token)) = (
            crate::jwt::KeySet::from_json(bytes),
            crate::jwt::decode(token),
        ) {
            let _ = crate::jwt::verify_signature(&token, &keys);
        }
    }
}

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
        Command::Completions(args) => commands::completions::run(args),
    }?;
    Ok(ExitStatus::SUCCESS)
}
