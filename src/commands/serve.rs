//! `amtoken serve`: a token endpoint for processes that are not amtoken's children (containers,
//! daemons, SDKs), as cloud metadata servers are for their clouds. `GET /token` and
//! `GET /header` over a Unix socket or loopback TCP; HTTP/1.1 by hyper, request heads capped
//! in size and time, each answer bounded; one line per request with `-v`, never a token.

mod access;
mod listener;
mod tokens;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::cli::ServeArgs;
use crate::config::Settings;
use crate::error::{Context as _, Error, Kind, Result};
use crate::output;
use crate::store::CachedToken;
use crate::text::{printable, rfc3339};
use access::{Access, BearerSecret, Refusal};
use listener::Bound;
use tokens::{Failure, Tokens};

/// A request head (start line and headers) larger than this is 431.
const HEAD_LIMIT: usize = 16 * 1024;
/// A client must have sent its whole request head within this; else its connection is closed.
const HEAD_TIME: Duration = Duration::from_secs(10);
/// Connections served at once; more wait to be accepted.
const MAX_CONNECTIONS: usize = 1024;
/// On SIGTERM, how long requests already in progress may take to finish.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// What every request handler shares.
struct Context {
    access: Access,
    tokens: Tokens,
    /// The longest a request may take: a refresh under the lock, plus slack.
    request_limit: Duration,
    verbose: bool,
}

/// Runs `amtoken serve` until SIGTERM or SIGINT.
pub fn run(args: &ServeArgs, settings: &Settings) -> Result<()> {
    let (bound, access, secret) = match &args.listen {
        Some(text) => {
            let requested = listener::loopback_address(text)?;
            let bound = listener::bind_tcp(requested)?;
            let Bound::Tcp(tcp) = &bound else {
                unreachable!("bind_tcp binds TCP")
            };
            let address = tcp
                .local_addr()
                .map_err(|error| Error::new(Kind::Internal, error))?;
            let secret = match &args.secret_file {
                Some(file) => BearerSecret::read(file)?,
                None => {
                    BearerSecret::generate(&settings.paths.serve_secret_file(&settings.profile))?
                }
            };
            output::note(format!(
                "serve: listening on http://{address} (bearer secret in {})",
                secret.file.display()
            ));
            (
                bound,
                Access::loopback(address, &secret.secret),
                Some(secret),
            )
        }
        None => {
            let path = args
                .socket
                .clone()
                .unwrap_or_else(|| settings.paths.socket_file(&settings.profile));
            let bound = listener::bind_unix(&path)?;
            output::note(format!("serve: listening on {}", path.display()));
            (bound, Access::Socket, None)
        }
    };
    let threads = std::thread::available_parallelism().map_or(2, |count| count.get().min(4));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .map_err(|error| Error::new(Kind::Internal, error))
        .context("cannot start the server")?;
    let (tokens, worker) = tokens::source(args.min_ttl);
    let context = Arc::new(Context {
        access,
        tokens,
        request_limit: settings.timeout + settings.lock_timeout + Duration::from_secs(5),
        verbose: settings.verbose,
    });
    let stopped = std::thread::scope(|scope| {
        scope.spawn(|| worker.run(settings));
        // The last handle to the tokens goes with `context`: the worker then ends.
        runtime.block_on(accept_until_stopped(bound, context))
    });
    if let Some(secret) = secret.filter(|secret| secret.generated.is_some()) {
        // Still under its lock: no other serve can have written it meanwhile.
        let _ = std::fs::remove_file(&secret.file);
    }
    let signal = stopped
        .map_err(|error| Error::new(Kind::Internal, error))
        .context("the server failed")?;
    output::note(format!("serve: stopped ({signal})"));
    Ok(())
}

/// Accepts connections until SIGTERM or SIGINT, then lets those in progress finish (for a
/// few seconds at most). Answers which signal it was.
async fn accept_until_stopped(
    bound: Bound,
    context: Arc<Context>,
) -> std::io::Result<&'static str> {
    let mut stop = StopSignals::catch()?;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    // The socket file stays (and stays ours) until the listener is closed.
    let (listener, _socket_file) = match bound {
        Bound::Unix { listener, socket } => {
            listener.set_nonblocking(true)?;
            (
                Listener::Unix(tokio::net::UnixListener::from_std(listener)?),
                Some(socket),
            )
        }
        Bound::Tcp(listener) => {
            listener.set_nonblocking(true)?;
            (
                Listener::Tcp(tokio::net::TcpListener::from_std(listener)?),
                None,
            )
        }
    };
    let stopped_by = loop {
        let slot = tokio::select! {
            signal = stop.next() => break signal,
            slot = Arc::clone(&slots).acquire_owned() => slot,
        };
        let Ok(slot) = slot else { break "closed" };
        tokio::select! {
            signal = stop.next() => break signal,
            accepted = listener.accept(&context, &graceful) => match accepted {
                Ok(connection) => {
                    tokio::spawn(async move {
                        let _ = connection.await;
                        drop(slot);
                    });
                }
                // Out of file descriptors, a connection reset before it was accepted: pause.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
        }
    };
    drop(listener);
    drop(context);
    let _ = tokio::time::timeout(STOP_GRACE, graceful.shutdown()).await;
    Ok(stopped_by)
}

