//! The ApprovalMax API client over the transport: where a PATH goes (never to another origin),
//! the request `amtoken api` sends, the call — one fresh token and one retry on 401, Retry-After
//! on 429/503 —, pages of `{payload, continuationToken}`, and the one-line summary of an
//! ASP.NET ProblemDetails error.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use url::Url;

use crate::http::{self, HttpError, Method, Reply, Request, StatusCode, Transport, header};
use crate::output;
use crate::secret::Secret;
use crate::token::AccessToken;

/// How often and how long to wait on 429 and 503.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub retries: u32,
    pub max_wait: Duration,
}

/// Sends `request` with `token`. On a 401, `fresh_token` is asked once for a token other than
/// the refused one (it may find that another process already replaced it) and the request is
/// sent again; `token` then holds the new one. 429 and 503 are waited out as `policy` allows.
/// The answer is returned whatever its status: the caller shows it.
pub fn call<E: From<ApiError>>(
    transport: &Transport,
    request: &ApiRequest,
    token: &mut AccessToken,
    policy: RetryPolicy,
    mut fresh_token: impl FnMut(&Secret) -> Result<AccessToken, E>,
) -> Result<Reply, E> {
    let mut refreshed = false;
    let mut retries = 0;
    let mut waited = Duration::ZERO;
    // Without Retry-After: 1 s, 2 s, 4 s, … (as said on stderr, so unspread).
    let mut backoff =
        crate::backoff::Backoff::new(Duration::from_secs(1), Duration::from_secs(64)).exact();
    loop {
        let reply = request.send(transport, &token.access_token)?;
        if reply.status == StatusCode::UNAUTHORIZED && !refreshed {
            refreshed = true;
            *token = fresh_token(&token.access_token)?;
            continue;
        }
        if !request.may_retry(reply.status) || retries >= policy.retries {
            return Ok(reply);
        }
        let fallback = backoff.next_wait();
        let wait = retry_after(&reply, Utc::now()).unwrap_or(fallback);
        if waited.saturating_add(wait) > policy.max_wait {
            output::note(format_args!(
                "{} asks to wait {}s more, past --max-wait {}s: giving up",
                reply.status,
                wait.as_secs(),
                policy.max_wait.as_secs()
            ));
            return Ok(reply);
        }
        retries += 1;
        output::note(format_args!(
            "{}; waiting {}s before retry {retries} of {}",
            reply.status,
            wait.as_secs(),
            policy.retries
        ));
        std::thread::sleep(wait);
        waited = waited.saturating_add(wait);
    }
}

/// Largest response read; more is refused.
pub const MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

/// Why an API call failed before or instead of an answer amtoken can show.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Http(HttpError),
    #[error("invalid API URL {url:?}: {why}")]
    BadBase { url: String, why: String },
    #[error("refusing to send the token to {url}: only {base} may have it")]
    OtherOrigin { url: String, base: String },
    #[error("invalid path {path:?}: {why}")]
    BadPath { path: String, why: String },
    #[error("the answer is larger than 16 MiB")]
    TooLarge,
    #[error(
        "the server answered HTTP {status} with a redirect to {location}; redirects are not followed"
    )]
    Redirect { status: u16, location: String },
    #[error("page {page} is not a JSON object with a payload array: {why}")]
    NotAPage { page: usize, why: String },
    #[error(
        "page {page}: the server sent a continuationToken it had sent before ({token:?}); stopping so as not to loop"
    )]
    RepeatedToken { page: usize, token: String },
    #[error("stopped after {limit} pages (--max-pages) with more to come")]
    TooManyPages { limit: usize },
    #[error("{what} answered {summary}")]
    Refused { what: String, summary: String },
}

impl From<HttpError> for ApiError {
    fn from(error: HttpError) -> Self {
        match error {
            HttpError::TooLarge { .. } => ApiError::TooLarge,
            other => ApiError::Http(other),
        }
    }
}

/// The API base and how a PATH resolves against it.
#[derive(Debug, Clone)]
pub struct ApiBase {
    base: Url,
}

