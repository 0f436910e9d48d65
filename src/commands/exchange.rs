//! `amtoken exchange --code <CODE|CALLBACK-URL>`: the authorization_code grant, the callback
//! checked against the pending request of `authorize-url`. Stores the refresh token, caches the
//! access token.

use std::io::BufRead as _;

use crate::cli::ExchangeArgs;
use crate::config::Settings;
use crate::error::{Context as _, Error, Kind, Result};
use crate::secret::Secret;
use crate::session::Session;

/// Runs `amtoken exchange`.
pub fn run(args: &ExchangeArgs, settings: &Settings) -> Result<()> {
    // Settings first: a missing client id should not cost the user their single-use code.
    settings.client_id_or(None)?;
    settings.require_redirect_uri()?;
    if args.code == "-" && settings.reads_client_secret_from_stdin() {
        return Err(Error::msg(
            Kind::Usage,
            "--code - and --client-secret-file - cannot both read standard input",
        )
        .hint("put the client secret in a file or in AMTOKEN_CLIENT_SECRET"));
    }
    let input = if args.code == "-" {
        read_code_from_stdin()?
    } else {
        args.code.clone()
    };
    let verifier = args.code_verifier.clone().map(Secret::new);
    let (token, issued_refresh_token) =
        Session::open(settings).exchange_callback(&input, args.state.as_deref(), verifier)?;
    super::report_login(settings, &token, issued_refresh_token, args.output)
}

fn read_code_from_stdin() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|error| Error::new(Kind::InvalidInput, error))
        .context("failed to read the code from standard input")?;
    Ok(line)
}