/// SIGTERM and SIGINT (Ctrl-C elsewhere), caught for as long as this lives.
struct StopSignals {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn catch() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(StopSignals {
                terminate: signal(SignalKind::terminate())?,
                interrupt: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(StopSignals {})
    }

    /// The name of the next signal to arrive.
    async fn next(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.terminate.recv() => "SIGTERM",
                _ = self.interrupt.recv() => "SIGINT",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}

enum Listener {
    Unix(tokio::net::UnixListener),
    Tcp(tokio::net::TcpListener),
}

type Connection = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

impl Listener {
    /// The next connection, ready to be driven to its end.
    async fn accept(
        &self,
        context: &Arc<Context>,
        graceful: &hyper_util::server::graceful::GracefulShutdown,
    ) -> std::io::Result<Connection> {
        Ok(match self {
            Listener::Unix(listener) => connection(listener.accept().await?.0, context, graceful),
            Listener::Tcp(listener) => {
                let (stream, _) = listener.accept().await?;
                let _ = stream.set_nodelay(true);
                connection(stream, context, graceful)
            }
        })
    }
}

/// One client's connection: HTTP/1.1 with keep-alive, its request heads bounded in size and
/// time.
fn connection<S>(
    stream: S,
    context: &Arc<Context>,
    graceful: &hyper_util::server::graceful::GracefulShutdown,
) -> Connection
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let context = Arc::clone(context);
    let service = hyper::service::service_fn(move |request| {
        let context = Arc::clone(&context);
        async move { Ok::<_, Infallible>(handle(request, &context).await) }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIME)
        .max_header_size(HEAD_LIMIT)
        .serve_connection(TokioIo::new(stream), service);
    let watched = graceful.watch(connection);
    Box::pin(async move {
        let _ = watched.await;
    })
}

/// Answers one request, within the request limit, and logs it with `-v`.
async fn handle(request: Request<Incoming>, context: &Context) -> Response<Full<Bytes>> {
    let started = Instant::now();
    let response =
        match tokio::time::timeout(context.request_limit, respond(&request, context)).await {
            Ok(response) => response,
            Err(_) => problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                &format!("no token within {}s", context.request_limit.as_secs()),
            ),
        };
    if context.verbose {
        let path: String = printable(request.uri().path()).chars().take(200).collect();
        output::note(format!(
            "serve: {} {path} {} {:.1}ms",
            request.method(),
            response.status().as_u16(),
            started.elapsed().as_secs_f64() * 1000.0
        ));
    }
    response
}

async fn respond(request: &Request<Incoming>, context: &Context) -> Response<Full<Bytes>> {
    let headers = request.headers();
    let host = headers.get(header::HOST).map(HeaderValue::as_bytes);
    let authorization = headers
        .get(header::AUTHORIZATION)
        .map(HeaderValue::as_bytes);
    match context.access.check(host, authorization) {
        Ok(()) => {}
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
    let render: fn(&CachedToken) -> Response<Full<Bytes>> = match request.uri().path() {
        "/token" => token_json,
        "/header" => header_line,
        _ => {
            return problem(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such path: GET /token or GET /header",
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
    match context.tokens.get().await {
        Ok(token) => render(&token),
        Err(failure) => failed(&failure),
    }
}

fn token_json(token: &CachedToken) -> Response<Full<Bytes>> {
    let body = serde_json::json!({
        "access_token": token.access_token.expose(),
        "token_type": token.token_type,
        "expires_in": token.seconds_left(Utc::now()).max(0),
        "expires_at": rfc3339(token.expires_at),
    });
    reply(StatusCode::OK, "application/json", body.to_string() + "\n")
}

fn header_line(token: &CachedToken) -> Response<Full<Bytes>> {
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
