//! The loopback redirect (RFC 8252 §7.3): amtoken listens on the redirect URI's loopback
//! address and port for the browser's one callback, and answers it with a short page saying
//! what happened. Only a request that names the redirect URI's host and port in `Host` (a page
//! of another site that rebinds its name to 127.0.0.1 does not), on its path, and carrying the
//! state of this login counts; anything else gets an answer that says nothing of the login
//! (never the state) and the wait goes on. For a `localhost` redirect both 127.0.0.1 and [::1]
//! are bound: the browser may use either, and another program must not hold the other one.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::time::{Duration, Instant};

use url::{Host, Url};

use super::callback;

/// How long one listener is polled before the next, when there are two.
const POLL: Duration = Duration::from_millis(25);

/// Why no callback came.
#[derive(Debug, thiserror::Error)]
pub enum LoopbackError {
    #[error("cannot listen on {address} for the redirect URI: {why}")]
    Listen { address: String, why: String },
    #[error("no callback reached {redirect_uri} within {}s", .timeout.as_secs())]
    Timeout {
        redirect_uri: String,
        timeout: Duration,
    },
    #[error("the loopback listener failed: {0}")]
    Receive(String),
}

/// A listener on the redirect URI's address (both loopback addresses for `localhost`).
pub struct LoopbackListener {
    servers: Vec<tiny_http::Server>,
    redirect_uri: Url,
    /// The `Host` header a browser sends for the redirect URI: `127.0.0.1:8765`.
    host: String,
}

/// The callback the browser brought, waiting for its answer page.
pub struct IncomingCallback {
    request: tiny_http::Request,
    /// The whole callback URL, as the browser asked for it.
    pub url: String,
}

/// Whether `uri` is a loopback redirect amtoken can listen on: `http` to `127.0.0.1`, `[::1]`
/// or `localhost`, with a port.
pub fn is_loopback_redirect(uri: &str) -> bool {
    Url::parse(uri).is_ok_and(|url| {
        url.scheme() == "http" && crate::http::is_loopback(&url) && url.port().is_some()
    })
}

impl LoopbackListener {
    /// Binds the redirect URI's address and port; for `localhost`, 127.0.0.1 and [::1] both —
    /// [::1] may be missing only on a machine without IPv6, where no one else can have it.
    pub fn bind(redirect_uri: &str) -> Result<Self, LoopbackError> {
        let url = Url::parse(redirect_uri).map_err(|error| LoopbackError::Listen {
            address: redirect_uri.to_string(),
            why: error.to_string(),
        })?;
        let port = url.port_or_known_default().unwrap_or(80);
        let v4 = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let v6 = SocketAddr::from((Ipv6Addr::LOCALHOST, port));
        let servers = match url.host() {
            Some(Host::Ipv6(ip)) => vec![listen(SocketAddr::from((ip, port)))?],
            Some(Host::Ipv4(ip)) => vec![listen(SocketAddr::from((ip, port)))?],
            _ => {
                let mut servers = vec![listen(v4)?];
                match listen(v6) {
                    Ok(server) => servers.push(server),
                    Err(LoopbackError::Listen { why, .. }) if why.starts_with(NO_IPV6) => {}
                    Err(error) => return Err(error),
                }
                servers
            }
        };
        let host = format!("{}:{port}", url.host_str().unwrap_or("127.0.0.1"));
        Ok(LoopbackListener {
            servers,
            redirect_uri: url,
            host,
        })
    }

    /// Waits up to `timeout` for the callback of the authorize request with `state`.
    pub fn wait(&self, timeout: Duration, state: &str) -> Result<IncomingCallback, LoopbackError> {
        let deadline = Instant::now() + timeout;
        loop {
            let request = self
                .next_request(deadline)?
                .ok_or_else(|| LoopbackError::Timeout {
                    redirect_uri: self.redirect_uri.to_string(),
                    timeout,
                })?;
            let host = request
                .headers()
                .iter()
                .find(|header| header.field.equiv("Host"))
                .map(|header| header.value.as_str().to_string());
            if !host.is_some_and(|host| host.eq_ignore_ascii_case(&self.host)) {
                respond(request, 421, "amtoken: wrong host.");
                continue;
            }
            let Ok(url) = self.redirect_uri.join(request.url()) else {
                respond(request, 400, "amtoken: that is not a callback.");
                continue;
            };
            if url.path() != self.redirect_uri.path() {
                respond(request, 404, "amtoken: not found.");
                continue;
            }
            if callback::state_of(url.as_str()).as_deref() != Some(state) {
                crate::output::note(
                    "ignored a request to the redirect URI that is not the answer to this login (no or another state)",
                );
                respond(
                    request,
                    400,
                    "amtoken: this is not the answer to the login amtoken is waiting for.",
                );
                continue;
            }
            return Ok(IncomingCallback {
                request,
                url: url.to_string(),
            });
        }
    }

    /// The next request on any listener, or `None` at the deadline.
    fn next_request(&self, deadline: Instant) -> Result<Option<tiny_http::Request>, LoopbackError> {
        loop {
            for server in &self.servers {
                let left = deadline.saturating_duration_since(Instant::now());
                let wait = if self.servers.len() > 1 {
                    left.min(POLL)
                } else {
                    left
                };
                let request = server
                    .recv_timeout(wait)
                    .map_err(|error| LoopbackError::Receive(error.to_string()))?;
                if request.is_some() {
                    return Ok(request);
                }
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
        }
    }
}

/// How a failed bind of [::1] begins when the machine has no IPv6 loopback.
const NO_IPV6: &str = "no IPv6 loopback";

fn listen(address: SocketAddr) -> Result<tiny_http::Server, LoopbackError> {
    let failed = |why: String| LoopbackError::Listen {
        address: address.to_string(),
        why,
    };
    let listener = TcpListener::bind(address).map_err(|error| {
        let missing = address.is_ipv6()
            && matches!(
                error.kind(),
                std::io::ErrorKind::AddrNotAvailable | std::io::ErrorKind::Unsupported
            )
            || error.raw_os_error() == Some(libc::EAFNOSUPPORT);
        failed(if missing {
            format!("{NO_IPV6} ({error})")
        } else {
            error.to_string()
        })
    })?;
    tiny_http::Server::from_listener(listener, None).map_err(|error| failed(error.to_string()))
}

impl IncomingCallback {
    /// Answers the browser: what happened, and that the tab can be closed.
    pub fn answer(self, success: bool, message: &str) {
        let status = if success { 200 } else { 400 };
        respond(self.request, status, message);
    }
}

fn respond(request: tiny_http::Request, status: u16, message: &str) {
    let escaped = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>amtoken</title></head>\
         <body><p>{escaped}</p><p>You can close this tab.</p></body></html>"
    );
    let mut response = tiny_http::Response::from_string(page).with_status_code(status);
    if let Ok(header) = "Content-Type: text/html; charset=utf-8".parse::<tiny_http::Header>() {
        response = response.with_header(header);
    }
    // The browser going away first changes nothing for amtoken.
    let _ = request.respond(response);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_loopback_with_a_port_is_listened_on() {
        for yes in [
            "http://127.0.0.1:8765/callback",
            "http://localhost:1234/cb",
            "http://[::1]:9/",
        ] {
            assert!(is_loopback_redirect(yes), "{yes}");
        }
        for no in [
            "https://app.example/callback",
            "https://127.0.0.1:8765/callback",
            "http://127.0.0.1/callback",
            "http://app.example:80/cb",
            "not a url",
        ] {
            assert!(!is_loopback_redirect(no), "{no}");
        }
    }
}
