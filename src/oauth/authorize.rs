//! The authorization request (RFC 6749 §4.1.1): the authorize URL with a fresh `state`, and
//! PKCE (RFC 7636, S256) when asked for. Randomness comes from the OS.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};
use url::Url;

use crate::http::{self, HttpError};
use crate::secret::Secret;

/// What goes into an authorize URL.
#[derive(Debug, Clone, Copy)]
pub struct AuthorizeParameters<'a> {
    pub endpoint: &'a str,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub scope: &'a str,
    pub pkce: bool,
}

/// An authorize URL and what the callback must be checked against.
#[derive(Debug)]
pub struct AuthorizeRequest {
    pub url: Url,
    /// 32 URL-safe characters.
    pub state: String,
    /// The PKCE verifier (43 characters), when a challenge was sent.
    pub code_verifier: Option<Secret>,
}

/// Why no authorize URL could be made.
#[derive(Debug, thiserror::Error)]
pub enum AuthorizeError {
    #[error(transparent)]
    Url(#[from] HttpError),
    #[error("the operating system's random number generator failed: {0}")]
    Random(String),
}

/// Builds the authorize URL with a fresh state (and PKCE challenge).
pub fn authorize_request(
    parameters: &AuthorizeParameters<'_>,
) -> Result<AuthorizeRequest, AuthorizeError> {
    let mut url = http::check_url(parameters.endpoint)?;
    let state = random_text(24)?;
    let code_verifier = if parameters.pkce {
        Some(Secret::new(random_text(32)?))
    } else {
        None
    };
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("response_type", "code")
            .append_pair("client_id", parameters.client_id)
            .append_pair("redirect_uri", parameters.redirect_uri)
            .append_pair("scope", parameters.scope)
            .append_pair("state", &state);
        if let Some(verifier) = &code_verifier {
            query
                .append_pair("code_challenge", &code_challenge(verifier.expose()))
                .append_pair("code_challenge_method", "S256");
        }
    }
    Ok(AuthorizeRequest {
        url,
        state,
        code_verifier,
    })
}

/// `BASE64URL(SHA256(verifier))` (RFC 7636 §4.2).
pub fn code_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// `bytes` random bytes from the OS as base64url text: 24 give 32 characters, 32 give 43.
fn random_text(bytes: usize) -> Result<String, AuthorizeError> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|error| AuthorizeError::Random(error.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(buffer))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(pkce: bool) -> AuthorizeRequest {
        authorize_request(&AuthorizeParameters {
            endpoint: "https://identity.approvalmax.com/connect/authorize",
            client_id: "C1",
            redirect_uri: "https://app.example/cb",
            scope: "a offline_access",
            pkce,
        })
        .unwrap()
    }

    #[test]
    fn the_url_carries_every_parameter_and_a_fresh_state() {
        let first = request(false);
        let pairs: Vec<(String, String)> = first.url.query_pairs().into_owned().collect();
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        assert_eq!(get("response_type"), Some("code"));
        assert_eq!(get("client_id"), Some("C1"));
        assert_eq!(get("redirect_uri"), Some("https://app.example/cb"));
        assert_eq!(get("scope"), Some("a offline_access"));
        assert_eq!(get("state"), Some(first.state.as_str()));
        assert_eq!(get("code_challenge"), None);
        assert_eq!(first.state.len(), 32);
        assert!(
            first
                .state
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(first.state, request(false).state);
    }

    #[test]
    fn pkce_sends_the_s256_challenge_of_the_verifier() {
        let request = request(true);
        let verifier = request.code_verifier.unwrap();
        assert_eq!(verifier.expose().len(), 43);
        let challenge = request
            .url
            .query_pairs()
            .find(|(key, _)| key == "code_challenge")
            .unwrap()
            .1
            .into_owned();
        assert_eq!(challenge, code_challenge(verifier.expose()));
    }

    #[test]
    fn the_challenge_is_the_rfc_7636_example() {
        // RFC 7636 appendix B.
        assert_eq!(
            code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
