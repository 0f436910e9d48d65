//! One short module per subcommand, each a `run` over the session, the JWT module and the
//! output module. What exchange, refresh and token print is rendered here, in one place.

pub mod api;
pub mod authorize_url;
pub mod completions;
pub mod decode;
pub mod doctor;
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

/// Prints `token` on stdout in `format` — or, for `github-env`/`github-output`, appends it to
/// the runner's file — having registered it with the runner's mask first when on GitHub
/// Actions.
fn print_token(settings: &Settings, token: &AccessToken, format: TokenFormat) -> Result<()> {
    if let Some(variable) = format.github_file() {
        return write_github_file(variable, token);
    }
    if settings.mask_in_ci && format != TokenFormat::None {
        output::mask_in_ci(token.access_token.expose());
    }
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

/// Appends `AMTOKEN_ACCESS_TOKEN` (heredoc form) and `AMTOKEN_EXPIRES_AT` to the file the
/// runner's `variable` names; the token is masked first even with `--no-mask` (a token headed
/// for a job's variables is for the job, not its log).
fn write_github_file(variable: &str, token: &AccessToken) -> Result<()> {
    use std::io::Write as _;
    let path = std::env::var_os(variable)
        .filter(|path| !path.is_empty())
        .ok_or_else(|| {
            crate::error::Error::msg(
                crate::error::Kind::InvalidInput,
                format!(
                    "-o {} needs ${variable}, which the GitHub Actions runner sets",
                    variable.to_ascii_lowercase().replace('_', "-")
                ),
            )
            .hint("use it in a step of a GitHub Actions job, or choose another --output")
        })?;
    output::mask_in_ci(token.access_token.expose());
    let mut random = [0u8; 16];
    let _ = getrandom::fill(&mut random);
    let entry = output::github_file_entry(
        "AMTOKEN_ACCESS_TOKEN",
        token.access_token.expose(),
        &hex::encode(random),
    ) + &format!("AMTOKEN_EXPIRES_AT={}\n", output::rfc3339(token.expires_at));
    let path = std::path::PathBuf::from(path);
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut file| file.write_all(entry.as_bytes()))
        .map_err(|cause| crate::error::Error::new(crate::error::Kind::InvalidInput, cause))
        .map_err(|error| {
            error.context(format!(
                "failed to append to ${variable} ({})",
                path.display()
            ))
        })?;
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
