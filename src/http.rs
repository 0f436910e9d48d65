//! The one HTTP client: every request to the authorization server goes through here. It
//! enforces HTTPS (except loopback), never follows redirects, caps responses, and turns each
//! reply into a typed result, classifying OAuth errors at the boundary.

use std::io::Read as _;
use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::blocking::{Client, Response};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use serde::Deserialize;
use serde_json::{Map, Value};
use url::{Host, Url};

use crate::secret::Secret;

/// Largest response body read; more is an invalid response.
pub const MAX_RESPONSE_BYTES: u64 = 1024 * 1024;
const EXCERPT_CHARS: usize = 160;

/// How the client proves who it is at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuthMethod {
    /// `client_id` and `client_secret` in the form body (client_secret_post).
    Post,
    /// An HTTP Basic `Authorization` header (client_secret_basic).
    Basic,
}

/// The client's credentials.
#[derive(Debug)]
pub struct ClientCredentials {
    pub client_id: String,
    pub client_secret: Option<Secret>,
    pub method: ClientAuthMethod,
}

/// The grant of a token request.
#[derive(Debug)]
pub enum Grant<'a> {
    /// `grant_type=authorization_code`.
    AuthorizationCode {
        code: &'a Secret,
        redirect_uri: &'a str,
        code_verifier: Option<&'a Secret>,
    },
    /// `grant_type=refresh_token`.
    RefreshToken { refresh_token: &'a Secret },
}

/// A 200 answer of the token endpoint. The refresh token is taken out first, whatever else the
/// body holds, so that a token the server issued can be stored even when the rest is unusable.
#[derive(Debug)]
pub struct TokenReply {
    /// The (rotated) refresh token, when the answer carried one.
    pub refresh_token: Option<Secret>,
    /// The rest of the answer, or why it is not a valid token response.
    pub tokens: Result<TokenResponse, HttpError>,
}

/// A valid token response (RFC 6749 §5.1), unknown fields kept.
#[derive(Debug)]
pub struct TokenResponse {
    pub access_token: Secret,
    /// Always `Bearer`, in the server's case.
    pub token_type: String,
    pub expires_in: Option<i64>,
    pub scope: Option<String>,
    pub extra: Map<String, Value>,
}

/// Why a request failed. Each variant says which step failed and carries what the user needs.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("invalid URL {url:?}: {why}")]
    InvalidUrl { url: String, why: String },
    #[error(
        "refusing plain http to {url}: only loopback hosts (127.0.0.1, [::1], localhost) may use http"
    )]
    InsecureUrl { url: String },
    #[error("cannot use the CA certificates in {path}: {why}")]
    CaCertificates { path: String, why: String },
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
    #[error("{what} {url}: {why}")]
    Transport {
        what: &'static str,
        url: String,
        why: String,
    },
    #[error("cannot verify the certificate of {url}: {why}")]
    Certificate { url: String, why: String },
    #[error("the server answered HTTP {status}{}{}", retry_hint(.retry_after), excerpt_suffix(.excerpt))]
    ServerTrouble {
        status: u16,
        retry_after: Option<String>,
        excerpt: String,
    },
    #[error("the server said {error}{} (HTTP {status})", description_suffix(.description))]
    OAuth {
        status: u16,
        error: String,
        description: Option<String>,
    },
    #[error(
        "the server answered HTTP {status} with a redirect to {location}; redirects are not followed on token requests"
    )]
    Redirect { status: u16, location: String },
    #[error("not a valid token response (HTTP {status}, {content_type}): {why}{}", excerpt_suffix(.excerpt))]
    InvalidResponse {
        status: u16,
        content_type: String,
        why: String,
        excerpt: String,
    },
}

