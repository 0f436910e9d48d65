//! The serving loop of `serve`: accepts connections (at most [`MAX_CONNECTIONS`] at once) and
//! drives each through hyper — HTTP/1.1, request heads bounded in size and time — until SIGTERM
//! or SIGINT, then lets those in progress finish for a few seconds.
//!
//! On loopback TCP, where any local process can connect, a connection that has not yet sent a
//! request with the bearer secret has a budget of its own: at most [`UNAUTHENTICATED`] such
//! connections (a new one evicts the oldest) and [`FIRST_REQUEST_TIME`] to authenticate, so
//! idle connections without the secret cannot hold the slots of those that have it.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};

use super::handlers::{Context, handle};
use super::listener::{Listener, Stream};

/// A request head (start line and headers) larger than this is 431.
const HEAD_LIMIT: usize = 16 * 1024;
/// A client must have sent its whole request head within this; else its connection is closed.
const HEAD_TIME: Duration = Duration::from_secs(10);
/// Connections served at once; more wait to be accepted.
const MAX_CONNECTIONS: usize = 1024;
/// On SIGTERM, how long requests already in progress may take to finish.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// Connections on loopback TCP that have not authenticated yet, at most.
const UNAUTHENTICATED: usize = 64;
/// How long a connection on loopback TCP has to send its first request with the secret.
const FIRST_REQUEST_TIME: Duration = Duration::from_secs(2);

/// A connection that has not authenticated yet: it is told to close when evicted.
struct Unauthenticated {
    authenticated: Arc<AtomicBool>,
    ended: Arc<AtomicBool>,
    evict: Arc<tokio::sync::Notify>,
}

/// The connections on loopback TCP still without the secret, oldest first.
#[derive(Default)]
struct Waiting(Mutex<VecDeque<Unauthenticated>>);

impl Waiting {
    /// Registers a new connection, evicting the oldest when over the budget.
    fn admit(&self, entry: Unauthenticated) {
        let mut waiting = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        waiting.retain(|entry| {
            !entry.authenticated.load(Ordering::Relaxed) && !entry.ended.load(Ordering::Relaxed)
        });
        while waiting.len() >= UNAUTHENTICATED {
            if let Some(oldest) = waiting.pop_front() {
                oldest.evict.notify_one();
            }
        }
        waiting.push_back(entry);
    }
}

/// Accepts connections until SIGTERM or SIGINT, then lets those in progress finish (for a
/// few seconds at most). Answers which signal it was.
pub async fn serve_until_stopped(
    listener: Listener,
    context: Arc<Context>,
) -> std::io::Result<&'static str> {
    let mut stop = StopSignals::catch()?;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let waiting = Waiting::default();
    let stopped_by = loop {
        let slot = tokio::select! {
            signal = stop.next() => break signal,
            slot = Arc::clone(&slots).acquire_owned() => slot,
        };
        let Ok(slot) = slot else { break "closed" };
        tokio::select! {
            signal = stop.next() => break signal,
            accepted = listener.accept() => match accepted.map(|stream| connection(stream, &context, &graceful, &waiting)) {
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

type Connection = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

fn connection(
    stream: Stream,
    context: &Arc<Context>,
    graceful: &hyper_util::server::graceful::GracefulShutdown,
    waiting: &Waiting,
) -> Connection {
    match stream {
        // The socket's mode let the peer in: it is authenticated by connecting.
        #[cfg(unix)]
        Stream::Unix(stream) => drive(stream, context, graceful, None),
        Stream::Tcp(stream) => {
            let entry = Unauthenticated {
                authenticated: Arc::new(AtomicBool::new(false)),
                ended: Arc::new(AtomicBool::new(false)),
                evict: Arc::new(tokio::sync::Notify::new()),
            };
            let budget = Budget {
                authenticated: Arc::clone(&entry.authenticated),
                ended: Arc::clone(&entry.ended),
                evict: Arc::clone(&entry.evict),
            };
            waiting.admit(entry);
            drive(stream, context, graceful, Some(budget))
        }
    }
}

/// What a connection without the secret yet is held to.
struct Budget {
    authenticated: Arc<AtomicBool>,
    ended: Arc<AtomicBool>,
    evict: Arc<tokio::sync::Notify>,
}

/// One client's connection: HTTP/1.1 with keep-alive, its request heads bounded in size and
/// time; with a `budget`, closed when evicted or when it has not authenticated in time.
fn drive<S>(
    stream: S,
    context: &Arc<Context>,
    graceful: &hyper_util::server::graceful::GracefulShutdown,
    budget: Option<Budget>,
) -> Connection
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let context = Arc::clone(context);
    let authenticated = budget
        .as_ref()
        .map(|budget| Arc::clone(&budget.authenticated));
    let service = hyper::service::service_fn(move |request| {
        let context = Arc::clone(&context);
        let authenticated = authenticated.clone();
        async move { Ok::<_, Infallible>(handle(request, &context, authenticated.as_deref()).await) }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIME)
        .max_header_size(HEAD_LIMIT)
        .serve_connection(TokioIo::new(stream), service);
    let watched = graceful.watch(connection);
    Box::pin(async move {
        let Some(budget) = budget else {
            let _ = watched.await;
            return;
        };
        tokio::pin!(watched);
        let unauthenticated_too_long = async {
            tokio::select! {
                () = budget.evict.notified() => {}
                () = tokio::time::sleep(FIRST_REQUEST_TIME) => {
                    if budget.authenticated.load(Ordering::Relaxed) {
                        // Authenticated in time: no limit but hyper's own from here on.
                        std::future::pending::<()>().await;
                    }
                }
            }
        };
        tokio::select! {
            _ = &mut watched => {}
            () = unauthenticated_too_long => {}
        }
        budget.ended.store(true, Ordering::Relaxed);
    })
}
