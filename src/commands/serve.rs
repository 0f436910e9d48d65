//! `amtoken serve`: a token endpoint for processes that are not amtoken's children (containers,
//! daemons, SDKs), as cloud metadata servers are for their clouds. `GET /token` and
//! `GET /header` over a Unix socket or loopback TCP — or the socket systemd passed — with
//! `/healthz`, `/readyz` and `/metrics` for operators, and READY=1 to systemd once listening. Split as rbw's agent is: `listener` binds
//! and accepts (and removes what it put on disk), `agent` runs the loop and the signals,
//! `handlers` answers, `tokens` is the keeper's in-memory sink and the worker that owns it.

mod access;
mod agent;
mod handlers;
mod listener;
mod metrics;
mod tokens;

use std::sync::Arc;
use std::time::Duration;

use crate::cli::ServeArgs;
use crate::config::Settings;
use crate::error::{Context as _, Error, Kind, Result};
use crate::output;
use access::BearerSecret;
use handlers::Context;
use listener::Bound;
use metrics::Metrics;

/// Runs `amtoken serve` until SIGTERM or SIGINT.
pub fn run(args: &ServeArgs, settings: &Settings) -> Result<()> {
    let bound = bind(args, settings)?;
    output::note(format!("serve: listening on {}", bound.describe()));
    let access = bound.access();
    let threads = std::thread::available_parallelism().map_or(2, |count| count.get().min(4));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .map_err(|error| Error::new(Kind::Internal, error))
        .context("cannot start the server")?;
    let metrics = Arc::new(Metrics::new());
    let (tokens, worker) = tokens::source(args.min_ttl, Arc::clone(&metrics));
    let context = Arc::new(Context {
        access,
        tokens,
        metrics,
        request_limit: settings.timeout + settings.lock_timeout + Duration::from_secs(5),
        log: settings.verbose.then_some(args.log_format),
    });
    let stopped = std::thread::scope(|scope| {
        scope.spawn(|| worker.run(settings));
        runtime.block_on(async {
            // The socket file or the secret stays (and stays ours) until the loop has ended.
            let (listener, _owned) = bound.into_listener()?;
            // systemd's Type=notify: ready once listening (a token's readiness is /readyz).
            // Without NOTIFY_SOCKET this does nothing.
            if let Err(error) = sd_notify::notify(&[sd_notify::NotifyState::Ready]) {
                output::warn(format_args!(
                    "serve: cannot tell systemd it is ready: {error}"
                ));
            }
            // The last handle to the tokens goes with `context`: the worker then ends.
            let stopped = agent::serve_until_stopped(listener, context).await;
            let _ = sd_notify::notify(&[sd_notify::NotifyState::Stopping]);
            stopped
        })
    });
    let signal = stopped
        .map_err(|error| Error::new(Kind::Internal, error))
        .context("the server failed")?;
    output::note(format!("serve: stopped ({signal})"));
    Ok(())
}

/// The socket systemd passed, else what the flags ask for: `--listen` loopback TCP with its
/// secret, else the socket.
fn bind(args: &ServeArgs, settings: &Settings) -> Result<Bound> {
    let secret = || match &args.secret_file {
        Some(file) => BearerSecret::read(file),
        None => BearerSecret::generate(&settings.paths.serve_secret_file(&settings.profile)),
    };
    if let Some(bound) = listener::inherited(secret)? {
        return Ok(bound);
    }
    match &args.listen {
        Some(text) => {
            let requested = listener::loopback_address(text)?;
            listener::bind_tcp(requested, secret()?)
        }
        None => {
            let path = args
                .socket
                .clone()
                .unwrap_or_else(|| settings.paths.socket_file(&settings.profile));
            listener::bind_unix(&path)
        }
    }
}