impl ApiBase {
    /// The configured base URL: HTTPS, or plain http to loopback.
    pub fn new(base: &str) -> Result<Self, ApiError> {
        let base = http::check_url(base).map_err(ApiError::Http)?;
        if base.cannot_be_a_base() || base.host().is_none() {
            return Err(ApiError::BadBase {
                url: base.to_string(),
                why: "it has no host".into(),
            });
        }
        Ok(ApiBase { base })
    }

    /// `/ping` is from the base's root, `companies` is `/api/v1/companies`, and a full URL is
    /// taken only when its scheme, host and port are the base's.
    pub fn resolve(&self, path: &str) -> Result<Url, ApiError> {
        let bad = |why: String| ApiError::BadPath {
            path: path.to_string(),
            why,
        };
        if path.contains("://") {
            let url = Url::parse(path).map_err(|error| bad(error.to_string()))?;
            if url.origin() != self.base.origin() {
                return Err(ApiError::OtherOrigin {
                    url: url.origin().ascii_serialization(),
                    base: self.base.origin().ascii_serialization(),
                });
            }
            return Ok(url);
        }
        if path.is_empty() || path.starts_with("//") {
            return Err(bad("expected /PATH, PATH or a URL of the API".into()));
        }
        let relative = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/api/v1/{path}")
        };
        let url = self
            .base
            .join(&relative)
            .map_err(|error| bad(error.to_string()))?;
        // `join` keeps the origin for a path; a check costs nothing and keeps the promise.
        if url.origin() != self.base.origin() {
            return Err(ApiError::OtherOrigin {
                url: url.origin().ascii_serialization(),
                base: self.base.origin().ascii_serialization(),
            });
        }
        Ok(url)
    }
}

/// One API request, sent again as it is on a retry.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub method: Method,
    pub url: Url,
    /// Extra headers, as the user gave them.
    pub headers: Vec<(header::HeaderName, String)>,
    pub body: Option<Vec<u8>>,
}

impl ApiRequest {
    /// Sends the request with `token`: `Authorization: Bearer`, `Accept: application/json`.
    pub fn send(&self, transport: &Transport, token: &Secret) -> Result<Reply, ApiError> {
        let mut request =
            Request::new(self.method.clone(), self.url.clone(), MAX_RESPONSE_BYTES)
                .secret_header(header::AUTHORIZATION, &format!("Bearer {}", token.expose()))?;
        let has = |name: &header::HeaderName| self.headers.iter().any(|(given, _)| given == name);
        if !has(&header::ACCEPT) {
            request = request.header(header::ACCEPT, "application/json")?;
        }
        if self.body.is_some() && !has(&header::CONTENT_TYPE) {
            request = request.header(header::CONTENT_TYPE, "application/json")?;
        }
        for (name, value) in &self.headers {
            request = request.header(name.clone(), value)?;
        }
        if let Some(body) = &self.body {
            request = request.body(body.clone());
        }
        let reply = transport.send(request)?;
        if reply.status.is_redirection() {
            return Err(ApiError::Redirect {
                status: reply.status.as_u16(),
                location: reply
                    .header(header::LOCATION)
                    .unwrap_or("nowhere")
                    .to_string(),
            });
        }
        Ok(reply)
    }

    /// Whether a failed attempt may be sent again on `status`: 429 always (the server did not
    /// act on it), 503 only for a request that changes nothing.
    pub fn may_retry(&self, status: StatusCode) -> bool {
        status == StatusCode::TOO_MANY_REQUESTS
            || (status == StatusCode::SERVICE_UNAVAILABLE
                && matches!(self.method, Method::GET | Method::HEAD | Method::OPTIONS))
    }
}