impl HttpError {
    /// The OAuth `error` code, when the server sent one.
    pub fn oauth_error(&self) -> Option<&str> {
        match self {
            HttpError::OAuth { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether the failure is on the way (network, 5xx, 429): worth trying again later.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            HttpError::Transport { .. }
                | HttpError::Certificate { .. }
                | HttpError::ServerTrouble { .. }
        )
    }

    /// Whether the request never left because a setting is wrong (URL, CA file).
    pub fn is_bad_setting(&self) -> bool {
        matches!(
            self,
            HttpError::InvalidUrl { .. }
                | HttpError::InsecureUrl { .. }
                | HttpError::CaCertificates { .. }
        )
    }
}

fn retry_hint(retry_after: &Option<String>) -> String {
    retry_after
        .as_ref()
        .map(|value| format!(", retry after {value}"))
        .unwrap_or_default()
}

fn excerpt_suffix(excerpt: &str) -> String {
    if excerpt.is_empty() {
        String::new()
    } else {
        format!(": {excerpt}")
    }
}

fn description_suffix(description: &Option<String>) -> String {
    description
        .as_ref()
        .map(|text| format!(": {text}"))
        .unwrap_or_default()
}

/// Options of the client, from the settings.
#[derive(Debug, Clone, Copy)]
pub struct HttpOptions<'a> {
    pub timeout: Duration,
    pub cacert: Option<&'a Path>,
    pub verbose: bool,
}

/// The one HTTP client.
pub struct HttpClient {
    client: Client,
    verbose: bool,
}

