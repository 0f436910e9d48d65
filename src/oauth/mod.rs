//! OAuth 2.0 over the transport: token requests (RFC 6749 §4.1.3, §6) and their answers,
//! classified at the boundary; OAuth error codes as an enum; the callback URL. Knows nothing of
//! storage.

pub mod authorize;
pub mod callback;
pub mod discovery;
pub mod loopback;

use std::fmt;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::http::{self, HttpError, Method, Reply, Request, Transport, header};
use crate::secret::Secret;
use crate::text::printable;

/// Largest token-endpoint answer read; more is not a token response.
pub const MAX_TOKEN_RESPONSE_BYTES: u64 = 1024 * 1024;
const EXCERPT_CHARS: usize = 160;

/// An OAuth `error` code (RFC 6749 §5.2, §4.1.2.1; RFC 7009), compared in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    AccessDenied,
    UnsupportedResponseType,
    ServerError,
    TemporarilyUnavailable,
    UnsupportedTokenType,
    /// A code this list does not know, as the server spelled it (control characters removed).
    Other(String),
}

impl ErrorCode {
    /// The code as sent on the wire.
    pub fn parse(code: &str) -> ErrorCode {
        match code {
            "invalid_request" => ErrorCode::InvalidRequest,
            "invalid_client" => ErrorCode::InvalidClient,
            "invalid_grant" => ErrorCode::InvalidGrant,
            "unauthorized_client" => ErrorCode::UnauthorizedClient,
            "unsupported_grant_type" => ErrorCode::UnsupportedGrantType,
            "invalid_scope" => ErrorCode::InvalidScope,
            "access_denied" => ErrorCode::AccessDenied,
            "unsupported_response_type" => ErrorCode::UnsupportedResponseType,
            "server_error" => ErrorCode::ServerError,
            "temporarily_unavailable" => ErrorCode::TemporarilyUnavailable,
            "unsupported_token_type" => ErrorCode::UnsupportedTokenType,
            other => ErrorCode::Other(printable(other)),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidClient => "invalid_client",
            ErrorCode::InvalidGrant => "invalid_grant",
            ErrorCode::UnauthorizedClient => "unauthorized_client",
            ErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            ErrorCode::InvalidScope => "invalid_scope",
            ErrorCode::AccessDenied => "access_denied",
            ErrorCode::UnsupportedResponseType => "unsupported_response_type",
            ErrorCode::ServerError => "server_error",
            ErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
            ErrorCode::UnsupportedTokenType => "unsupported_token_type",
            ErrorCode::Other(code) => code,
        }
    }

    /// Whether the user must authorize again: the code or refresh token is dead, or the user
    /// (or the server on their behalf) refused.
    pub fn needs_reauthorization(&self) -> bool {
        matches!(self, ErrorCode::InvalidGrant | ErrorCode::AccessDenied)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    pub tokens: Result<TokenResponse, OAuthError>,
    /// When the request was sent: `expires_in` counts from no earlier than this (RFC 6749
    /// §5.1 counts it from the response, which the network may have delayed).
    pub requested_at: DateTime<Utc>,
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

/// Why a token request failed.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// No answer: the transport failed (or a setting kept the request from leaving).
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("the server answered HTTP {status}{}{}", retry_hint(.retry_after), suffix(.excerpt))]
    ServerTrouble {
        status: u16,
        retry_after: Option<String>,
        excerpt: String,
    },
    #[error("the server said {code}{} (HTTP {status})", description_suffix(.description))]
    Refused {
        status: u16,
        code: ErrorCode,
        description: Option<String>,
    },
    #[error(
        "the server answered HTTP {status} with a redirect to {location}; redirects are not followed on token requests"
    )]
    Redirect { status: u16, location: String },
    #[error("not a valid {what} at {url}: {why}")]
    InvalidDocument {
        what: &'static str,
        url: String,
        why: String,
    },
    #[error("not a valid token response (HTTP {status}, {content_type}): {why}{}", suffix(.excerpt))]
    InvalidResponse {
        status: u16,
        content_type: String,
        why: String,
        excerpt: String,
    },
}

impl OAuthError {
    /// The OAuth error code, when the server sent one.
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            OAuthError::Refused { code, .. } => Some(code),
            _ => None,
        }
    }
}

fn retry_hint(retry_after: &Option<String>) -> String {
    retry_after
        .as_ref()
        .map(|value| format!(", retry after {value}"))
        .unwrap_or_default()
}

fn suffix(excerpt: &str) -> String {
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

/// The token endpoint of one client.
pub struct TokenEndpoint<'a> {
    pub transport: &'a Transport,
    pub url: &'a str,
    pub client: &'a ClientCredentials,
}

