//! The answers of `serve`: who may ask (access), which path (`/token`, `/header`), the token or
//! the failure as JSON, each bounded in time, one `-v` line per request — never a token.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use chrono::Utc;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use super::access::{Access, Refusal};
use super::metrics::Metrics;
use super::tokens::Tokens;
use crate::cli::LogFormat;
use crate::error::Kind;
use crate::keeper::Failure;
use crate::output;
use crate::text::{printable, rfc3339};
use crate::token::AccessToken;

/// What every request handler shares.
pub struct Context {
    pub access: Access,
    pub tokens: Tokens,
    pub metrics: Arc<Metrics>,
    /// The longest a request may take: a refresh under the lock, plus slack.
    pub request_limit: Duration,
    /// With `-v`: one line per request, in this format.
    pub log: Option<LogFormat>,
}

/// Answers one request, within the request limit, and logs it with `-v`.
pub async fn handle(
    request: Request<Incoming>,
    context: &Context,
    authenticated: Option<&AtomicBool>,
) -> Response<Full<Bytes>> {
    let started = Instant::now();
    let response = match tokio::time::timeout(
        context.request_limit,
        respond(&request, context, authenticated),
    )
    .await
    {
        Ok(response) => response,
        Err(_) => problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            &format!("no token within {}s", context.request_limit.as_secs()),
        ),
    };
    context
        .metrics
        .request(request.uri().path(), response.status().as_u16());
    if let Some(format) = context.log {
        let path: String = printable(request.uri().path()).chars().take(200).collect();
        let latency = started.elapsed().as_secs_f64() * 1000.0;
        let line = request_line(
            format,
            request.method().as_str(),
            &path,
            response.status().as_u16(),
            latency,
            Utc::now(),
        );
        match format {
            LogFormat::Text => output::note(line),
            LogFormat::Json => output::log_line(&line),
        }
    }
    response
}

async fn respond(
    request: &Request<Incoming>,
    context: &Context,
    authenticated: Option<&AtomicBool>,
) -> Response<Full<Bytes>> {
    let headers = request.headers();
    let host = headers.get(header::HOST).map(HeaderValue::as_bytes);
    let authorization = headers
        .get(header::AUTHORIZATION)
        .map(HeaderValue::as_bytes);
    let path = request.uri().path();
    // Health and readiness are for probes that hold no secret; they show no token.
    let checked = if matches!(path, "/healthz" | "/readyz") {
        context.access.check_host(host)
    } else {
        context.access.check(host, authorization)
    };
    match checked {
        Ok(()) => {
            // The connection has shown the secret: out of the unauthenticated budget.
            if let Some(authenticated) = authenticated {
                authenticated.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }
        Err(Refusal::ForeignHost) => {
            return problem(
                StatusCode::MISDIRECTED_REQUEST,
                "misdirected_request",
                "the Host header must be the loopback address served",
            );
        }
        Err(Refusal::Unauthorized) => {
            let mut response = problem(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "a missing or wrong bearer secret",
            );
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"amtoken serve\""),
            );
            return response;
        }
    }
    let has_body = headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .is_some_and(|length| length.as_bytes() != b"0");
    let route = match path {
        "/token" => Route::Token(token_json),
        "/header" => Route::Token(header_line),
        "/healthz" => Route::Health,
        "/readyz" => Route::Ready,
        "/metrics" => Route::Metrics,
        _ => {
            return problem(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such path: GET /token, /header, /healthz, /readyz or /metrics",
            );
        }
    };
    if request.method() != Method::GET {
        let mut response = problem(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "only GET is served",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET"));
        return response;
    }
    if has_body {
        return problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "a GET here carries no body",
        );
    }
    match route {
        Route::Token(render) => match context.tokens.get().await {
            Ok(token) => render(&token),
            Err(failure) => failed(&failure),
        },
        Route::Health => reply(
            StatusCode::OK,
            "application/json",
            "{\"status\":\"serving\"}\n".to_string(),
        ),
        Route::Ready => match context.tokens.ready() {
            Ok(()) => reply(
                StatusCode::OK,
                "application/json",
                "{\"status\":\"ready\"}\n".to_string(),
            ),
            Err(failure) => problem(
                StatusCode::SERVICE_UNAVAILABLE,
                failure.kind.name(),
                &failure.message,
            ),
        },
        Route::Metrics => reply(
            StatusCode::OK,
            "text/plain; version=0.0.4; charset=utf-8",
            context.metrics.render(),
        ),
    }
}

/// What a path asks for.
enum Route {
    /// A token, rendered so.
    Token(fn(&AccessToken) -> Response<Full<Bytes>>),
    Health,
    Ready,
    Metrics,
}

fn token_json(token: &AccessToken) -> Response<Full<Bytes>> {
    let body = serde_json::json!({
        "access_token": token.access_token.expose(),
        "token_type": token.token_type,
        "expires_in": token.seconds_left(Utc::now()).max(0),
        "expires_at": rfc3339(token.expires_at),
    });
    reply(StatusCode::OK, "application/json", body.to_string() + "\n")
}

fn header_line(token: &AccessToken) -> Response<Full<Bytes>> {
    reply(
        StatusCode::OK,
        "text/plain; charset=utf-8",
        format!("Authorization: Bearer {}\n", token.access_token.expose()),
    )
}

/// A session failure: 503 (with Retry-After) when asking again later may help by itself, 502
/// when the authorization server or the stored login needs a person.
fn failed(failure: &Failure) -> Response<Full<Bytes>> {
    let transient = matches!(
        failure.kind,
        Kind::Network | Kind::StoreUnavailable | Kind::LockTimeout
    );
    let status = if transient {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::BAD_GATEWAY
    };
    let mut response = problem(status, failure.kind.name(), &failure.message);
    if let Some(after) = failure.retry_after.filter(|_| transient) {
        let seconds = after.as_secs() + u64::from(after.subsec_nanos() > 0);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    }
    response
}

/// `{"error": name, "message": …}`.
fn problem(status: StatusCode, name: &str, message: &str) -> Response<Full<Bytes>> {
    let body = serde_json::json!({ "error": name, "message": message });
    reply(status, "application/json", body.to_string() + "\n")
}

fn reply(status: StatusCode, content_type: &'static str, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// One `-v` request line: `serve: GET /token 200 0.1ms`, or a JSON object for log shippers
/// (`{"time", "method", "path", "status", "latency_ms"}`). Never a header, never a token.
fn request_line(
    format: LogFormat,
    method: &str,
    path: &str,
    status: u16,
    latency_ms: f64,
    at: chrono::DateTime<Utc>,
) -> String {
    match format {
        LogFormat::Text => format!("serve: {method} {path} {status} {latency_ms:.1}ms"),
        LogFormat::Json => serde_json::json!({
            "time": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "method": method,
            "path": path,
            "status": status,
            "latency_ms": (latency_ms * 1000.0).round() / 1000.0,
        })
        .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_lines_in_text_and_json_never_carry_more_than_the_path() {
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 250_000_000).unwrap();
        assert_eq!(
            request_line(LogFormat::Text, "GET", "/token", 200, 0.123, at),
            "serve: GET /token 200 0.1ms"
        );
        let json: serde_json::Value = serde_json::from_str(&request_line(
            LogFormat::Json,
            "GET",
            "/readyz",
            503,
            1.5,
            at,
        ))
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "time": "2027-01-15T08:00:00.250Z", "method": "GET", "path": "/readyz",
                "status": 503, "latency_ms": 1.5
            })
        );
    }
}