impl HttpClient {
    /// Builds the client: rustls with the system roots plus `cacert`, no redirects, timeouts,
    /// proxies from the environment.
    pub fn new(options: HttpOptions<'_>) -> Result<Self, HttpError> {
        let mut builder = Client::builder()
            .user_agent(concat!("amtoken/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(options.timeout)
            .timeout(options.timeout)
            .https_only(false);
        if let Some(path) = options.cacert {
            let ca_error = |why: String| HttpError::CaCertificates {
                path: path.display().to_string(),
                why,
            };
            let pem = std::fs::read(path).map_err(|error| ca_error(error.to_string()))?;
            let certificates = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|error| ca_error(error.to_string()))?;
            if certificates.is_empty() {
                return Err(ca_error("no PEM certificate in the file".into()));
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let client = builder
            .build()
            .map_err(|error| HttpError::Setup(error_chain(&error)))?;
        Ok(HttpClient {
            client,
            verbose: options.verbose,
        })
    }

    /// POSTs a token request (RFC 6749 §4.1.3, §6) and reads the answer.
    pub fn request_token(
        &self,
        token_url: &str,
        client: &ClientCredentials,
        grant: &Grant<'_>,
    ) -> Result<TokenReply, HttpError> {
        let url = check_url(token_url)?;
        let mut form: Vec<(&str, &str)> = Vec::new();
        let mut secrets: Vec<&str> = Vec::new();
        match grant {
            Grant::AuthorizationCode {
                code,
                redirect_uri,
                code_verifier,
            } => {
                form.push(("grant_type", "authorization_code"));
                form.push(("code", code.expose()));
                form.push(("redirect_uri", redirect_uri));
                secrets.push(code.expose());
                if let Some(verifier) = code_verifier {
                    form.push(("code_verifier", verifier.expose()));
                    secrets.push(verifier.expose());
                }
            }
            Grant::RefreshToken { refresh_token } => {
                form.push(("grant_type", "refresh_token"));
                form.push(("refresh_token", refresh_token.expose()));
                secrets.push(refresh_token.expose());
            }
        }
        let mut request = self
            .client
            .post(url.clone())
            .header(ACCEPT, "application/json");
        match (&client.client_secret, client.method) {
            (Some(secret), ClientAuthMethod::Basic) => {
                request = request.header(
                    AUTHORIZATION,
                    basic_authorization(&client.client_id, secret.expose()),
                );
                secrets.push(secret.expose());
            }
            (Some(secret), ClientAuthMethod::Post) => {
                form.push(("client_id", &client.client_id));
                form.push(("client_secret", secret.expose()));
                secrets.push(secret.expose());
            }
            (None, _) => form.push(("client_id", &client.client_id)),
        }
        let response = self.send(request.form(&form), "POST", &url)?;
        read_token_reply(response, &secrets)
    }

    fn send(
        &self,
        request: reqwest::blocking::RequestBuilder,
        method: &str,
        url: &Url,
    ) -> Result<Response, HttpError> {
        let started = Instant::now();
        let result = request.send();
        if self.verbose {
            let elapsed = started.elapsed().as_millis();
            let outcome = match &result {
                Ok(response) => response.status().to_string(),
                Err(error) => format!("failed: {}", transport_what(error)),
            };
            eprintln!("amtoken: {method} {url} -> {outcome} ({elapsed} ms)");
        }
        result.map_err(|error| {
            let why = error_chain(&error);
            // rustls says "invalid peer certificate: …"; reqwest has no typed TLS error.
            if why.contains("certificate") {
                HttpError::Certificate {
                    url: url.to_string(),
                    why,
                }
            } else {
                HttpError::Transport {
                    what: transport_what(&error),
                    url: url.to_string(),
                    why,
                }
            }
        })
    }
}

/// Parses `text` and refuses plain http to anything but loopback.
pub fn check_url(text: &str) -> Result<Url, HttpError> {
    let url = Url::parse(text).map_err(|error| HttpError::InvalidUrl {
        url: text.to_string(),
        why: error.to_string(),
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(HttpError::InsecureUrl {
            url: text.to_string(),
        }),
        other => Err(HttpError::InvalidUrl {
            url: text.to_string(),
            why: format!("unsupported scheme {other:?}, expected https"),
        }),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// RFC 6749 §2.3.1: both parts form-urlencoded, then base64.
fn basic_authorization(client_id: &str, secret: &str) -> String {
    let encode =
        |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    let pair = format!("{}:{}", encode(client_id), encode(secret));
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

fn transport_what(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timed out waiting for"
    } else if error.is_connect() {
        "cannot connect to"
    } else {
        "request failed to"
    }
}

/// The error and its sources on one line, without reqwest's repeated URL.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = error.source();
    while let Some(cause) = current {
        let text = cause.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        current = cause.source();
    }
    if parts.is_empty() {
        parts.push(error.to_string());
    }
    parts.join(": ")
}

/// Reads a token endpoint's answer and classifies it.
fn read_token_reply(response: Response, secrets: &[&str]) -> Result<TokenReply, HttpError> {
    let status = response.status();
    let headers = response.headers().clone();
    let header = |name| {
        headers
            .get(name)
            .and_then(|value: &reqwest::header::HeaderValue| value.to_str().ok())
            .map(str::to_string)
    };
    let content_type = header(CONTENT_TYPE).unwrap_or_else(|| "no content type".into());
    if status.is_redirection() {
        return Err(HttpError::Redirect {
            status: status.as_u16(),
            location: header(LOCATION).unwrap_or_else(|| "nowhere".into()),
        });
    }
    let body = read_capped(response).map_err(|why| HttpError::InvalidResponse {
        status: status.as_u16(),
        content_type: content_type.clone(),
        why,
        excerpt: String::new(),
    })?;
    let invalid = |why: String| HttpError::InvalidResponse {
        status: status.as_u16(),
        content_type: content_type.clone(),
        why,
        excerpt: excerpt(&body, secrets),
    };
    let json: Option<Map<String, Value>> = serde_json::from_slice(&body).ok();

    if status.is_server_error() || status.as_u16() == 429 {
        return Err(HttpError::ServerTrouble {
            status: status.as_u16(),
            retry_after: header(RETRY_AFTER),
            excerpt: json
                .as_ref()
                .and_then(|object| object.get("error").and_then(Value::as_str))
                .map(|error| sanitize(error, secrets))
                .unwrap_or_else(|| excerpt(&body, secrets)),
        });
    }
    if !status.is_success() {
        return match json
            .as_ref()
            .and_then(|object| object.get("error").and_then(Value::as_str))
        {
            Some(error) => Err(HttpError::OAuth {
                status: status.as_u16(),
                error: sanitize(error, secrets),
                description: json
                    .as_ref()
                    .and_then(|object| object.get("error_description"))
                    .and_then(Value::as_str)
                    .map(|text| sanitize(text, secrets)),
            }),
            None => Err(invalid(format!(
                "HTTP {status} without an OAuth error object"
            ))),
        };
    }
    let Some(mut object) = json else {
        return Err(invalid("the body is not a JSON object".into()));
    };
    let refresh_token = match object.remove("refresh_token") {
        Some(Value::String(token)) if !token.is_empty() => Some(Secret::new(token)),
        _ => None,
    };
    let tokens = parse_token_response(object).map_err(invalid);
    Ok(TokenReply {
        refresh_token,
        tokens,
    })
}

fn read_capped(response: Response) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    response
        .take(MAX_RESPONSE_BYTES + 1)
        .read_to_end(&mut body)
        .map_err(|error| format!("cannot read the body: {}", error_chain(&error)))?;
    if body.len() as u64 > MAX_RESPONSE_BYTES {
        return Err(format!(
            "the body is larger than {} KiB",
            MAX_RESPONSE_BYTES / 1024
        ));
    }
    Ok(body)
}

#[derive(Deserialize)]
struct TokenFields {
    access_token: String,
    token_type: String,
    #[serde(default, deserialize_with = "seconds")]
    expires_in: Option<i64>,
    #[serde(default, deserialize_with = "scope_text")]
    scope: Option<String>,
}

fn parse_token_response(object: Map<String, Value>) -> Result<TokenResponse, String> {
    let mut extra = object.clone();
    let fields: TokenFields =
        serde_path_to_error::deserialize(Value::Object(object)).map_err(|error| {
            match error.path().to_string().as_str() {
                "." => error.inner().to_string(),
                path => format!("field {path}: {}", error.inner()),
            }
        })?;
    if fields.access_token.is_empty() {
        return Err("field access_token is empty".into());
    }
    if !fields.token_type.eq_ignore_ascii_case("bearer") {
        return Err(format!(
            "token_type is {:?}, expected Bearer",
            fields.token_type
        ));
    }
    for known in ["access_token", "token_type", "expires_in", "scope"] {
        extra.remove(known);
    }
    Ok(TokenResponse {
        access_token: Secret::new(fields.access_token),
        token_type: fields.token_type,
        expires_in: fields.expires_in,
        scope: fields.scope,
        extra,
    })
}

/// `expires_in` as a number, or a string of digits as some servers send it.
fn seconds<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    use serde::de::Error as _;
    match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => number
            .as_i64()
            .or_else(|| number.as_f64().map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| D::Error::custom("expected a number of seconds")),
        Some(Value::String(text)) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom("expected a number of seconds")),
        Some(_) => Err(D::Error::custom("expected a number of seconds")),
    }
}

/// `scope` as a space-separated string, or an array of strings.
fn scope_text<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    use serde::de::Error as _;
    match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .map(|scopes| Some(scopes.join(" ")))
            .ok_or_else(|| D::Error::custom("expected strings")),
        Some(_) => Err(D::Error::custom("expected a string")),
    }
}

