//! `amtoken authorize-url [--no-pkce]`: the authorize URL on stdout; its state (and verifier) kept
//! for `amtoken exchange`.

use crate::cli::AuthorizeUrlArgs;
use crate::config::Settings;
use crate::error::Result;
use crate::output;
use crate::session::Session;

/// Runs `amtoken authorize-url`.
pub fn run(args: &AuthorizeUrlArgs, settings: &Settings) -> Result<()> {
    let authorization = Session::open(settings).begin_authorization(args.pkce.enabled())?;
    output::print(&format!("{}\n", authorization.url))?;
    output::note(
        "open the URL, authorize, then run `amtoken exchange --code '<the URL the \
         browser landed on>'` within 10 minutes",
    );
    Ok(())
}
