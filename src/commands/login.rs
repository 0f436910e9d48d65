//! `amtoken login`: the whole authorization-code flow — the authorize URL (and the browser),
//! the callback through a loopback listener or pasted on the terminal, the state check, the
//! exchange.

use crate::cli::LoginArgs;
use crate::config::Settings;
use crate::error::{Error, Kind, Result};
use crate::oauth::loopback::{self, LoopbackListener};
use crate::output;
use crate::session::Session;

/// Runs `amtoken login`.
pub fn run(args: &LoginArgs, settings: &Settings) -> Result<()> {
    let redirect_uri = settings.require_redirect_uri()?;
    let listener = if loopback::is_loopback_redirect(redirect_uri) {
        // Listen before the browser can arrive.
        Some(LoopbackListener::bind(redirect_uri)?)
    } else if output::stdin_is_terminal() {
        None
    } else {
        return Err(Error::msg(
            Kind::Usage,
            format!(
                "amtoken login needs a terminal to paste the callback into, and standard input is \
                 not one (the redirect URI {redirect_uri} is not a loopback address amtoken can \
                 listen on)"
            ),
        )
        .hint(
            "run `amtoken authorize-url`, authorize in a browser, then `amtoken exchange --code '<the URL the browser landed on>'`",
        ));
    };
    let session = Session::open(settings);
    let authorization = session.begin_authorization(args.pkce.enabled())?;
    output::note(format_args!(
        "open this URL in a browser to authorize:\n\n    {}\n",
        authorization.url
    ));
    if !args.no_browser && has_display() && webbrowser::open(authorization.url.as_str()).is_err() {
        output::note("could not open a browser; open the URL yourself");
    }
    let timeout = output::relative(i64::try_from(args.login_timeout.as_secs()).unwrap_or(0));
    let (token, issued_refresh_token) = match listener {
        Some(listener) => {
            output::note(format_args!(
                "waiting for the browser at {} (gives up {timeout})",
                authorization.redirect_uri
            ));
            let callback = listener.wait(args.login_timeout, &authorization.state)?;
            let result = session.exchange_callback(&callback.url, None, None);
            match &result {
                Ok(_) => callback.answer(true, "amtoken: you are logged in."),
                Err(error) => callback.answer(
                    false,
                    &format!("amtoken: login failed: {}", error.message()),
                ),
            }
            result?
        }
        None => {
            let question = "Paste the URL the browser landed on (or just the code): ";
            let Some(line) = output::prompt(question, args.login_timeout) else {
                return Err(Error::msg(
                    Kind::ReauthorizationNeeded,
                    format!("no callback URL was pasted {timeout}").replace("in ", "within "),
                )
                .context("login failed")
                .hint("run `amtoken login` again"));
            };
            session.exchange_callback(&line, None, None)?
        }
    };
    super::report_login(settings, &token, issued_refresh_token, args.output)
}

/// Whether a browser can be shown: a graphical session on Linux and the BSDs (without one,
/// `webbrowser` would start a text browser on this terminal); always elsewhere.
fn has_display() -> bool {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}
