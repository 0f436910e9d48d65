//! The serving loop of `serve`: accepts connections (at most [`MAX_CONNECTIONS`] at once) and
//! drives each through hyper — HTTP/1.1, request heads bounded in size and time — until SIGTERM
//! or SIGINT, then lets those in progress finish for a few seconds.

use std::convert::Infallible;
use std::sync::Arc;
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

/// Accepts connections until SIGTERM or SIGINT, then lets those in progress finish (for a
/// few seconds at most). Answers which signal it was.
pub async fn serve_until_stopped(
    listener: Listener,
    context: Arc<Context>,
) -> std::io::Result<&'static str> {
    let mut stop = StopSignals::catch()?;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let stopped_by = loop {
        let slot = tokio::select! {
            signal = stop.next() => break signal,
            slot = Arc::clone(&slots).acquire_owned() => slot,
        };
        let Ok(slot) = slot else { break "closed" };
        tokio::select! {
            signal = stop.next() => break signal,
            accepted = listener.accept() => match accepted.map(|stream| connection(stream, &context, &graceful)) {
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
) -> Connection {
    match stream {
        #[cfg(unix)]
        Stream::Unix(stream) => drive(stream, context, graceful),
        Stream::Tcp(stream) => drive(stream, context, graceful),
    }
}

/// One client's connection: HTTP/1.1 with keep-alive, its request heads bounded in size and
/// time.
fn drive<S>(
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