impl TokenEndpoint<'_> {
    /// POSTs a token request and reads the answer. Never retried: a refresh token is spent
    /// the moment the server reads the request.
    pub fn request(&self, grant: &Grant<'_>) -> Result<TokenReply, OAuthError> {
        let url = http::check_url(self.url)?;
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
        let request = authenticated_request(url, self.client, form, &mut secrets)?;
        let requested_at = Utc::now();
        let reply = self.transport.send(request)?;
        read_token_reply(reply, requested_at, &secrets)
    }
}

/// A revocation endpoint (RFC 7009) of one client.
pub struct RevocationEndpoint<'a> {
    pub transport: &'a Transport,
    pub url: &'a str,
    pub client: &'a ClientCredentials,
}

impl RevocationEndpoint<'_> {
    /// Revokes a refresh token; the server's 200 is success whether or not it knew the token.
    pub fn revoke_refresh_token(&self, token: &Secret) -> Result<(), OAuthError> {
        let url = http::check_url(self.url)?;
        let form = vec![
            ("token", token.expose()),
            ("token_type_hint", "refresh_token"),
        ];
        let mut secrets = vec![token.expose()];
        let request = authenticated_request(url, self.client, form, &mut secrets)?;
        let reply = self.transport.send(request)?;
        if reply.status.is_success() {
            return Ok(());
        }
        // The error shapes are the token endpoint's (RFC 7009 §2.2.1).
        match read_token_reply(reply, Utc::now(), &secrets) {
            Err(error) => Err(error),
            Ok(_) => Ok(()),
        }
    }
}

