//! One short module per subcommand, each a `run` over the session, the JWT module and the
//! output module. What exchange, refresh and token print is rendered here, in one place.

pub mod api;
pub mod authorize_url;
pub mod completions;
pub mod decode;
pub mod exchange;
pub mod exec;
pub mod login;
pub mod logout;
pub mod refresh;
pub mod serve;
pub mod status;
pub mod token;

use chrono::Utc;

use crate::config::Settings;
use crate::error::Result;
use crate::output::{self, TokenFormat, TokenView};
use crate::token::AccessToken;

/// Prints `token` on stdout in `format`.
fn print_token(settings: &Settings, token: &AccessToken, format: TokenFormat) -> Result<()> {
    let view = TokenView {
        access_token: token.access_token.expose(),
        token_type: &token.token_type,
        expires_at: token.expires_at,
        scope: &token.scope,
        profile: &settings.profile,
    };
    output::print(&output::render_token(format, &view, Utc::now()))?;
    Ok(())
}

/// What `exchange` and `login` say: the summary, and a warning when the server issued no
/// refresh token.
fn report_login(
    settings: &Settings,
    token: &AccessToken,
    issued_refresh_token: bool,
    format: TokenFormat,
) -> Result<()> {
    if !issued_refresh_token {
        output::warn(
            "the server issued no refresh token (was offline_access granted?): \
             this access token cannot be renewed",
        );
    }
    report_tokens(settings, "logged in", token, format)
}

/// What `exchange` and `refresh` say: a one-line summary on stderr, and the token on stdout in
/// the `--output` format asked for.
fn report_tokens(
    settings: &Settings,
    action: &str,
    token: &AccessToken,
    format: TokenFormat,
) -> Result<()> {
    output::note(format_args!(
        "{action} profile {:?} ({}): access token valid until {} ({}); scopes: {}",
        settings.profile,
        settings.store_name(),
        output::rfc3339(token.expires_at),
        output::relative(token.seconds_left(Utc::now())),
        if token.scope.is_empty() {
            "none"
        } else {
            &token.scope
        }
    ));
    print_token(settings, token, format)
}
