//! `amtoken exchange --code <CODE|CALLBACK-URL>`: the authorization_code grant. Stores the
//! refresh token, caches the access token.

use std::io::BufRead as _;

use url::Url;

use crate::cli::ExchangeArgs;
use crate::commands::shared;
use crate::config::Settings;
use crate::error::{Context as _, Error, Kind, Result};
use crate::http::Grant;
use crate::output;
use crate::secret::Secret;
use crate::store::lock;

/// Runs `amtoken exchange`.
pub fn run(args: &ExchangeArgs, settings: &Settings) -> Result<()> {
    settings.require_client_id()?;
    let redirect_uri = settings.require_redirect_uri()?;
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
    let code = code_from_input(&input, args.state.as_deref())?;
    let verifier = args.code_verifier.clone().map(Secret::new);

    let _lock = lock::acquire(
        &settings.paths.lock_file(&settings.profile),
        settings.lock_timeout,
    )?;
    let store = shared::open_store(settings);
    let (client, credentials) = shared::grant_client(settings)?;
    let reply = client
        .request_token(
            &settings.token_url,
            &credentials,
            &Grant::AuthorizationCode {
                code: &code,
                redirect_uri,
                code_verifier: verifier.as_ref(),
            },
        )
        .map_err(|error| {
            let refused = error.oauth_error() == Some("invalid_grant");
            let error = Error::from(error).context("failed to exchange the authorization code");
            if refused {
                error.hint("codes are single-use and expire within minutes: authorize again for a fresh one")
            } else {
                error
            }
        })?;
    let issued_refresh_token = reply.refresh_token.is_some();
    let token = shared::keep_issued_tokens(settings, store.as_ref(), reply, &settings.scope)
        .context("failed to exchange the authorization code")?;
    if !issued_refresh_token {
        output::warn(
            "the server issued no refresh token (was offline_access granted?): \
             this access token cannot be renewed",
        );
    }
    shared::report(settings, "logged in", &token, args.output)
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

/// The code from a bare code or a callback URL; a callback's `error` and a `state` that does not
/// match are refused.
fn code_from_input(input: &str, expected_state: Option<&str>) -> Result<Secret> {
    let input = input.trim();
    if input.is_empty() {
        return Err(Error::msg(Kind::InvalidInput, "the code is empty"));
    }
    let looks_like_url = input.contains("://")
        || input.starts_with('?')
        || input.contains("code=")
        || input.contains("error=");
    if !looks_like_url {
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::msg(
                Kind::InvalidInput,
                "the code contains spaces or control characters",
            ));
        }
        return Ok(Secret::new(input));
    }
    let callback = parse_callback(input)?;
    if let Some(error) = callback.error {
        return Err(Error::msg(
            Kind::ReauthorizationNeeded,
            format!(
                "the authorization server refused: {error}{}",
                callback
                    .error_description
                    .map(|text| format!(": {text}"))
                    .unwrap_or_default()
            ),
        )
        .context("the callback carries an error")
        .hint("authorize again; if it keeps failing, check the client's redirect URI and scopes"));
    }
    if let Some(expected) = expected_state
        && callback.state.as_deref() != Some(expected)
    {
        return Err(Error::msg(
            Kind::ReauthorizationNeeded,
            format!(
                "the callback's state {} does not match the expected state {expected:?}",
                callback
                    .state
                    .map(|state| format!("{state:?}"))
                    .unwrap_or_else(|| "(none)".into())
            ),
        )
        .context("refusing the callback")
        .hint("this callback does not belong to your authorize request: authorize again"));
    }
    callback.code.map(Secret::new).ok_or_else(|| {
        Error::msg(Kind::InvalidInput, "the callback URL carries no code")
            .hint("paste the whole URL the browser landed on, or just the code")
    })
}

#[derive(Debug, Default)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Reads `code`, `state`, `error` and `error_description` from the query, or from the fragment
/// (response_mode=fragment).
fn parse_callback(input: &str) -> Result<Callback> {
    let absolute = if input.contains("://") {
        input.to_string()
    } else {
        format!(
            "https://callback.invalid/?{}",
            input.trim_start_matches('?')
        )
    };
    let url = Url::parse(&absolute).map_err(|error| {
        Error::msg(
            Kind::InvalidInput,
            format!("malformed callback URL: {error}"),
        )
    })?;
    let mut callback = Callback::default();
    let fragment_pairs = url
        .fragment()
        .map(|fragment| {
            url::form_urlencoded::parse(fragment.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_else(Vec::new);
    for (key, value) in url.query_pairs().into_owned().chain(fragment_pairs) {
        let slot = match key.as_str() {
            "code" => &mut callback.code,
            "state" => &mut callback.state,
            "error" => &mut callback.error,
            "error_description" => &mut callback.error_description,
            _ => continue,
        };
        if slot.is_none() && !value.is_empty() {
            *slot = Some(value);
        }
    }
    Ok(callback)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(input: &str, state: Option<&str>) -> std::result::Result<String, (u8, String)> {
        code_from_input(input, state)
            .map(|secret| secret.expose().to_string())
            .map_err(|error| (error.kind().exit_code(), error.message()))
    }

    #[test]
    fn the_code_comes_from_a_bare_code_or_any_callback_shape() {
        let hex = "A1B2C3D4E5F6A1B2C3D4E5F6A1B2C3D4E5F6A1B2C3D4E5F6A1B2C3D4E5F6A1B2";
        assert_eq!(code(&format!("  {hex}\n"), None).unwrap(), hex);
        let url =
            format!("https://app.example/callback?code={hex}&scope=a%20b&state=s1&session_state=x");
        assert_eq!(code(&url, Some("s1")).unwrap(), hex);
        assert_eq!(code(&format!("?code={hex}&state=s1"), None).unwrap(), hex);
        assert_eq!(code(&format!("code={hex}"), None).unwrap(), hex);
        assert_eq!(
            code(
                &format!("https://app.example/cb#code={hex}&state=s1"),
                Some("s1")
            )
            .unwrap(),
            hex
        );
    }

    #[test]
    fn a_callback_error_asks_for_reauthorization() {
        let (exit, message) = code(
            "https://app.example/cb?error=access_denied&error_description=The+user+said+no&state=s1",
            Some("s1"),
        )
        .unwrap_err();
        assert_eq!(exit, 5);
        assert_eq!(
            message,
            "the callback carries an error: the authorization server refused: access_denied: The user said no"
        );
    }

    #[test]
    fn a_state_mismatch_is_refused() {
        let (exit, message) =
            code("https://app.example/cb?code=abc&state=evil", Some("good")).unwrap_err();
        assert_eq!(exit, 5);
        assert!(
            message.contains("\"evil\" does not match the expected state \"good\""),
            "{message}"
        );
        let (exit, _) = code("https://app.example/cb?code=abc", Some("good")).unwrap_err();
        assert_eq!(exit, 5);
    }

    #[test]
    fn malformed_input_is_exit_3() {
        for input in [
            "",
            "   ",
            "has space",
            "https://app.example/cb?state=s",
            "https://[bad/?code=1",
        ] {
            assert_eq!(code(input, None).unwrap_err().0, 3, "{input:?}");
        }
    }
}