/// `GET /api/v1/companies` with `token` (`doctor --online`): how many organisations it
/// reaches, or what the API said.
pub fn probe_companies(
    transport: &Transport,
    api_url: &str,
    token: &crate::token::AccessToken,
) -> Result<String, ApiError> {
    let url = ApiBase::new(api_url)?.resolve("companies")?;
    let request = ApiRequest {
        method: Method::GET,
        url: url.clone(),
        headers: Vec::new(),
        body: None,
    };
    let reply = request.send(transport, &token.access_token)?;
    if !reply.status.is_success() {
        return Err(ApiError::Refused {
            what: format!("GET {url}"),
            summary: describe_error(&reply),
        });
    }
    let body: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
    let names: Vec<String> = body
        .as_array()
        .or_else(|| body.get("payload").and_then(Value::as_array))
        .map(|companies| {
            companies
                .iter()
                .map(|company| {
                    company
                        .get("name")
                        .or_else(|| company.get("companyId"))
                        .and_then(Value::as_str)
                        .map_or_else(|| "?".to_string(), crate::text::printable)
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(format!(
        "GET {url}: {} answered, {} organisation(s){}",
        reply.status,
        names.len(),
        if names.is_empty() {
            String::new()
        } else {
            format!(": {}", names.join(", "))
        }
    ))
}

/// How long Retry-After asks to wait: seconds (more than any clock holds: [`Duration::MAX`]),
/// or an HTTP date; `None` when absent or unreadable.
pub fn retry_after(reply: &Reply, now: DateTime<Utc>) -> Option<Duration> {
    let value = reply.header(header::RETRY_AFTER)?.trim();
    if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
        return Some(value.parse().map_or(Duration::MAX, Duration::from_secs));
    }
    let at = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

/// `400 Bad Request: <title>: <detail> (<error.code>)`, as far as a ProblemDetails body says.
pub fn describe_error(reply: &Reply) -> String {
    let status = reply.status;
    let mut parts = vec![
        format!(
            "{} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        )
        .trim_end()
        .to_string(),
    ];
    let problem: Option<Map<String, Value>> = serde_json::from_slice(&reply.body).ok();
    let text = |value: Option<&Value>| {
        value
            .and_then(Value::as_str)
            .map(crate::text::printable)
            .filter(|text| !text.trim().is_empty())
    };
    if let Some(problem) = &problem {
        parts.extend(text(problem.get("title")));
        parts.extend(text(problem.get("detail")));
    }
    let mut line = parts.join(": ");
    if let Some(code) = problem
        .as_ref()
        .and_then(|problem| problem.get("error"))
        .and_then(|error| error.get("code"))
        .filter(|code| !code.is_null())
    {
        let code = code
            .as_str()
            .map_or_else(|| code.to_string(), str::to_string);
        line.push_str(&format!(" ({code})"));
    }
    line
}

/// One page of a list: its items and the token of the next page, if any.
#[derive(Debug)]
pub struct Page {
    pub items: Vec<Value>,
    pub next: Option<String>,
}

/// Reads `{"payload": [...], "continuationToken": "..."}`; an absent, null or empty token ends
/// the walk.
pub fn read_page(body: &[u8], page: usize) -> Result<Page, ApiError> {
    let not_a_page = |why: String| ApiError::NotAPage { page, why };
    let mut object: Map<String, Value> =
        serde_json::from_slice(body).map_err(|error| not_a_page(error.to_string()))?;
    let items = match object.remove("payload") {
        Some(Value::Array(items)) => items,
        Some(_) => return Err(not_a_page("payload is not an array".into())),
        None => return Err(not_a_page("no payload".into())),
    };
    let next = match object.remove("continuationToken") {
        Some(Value::String(token)) if !token.is_empty() => Some(token),
        None | Some(Value::Null) | Some(Value::String(_)) => None,
        Some(other) => {
            return Err(not_a_page(format!(
                "continuationToken is {other}, not a string"
            )));
        }
    };
    Ok(Page { items, next })
}

/// A continuation token's SHA-256: what `--paginate` remembers of every token it followed,
/// however long the server makes them.
pub fn token_digest(token: &str) -> [u8; 32] {
    use sha2::{Digest as _, Sha256};
    Sha256::digest(token.as_bytes()).into()
}

/// A continuation token as an error shows it: its first 40 characters.
pub fn abbreviated(token: &str) -> String {
    match token.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &token[..end]),
        None => token.to_string(),
    }
}

/// `url` with `continuationToken` set to `token` (replacing one the user gave).
pub fn with_continuation(url: &Url, token: &str) -> Url {
    let mut next = url.clone();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(key, _)| key != "continuationToken")
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    next.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair("continuationToken", token);
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> ApiBase {
        ApiBase::new("https://public-api.approvalmax.com").unwrap()
    }

    #[test]
    fn paths_resolve_against_the_base_and_never_leave_its_origin() {
        let cases = [
            ("/ping", "https://public-api.approvalmax.com/ping"),
            (
                "companies",
                "https://public-api.approvalmax.com/api/v1/companies",
            ),
            (
                "companies/C1/requests?requestStatus=Approved",
                "https://public-api.approvalmax.com/api/v1/companies/C1/requests?requestStatus=Approved",
            ),
            (
                "https://public-api.approvalmax.com/api/v1/companies",
                "https://public-api.approvalmax.com/api/v1/companies",
            ),
        ];
        for (path, expected) in cases {
            assert_eq!(base().resolve(path).unwrap().as_str(), expected, "{path}");
        }
        for other in [
            "https://evil.example/api/v1/companies",
            "http://public-api.approvalmax.com/ping",
            "https://public-api.approvalmax.com:8443/ping",
        ] {
            assert!(
                matches!(base().resolve(other), Err(ApiError::OtherOrigin { .. })),
                "{other}"
            );
        }
        assert!(matches!(
            base().resolve("//evil.example/x"),
            Err(ApiError::BadPath { .. })
        ));
    }

    fn reply(status: u16, headers: &[(&str, &str)], body: &str) -> Reply {
        let mut map = header::HeaderMap::new();
        for (name, value) in headers {
            map.insert(
                header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        Reply {
            status: StatusCode::from_u16(status).unwrap(),
            headers: map,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn retry_after_takes_seconds_or_an_http_date() {
        let now = DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let wait = |value: &str| retry_after(&reply(429, &[("retry-after", value)], ""), now);
        assert_eq!(wait("7"), Some(Duration::from_secs(7)));
        assert_eq!(
            wait("Thu, 26 Nov 2026 10:00:30 GMT"),
            Some(Duration::from_secs(30))
        );
        assert_eq!(wait("Thu, 26 Nov 2026 09:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(wait("soon"), None);
        assert_eq!(wait("-1"), None);
        assert_eq!(wait("18446744073709551616"), Some(Duration::MAX));
        assert_eq!(retry_after(&reply(429, &[], ""), now), None);
    }

    #[test]
    fn problem_details_make_one_line() {
        let cases = [
            (
                reply(
                    400,
                    &[],
                    r#"{"type":"x","title":"Bad Request","status":400,"detail":"The C1 is disabled.","error":{"code":"CompanyDisabled","parameters":[]}}"#,
                ),
                "400 Bad Request: Bad Request: The C1 is disabled. (CompanyDisabled)",
            ),
            (reply(404, &[], ""), "404 Not Found"),
            (
                reply(500, &[], r#"{"title":"Oops\nbroken"}"#),
                "500 Internal Server Error: Oops broken",
            ),
        ];
        for (reply, expected) in cases {
            assert_eq!(describe_error(&reply), expected);
        }
    }

    #[test]
    fn pages_end_on_an_absent_null_or_empty_token() {
        let page = read_page(br#"{"payload":[1,2],"continuationToken":"abc"}"#, 1).unwrap();
        assert_eq!((page.items.len(), page.next.as_deref()), (2, Some("abc")));
        for last in [
            r#"{"payload":[]}"#,
            r#"{"payload":[],"continuationToken":null}"#,
            r#"{"payload":[],"continuationToken":""}"#,
        ] {
            assert_eq!(read_page(last.as_bytes(), 1).unwrap().next, None, "{last}");
        }
        assert!(read_page(b"[]", 3).is_err());
        assert!(read_page(br#"{"payload":{}}"#, 3).is_err());
    }

    #[test]
    fn the_continuation_token_replaces_one_given() {
        let url = Url::parse("https://h/api/v1/x?limit=10&continuationToken=old").unwrap();
        assert_eq!(
            with_continuation(&url, "a b").as_str(),
            "https://h/api/v1/x?limit=10&continuationToken=a+b"
        );
    }
}
