//! The loopback redirect (RFC 8252 §7.3): amtoken listens on the redirect URI's loopback
//! address and port for the browser's one callback, and answers it with a short page saying
//! what happened. Requests for other paths (a favicon) get a 404 and do not count.

use std::time::{Duration, Instant};

use url::{Host, Url};

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

/// A listener on the redirect URI's address.
pub struct LoopbackListener {
    server: tiny_http::Server,
    redirect_uri: Url,
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
    /// Binds the redirect URI's address and port (`localhost` is 127.0.0.1).
    pub fn bind(redirect_uri: &str) -> Result<Self, LoopbackError> {
        let url = Url::parse(redirect_uri).map_err(|error| LoopbackError::Listen {
            address: redirect_uri.to_string(),
            why: error.to_string(),
        })?;
        let port = url.port_or_known_default().unwrap_or(80);
        let address = match url.host() {
            Some(Host::Ipv6(ip)) => format!("[{ip}]:{port}"),
            Some(Host::Ipv4(ip)) => format!("{ip}:{port}"),
            _ => format!("127.0.0.1:{port}"),
        };
        let server = tiny_http::Server::http(&address).map_err(|error| LoopbackError::Listen {
            address: address.clone(),
            why: error.to_string(),
        })?;
        Ok(LoopbackListener {
            server,
            redirect_uri: url,
        })
    }

    /// Waits up to `timeout` for a request on the redirect URI's path.
    pub fn wait(&self, timeout: Duration) -> Result<IncomingCallback, LoopbackError> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let request = self
                .server
                .recv_timeout(left)
                .map_err(|error| LoopbackError::Receive(error.to_string()))?;
            let Some(request) = request else {
                return Err(LoopbackError::Timeout {
                    redirect_uri: self.redirect_uri.to_string(),
                    timeout,
                });
            };
            let Ok(url) = self.redirect_uri.join(request.url()) else {
                respond(request, 400, "amtoken: that is not a callback.");
                continue;
            };
            if url.path() != self.redirect_uri.path() {
                respond(request, 404, "amtoken: not found.");
                continue;
            }
            return Ok(IncomingCallback {
                request,
                url: url.to_string(),
            });
        }
    }
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
