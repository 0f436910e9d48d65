//! The authorization response (RFC 6749 §4.1.2): what the user pastes after authorizing — the
//! bare code, or the whole URL the browser landed on (query or fragment) — turned into the code,
//! with the callback's `error` and a `state` that does not match refused.

use url::Url;

use super::ErrorCode;
use crate::secret::Secret;

/// Why a pasted code or callback URL was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallbackError {
    #[error("the code is empty")]
    Empty,
    #[error("the code contains spaces or control characters")]
    BadCharacters,
    #[error("malformed callback URL: {0}")]
    Malformed(String),
    #[error("the callback URL carries no code")]
    NoCode,
    #[error("the callback carries an error: the authorization server refused: {code}{}", .description.as_ref().map(|text| format!(": {text}")).unwrap_or_default())]
    Refused {
        code: ErrorCode,
        description: Option<String>,
    },
    #[error("refusing the callback: the callback's state {} does not match the expected state {expected:?}", .found.as_ref().map(|state| format!("{state:?}")).unwrap_or_else(|| "(none)".into()))]
    StateMismatch {
        expected: String,
        found: Option<String>,
    },
}

impl CallbackError {
    /// Whether the user has to authorize again (the server refused, or the callback is not
    /// the answer to our request), rather than fix what they pasted.
    pub fn needs_reauthorization(&self) -> bool {
        matches!(
            self,
            CallbackError::Refused { .. } | CallbackError::StateMismatch { .. }
        )
    }
}

/// What a callback URL carries.
#[derive(Debug, Default, PartialEq)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// The code from a bare code or a callback URL; a callback's `error`, and a `state` that does
/// not match `expected_state` when one is given, are refused.
pub fn code_from_input(input: &str, expected_state: Option<&str>) -> Result<Secret, CallbackError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(CallbackError::Empty);
    }
    if !looks_like_callback(input) {
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(CallbackError::BadCharacters);
        }
        return Ok(Secret::new(input));
    }
    let callback = parse(input)?;
    if let Some(error) = callback.error {
        return Err(CallbackError::Refused {
            code: ErrorCode::parse(&error),
            description: callback
                .error_description
                .map(|text| crate::text::printable(&text)),
        });
    }
    if let Some(expected) = expected_state
        && callback.state.as_deref() != Some(expected)
    {
        return Err(CallbackError::StateMismatch {
            expected: expected.to_string(),
            found: callback.state,
        });
    }
    callback.code.map(Secret::new).ok_or(CallbackError::NoCode)
}

/// The `state` a pasted callback URL carries; `None` for a bare code or a URL without one.
pub fn state_of(input: &str) -> Option<String> {
    let input = input.trim();
    if !looks_like_callback(input) {
        return None;
    }
    parse(input).ok()?.state
}

/// Whether the input is a callback URL (or its query) rather than a bare code.
pub fn is_callback(input: &str) -> bool {
    looks_like_callback(input.trim())
}

fn looks_like_callback(input: &str) -> bool {
    input.contains("://")
        || input.starts_with('?')
        || input.contains("code=")
        || input.contains("error=")
}

/// Reads `code`, `state`, `error` and `error_description` from the query, or from the fragment
/// (response_mode=fragment). The first non-empty value of each wins.
pub fn parse(input: &str) -> Result<Callback, CallbackError> {
    let absolute = if input.contains("://") {
        input.to_string()
    } else {
        format!(
            "https://callback.invalid/?{}",
            input.trim_start_matches('?')
        )
    };
    let url = Url::parse(&absolute).map_err(|error| CallbackError::Malformed(error.to_string()))?;
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

    fn code(input: &str, state: Option<&str>) -> Result<String, CallbackError> {
        code_from_input(input, state).map(|secret| secret.expose().to_string())
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
        let error = code(
            "https://app.example/cb?error=access_denied&error_description=The+user+said+no&state=s1",
            Some("s1"),
        )
        .unwrap_err();
        assert!(error.needs_reauthorization());
        assert_eq!(
            error.to_string(),
            "the callback carries an error: the authorization server refused: access_denied: The user said no"
        );
    }

    #[test]
    fn a_state_mismatch_is_refused() {
        let error = code("https://app.example/cb?code=abc&state=evil", Some("good")).unwrap_err();
        assert!(error.needs_reauthorization());
        assert!(
            error
                .to_string()
                .contains("\"evil\" does not match the expected state \"good\""),
            "{error}"
        );
        let error = code("https://app.example/cb?code=abc", Some("good")).unwrap_err();
        assert!(matches!(
            error,
            CallbackError::StateMismatch { found: None, .. }
        ));
    }

    #[test]
    fn malformed_input_is_not_a_reauthorization() {
        for input in [
            "",
            "   ",
            "has space",
            "https://app.example/cb?state=s",
            "https://[bad/?code=1",
        ] {
            let error = code(input, None).unwrap_err();
            assert!(!error.needs_reauthorization(), "{input:?}: {error}");
        }
    }
}