/// A short, printable excerpt of a body, with secrets blotted out before it is cut (so no
/// prefix of one survives).
fn excerpt(body: &[u8], secrets: &[&str]) -> String {
    let text = String::from_utf8_lossy(body);
    let squeezed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let clean = sanitize(&squeezed, secrets);
    let mut short: String = clean.chars().take(EXCERPT_CHARS).collect();
    if clean.chars().count() > EXCERPT_CHARS {
        short.push('…');
    }
    short
}

/// Control characters become spaces; what we sent, and the values of token fields the server
/// sent (even in a body too broken to parse), become `<redacted>`.
fn sanitize(text: &str, secrets: &[&str]) -> String {
    let mut clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    for secret in secrets.iter().filter(|secret| secret.len() >= 4) {
        clean = clean.replace(secret, REDACTED);
    }
    for field in ["access_token", "refresh_token", "id_token"] {
        clean = redact_field(&clean, field);
    }
    clean
}

const REDACTED: &str = "<redacted>";

/// Replaces the string value of every `"field": "…"` in `text` (up to the closing quote, or
/// the end of a truncated body).
fn redact_field(text: &str, field: &str) -> String {
    let key = format!("\"{field}\"");
    let mut out = text.to_string();
    let mut from = 0;
    while let Some(found) = out[from..].find(&key) {
        let after_key = from + found + key.len();
        let value = out[after_key..]
            .trim_start()
            .strip_prefix(':')
            .map(str::trim_start)
            .and_then(|rest| rest.strip_prefix('"'));
        from = match value {
            Some(inner) => {
                let start = out.len() - inner.len();
                let end = inner.find('"').map_or(out.len(), |end| start + end);
                out.replace_range(start..end, REDACTED);
                start + REDACTED.len()
            }
            None => after_key,
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_may_use_plain_http() {
        for ok in [
            "https://identity.approvalmax.com/connect/token",
            "http://127.0.0.1:8080/token",
            "http://127.1.2.3/token",
            "http://[::1]:9/token",
            "http://localhost/token",
            "http://LOCALHOST:1/token",
        ] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
        for insecure in [
            "http://identity.approvalmax.com/connect/token",
            "http://localhost.evil.example/token",
            "http://10.0.0.1/token",
        ] {
            assert!(
                matches!(check_url(insecure), Err(HttpError::InsecureUrl { .. })),
                "{insecure}"
            );
        }
        for invalid in ["ftp://example.com/", "not a url", ""] {
            assert!(
                matches!(check_url(invalid), Err(HttpError::InvalidUrl { .. })),
                "{invalid}"
            );
        }
    }

    #[test]
    fn basic_credentials_are_form_encoded_first() {
        // RFC 6749 §2.3.1: "a:b c" becomes "a%3Ab+c" before base64.
        let header = basic_authorization("id:1", "a:b c");
        let encoded = header.strip_prefix("Basic ").unwrap();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap();
        assert_eq!(String::from_utf8(decoded).unwrap(), "id%3A1:a%3Ab+c");
    }

    #[test]
    fn token_responses_are_checked_field_by_field() {
        let parse = |text: &str| {
            parse_token_response(serde_json::from_str(text).unwrap()).map(|r| {
                (
                    r.access_token.expose().to_string(),
                    r.expires_in,
                    r.scope,
                    r.extra.keys().cloned().collect::<Vec<_>>(),
                )
            })
        };
        assert_eq!(
            parse(
                r#"{"access_token":"a","token_type":"bearer","expires_in":"60","scope":["x","y"],"id_token":"i"}"#
            ),
            Ok((
                "a".into(),
                Some(60),
                Some("x y".into()),
                vec!["id_token".into()]
            ))
        );
        assert_eq!(
            parse(r#"{"token_type":"Bearer"}"#),
            Err("missing field `access_token`".into())
        );
        assert_eq!(
            parse(r#"{"access_token":"a","token_type":"DPoP"}"#),
            Err("token_type is \"DPoP\", expected Bearer".into())
        );
        assert!(
            parse(r#"{"access_token":"a","token_type":"Bearer","expires_in":true}"#)
                .unwrap_err()
                .starts_with("field expires_in:")
        );
    }

    #[test]
    fn excerpts_are_short_printable_and_never_show_what_we_sent() {
        let body = "<html>\n<body>oops refresh-token-value\u{7}</body></html>".repeat(10);
        let text = excerpt(body.as_bytes(), &["refresh-token-value"]);
        assert!(!text.contains("refresh-token-value"));
        assert!(text.contains("<redacted>"));
        assert!(!text.contains('\n') && !text.contains('\u{7}'));
        assert!(text.chars().count() <= EXCERPT_CHARS + 1);
    }

    #[test]
    fn token_values_in_a_body_are_redacted_even_when_it_is_cut_short() {
        let cases = [
            (
                r#"{"refresh_token":"rt-secret","token_type":"Bearer"}"#,
                r#"{"refresh_token":"<redacted>","token_type":"Bearer"}"#,
            ),
            (
                r#"{"access_token" : "at-secret", "id_token":"id-secret"}"#,
                r#"{"access_token" : "<redacted>", "id_token":"<redacted>"}"#,
            ),
            (
                r#"{"refresh_token":"rt-cut-off"#,
                r#"{"refresh_token":"<redacted>"#,
            ),
            (r#"{"refresh_token":null}"#, r#"{"refresh_token":null}"#),
            ("no tokens here", "no tokens here"),
        ];
        for (body, expected) in cases {
            assert_eq!(sanitize(body, &[]), expected, "{body}");
        }
        let long = format!(
            r#"{{"pad":"{}","refresh_token":"rt-secret-value"}}"#,
            "x".repeat(140)
        );
        assert!(!excerpt(long.as_bytes(), &[]).contains("rt-sec"));
    }
}