/// A form POST that carries the client's authentication (RFC 6749 §2.3.1): in the body for
/// client_secret_post, in a Basic header for client_secret_basic. What it sends in secret is
/// added to `secrets`, for redaction.
fn authenticated_request<'a>(
    url: url::Url,
    client: &'a ClientCredentials,
    mut form: Vec<(&'a str, &'a str)>,
    secrets: &mut Vec<&'a str>,
) -> Result<Request, OAuthError> {
    let mut request = Request::new(Method::POST, url, MAX_TOKEN_RESPONSE_BYTES)
        .header(header::ACCEPT, "application/json")?;
    match (&client.client_secret, client.method) {
        (Some(secret), ClientAuthMethod::Basic) => {
            request = request.secret_header(
                header::AUTHORIZATION,
                &basic_authorization(&client.client_id, secret.expose()),
            )?;
            secrets.push(secret.expose());
        }
        (Some(secret), ClientAuthMethod::Post) => {
            form.push(("client_id", &client.client_id));
            form.push(("client_secret", secret.expose()));
            secrets.push(secret.expose());
        }
        (None, _) => form.push(("client_id", &client.client_id)),
    }
    Ok(request.form(&form))
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

/// Classifies a token endpoint's answer.
pub(crate) fn read_token_reply(
    reply: Reply,
    requested_at: DateTime<Utc>,
    secrets: &[&str],
) -> Result<TokenReply, OAuthError> {
    let status = reply.status;
    let content_type = reply
        .header(header::CONTENT_TYPE)
        .unwrap_or("no content type")
        .to_string();
    if status.is_redirection() {
        return Err(OAuthError::Redirect {
            status: status.as_u16(),
            location: printable(reply.header(header::LOCATION).unwrap_or("nowhere")),
        });
    }
    let body = &reply.body;
    let invalid = |why: String| OAuthError::InvalidResponse {
        status: status.as_u16(),
        content_type: content_type.clone(),
        why,
        excerpt: excerpt(body, secrets),
    };
    let json: Option<Map<String, Value>> = serde_json::from_slice(body).ok();
    let error_code = json
        .as_ref()
        .and_then(|object| object.get("error").and_then(Value::as_str));

    if status.is_server_error() || status == http::StatusCode::TOO_MANY_REQUESTS {
        return Err(OAuthError::ServerTrouble {
            status: status.as_u16(),
            retry_after: reply.header(header::RETRY_AFTER).map(printable),
            excerpt: error_code
                .map(|error| sanitize(error, secrets))
                .unwrap_or_else(|| excerpt(body, secrets)),
        });
    }
    if !status.is_success() {
        return match error_code {
            Some(code) => Err(OAuthError::Refused {
                status: status.as_u16(),
                code: ErrorCode::parse(&sanitize(code, secrets)),
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
        requested_at,
    })
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
    // It goes into headers (`Authorization: Bearer …`, serve's /header) and shell lines
    // (`-o env`): a CR, LF, space or anything unprintable would let a bad server inject into
    // them. RFC 6750's b64token is narrower still; printable ASCII is what any server sends.
    if let Some(bad) = fields.access_token.chars().find(|c| !c.is_ascii_graphic()) {
        return Err(format!(
            "field access_token holds {}, not only printable ASCII",
            match bad {
                '\r' => "a carriage return".to_string(),
                '\n' => "a line feed".to_string(),
                ' ' => "a space".to_string(),
                other => format!("the character U+{:04X}", u32::from(other)),
            }
        ));
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
/// prefix of one survives). A JSON body is redacted by parsing it — the keys as the parser
/// reads them, whatever escapes spell them (`"refresh\u005ftoken"`) — and shown compact; a
/// body that does not parse is redacted as text, and not shown at all when it holds JSON
/// escapes that text matching could miss.
fn excerpt(body: &[u8], secrets: &[&str]) -> String {
    let text = match serde_json::from_slice::<Value>(body) {
        Ok(mut json) => {
            redact_json(&mut json, secrets);
            json.to_string()
        }
        Err(_) if body.windows(2).any(|pair| pair == b"\\u") => {
            return format!(
                "a body of {} bytes that is not JSON (not shown)",
                body.len()
            );
        }
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
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
    let mut clean = printable(text);
    for secret in secrets.iter().filter(|secret| secret.len() >= 4) {
        clean = clean.replace(secret, REDACTED);
    }
    for field in ["access_token", "refresh_token", "id_token"] {
        clean = redact_field(&clean, field);
    }
    clean
}

const REDACTED: &str = "<redacted>";

/// Blots out, anywhere in `value`, the value of every key that names a credential (`…token…`,
/// `…secret…`, `…password…`, `…assertion…`, `code`) and every string that is one we sent.
fn redact_json(value: &mut Value, secrets: &[&str]) {
    match value {
        Value::Object(object) => {
            for (key, item) in object.iter_mut() {
                let key = key.to_ascii_lowercase();
                let secret = ["token", "secret", "password", "assertion"]
                    .iter()
                    .any(|word| key.contains(word))
                    || key == "code";
                if secret && !item.is_null() {
                    *item = Value::String(REDACTED.into());
                } else {
                    redact_json(item, secrets);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| redact_json(item, secrets)),
        Value::String(text) if secrets.iter().any(|secret| text.contains(secret)) => {
            *text = REDACTED.into();
        }
        _ => {}
    }
}

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
    fn error_codes_round_trip_and_unknown_ones_are_kept() {
        for code in [
            "invalid_request",
            "invalid_client",
            "invalid_grant",
            "unauthorized_client",
            "unsupported_grant_type",
            "invalid_scope",
            "access_denied",
            "server_error",
        ] {
            assert_eq!(ErrorCode::parse(code).to_string(), code);
        }
        assert_eq!(
            ErrorCode::parse("weird\ncode"),
            ErrorCode::Other("weird code".into())
        );
        assert!(ErrorCode::InvalidGrant.needs_reauthorization());
        assert!(!ErrorCode::InvalidClient.needs_reauthorization());
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
        // Issue 27.15: nothing that could break a header or a shell line.
        assert_eq!(
            parse(r#"{"access_token":"a\r\nX-Injected: 1","token_type":"Bearer"}"#),
            Err("field access_token holds a carriage return, not only printable ASCII".into())
        );
        assert_eq!(
            parse(r#"{"access_token":"a b","token_type":"Bearer"}"#),
            Err("field access_token holds a space, not only printable ASCII".into())
        );
        assert_eq!(
            parse(r#"{"access_token":"a\u00e9","token_type":"Bearer"}"#),
            Err("field access_token holds the character U+00E9, not only printable ASCII".into())
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

    /// Issue 18: JSON may spell a key with escapes; the parser reads it as what it is.
    #[test]
    fn token_values_are_redacted_however_json_escapes_their_keys() {
        for body in [
            r#"{"refresh\u005ftoken":"rt-escaped-secret","token_type":"Bearer"}"#,
            r#"{"\u0061ccess_token":"rt-escaped-secret"}"#,
            r#"{"nested":{"Refresh_Token":"rt-escaped-secret"},"list":[{"id_token":"rt-escaped-secret"}]}"#,
            r#"{"token":"rt-escaped-secret"}"#,
        ] {
            let text = excerpt(body.as_bytes(), &[]);
            assert!(!text.contains("rt-escaped"), "{body}: {text}");
            assert!(text.contains(REDACTED), "{body}: {text}");
        }
        // Not JSON, with escapes text matching could miss: not shown at all.
        let broken = r#"{"refresh\u005ftoken":"rt-escaped-secret""#;
        assert_eq!(
            excerpt(broken.as_bytes(), &[]),
            format!(
                "a body of {} bytes that is not JSON (not shown)",
                broken.len()
            )
        );
        // What we sent, as a value under any key.
        let text = excerpt(br#"{"echo":"sent-secret-value"}"#, &["sent-secret-value"]);
        assert_eq!(text, r#"{"echo":"<redacted>"}"#);
    }
}
