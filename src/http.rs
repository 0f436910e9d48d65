//! The transport: every request amtoken makes goes through [`Transport::send`]. It owns TLS
//! (rustls, the system roots plus `--cacert`), proxies from the environment, the HTTPS-only
//! rule (loopback excepted), a total deadline per request (connect, headers and body), a size
//! cap given per request, and the `-v` log. It knows nothing of OAuth, the API or storage: the
//! layers above give it a request and read the [`Reply`].

use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use url::{Host, Url};

pub use reqwest::Method;
pub use reqwest::StatusCode;
pub use reqwest::header;

use crate::output;

/// How long past the deadline an answer that is already arriving is still read.
const DEADLINE_GRACE: Duration = Duration::from_millis(100);

/// How long an idle pooled connection may be reused. Between two requests the runtime is not
/// driven, so a server's close of an idle connection goes unseen until the next request is
/// written into it; keeping reuse to bursts (a `--paginate`, a refresh right after a
/// discovery) stays well below every common keep-alive timeout (node 5 s, Apache 5 s, nginx
/// 75 s), and a renewal an hour later always gets a new connection.
const POOL_IDLE: Duration = Duration::from_secs(1);

/// The `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("amtoken/", env!("CARGO_PKG_VERSION"));

/// How the transport is set up, from the settings.
#[derive(Debug, Clone, Copy)]
pub struct TransportOptions<'a> {
    /// The total time one request may take: connect, send, headers and the whole body.
    pub timeout: Duration,
    /// Extra trusted CA certificates (PEM).
    pub cacert: Option<&'a Path>,
    /// Log each request on stderr (method, URL, status, time; never a body).
    pub verbose: bool,
}

/// One request: built by the layer above, sent by [`Transport::send`].
#[derive(Debug)]
pub struct Request {
    method: Method,
    url: Url,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
    max_bytes: u64,
}

impl Request {
    /// A request with no body that reads at most `max_bytes` of the answer.
    pub fn new(method: Method, url: Url, max_bytes: u64) -> Self {
        Request {
            method,
            url,
            headers: HeaderMap::new(),
            body: None,
            max_bytes,
        }
    }

    /// Adds a header. A value that is not a valid header value is an invalid-input error.
    pub fn header(mut self, name: HeaderName, value: &str) -> Result<Self, HttpError> {
        let value = HeaderValue::from_str(value).map_err(|_| HttpError::InvalidHeader {
            name: name.to_string(),
        })?;
        self.headers.append(name, value);
        Ok(self)
    }

    /// Adds a header whose value is a secret: marked sensitive, so no debug output shows it.
    pub fn secret_header(mut self, name: HeaderName, value: &str) -> Result<Self, HttpError> {
        let mut value = HeaderValue::from_str(value).map_err(|_| HttpError::InvalidHeader {
            name: name.to_string(),
        })?;
        value.set_sensitive(true);
        self.headers.append(name, value);
        Ok(self)
    }

    /// A raw body; the caller sets its content type.
    pub fn body(mut self, bytes: Vec<u8>) -> Self {
        self.body = Some(bytes);
        self
    }

    /// An `application/x-www-form-urlencoded` body.
    pub fn form(mut self, pairs: &[(&str, &str)]) -> Self {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        self.body = Some(body.into_bytes());
        self
    }
}

/// An answer, whatever its status: the layer above decides what a status means.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// A header as text, when present and printable.
    pub fn header(&self, name: impl reqwest::header::AsHeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// Why a request did not get an answer. Each variant names the step that failed.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("invalid URL {url:?}: {why}")]
    InvalidUrl { url: String, why: String },
    #[error(
        "refusing plain http to {url}: only loopback hosts (127.0.0.1, [::1], localhost) may use http"
    )]
    InsecureUrl { url: String },
    #[error("invalid value for the {name} header")]
    InvalidHeader { name: String },
    #[error("cannot use the CA certificates in {path}: {why}")]
    CaCertificates { path: String, why: String },
    #[error("cannot set up the HTTP client: {why}")]
    Setup { why: String },
    #[error("cannot connect to {url}: {why}")]
    Connect { url: String, why: String },
    #[error("cannot verify the certificate of {url}: {why}")]
    Certificate { url: String, why: String },
    #[error("timed out waiting for {url} (no complete answer within {}s)", .timeout.as_secs_f32())]
    Timeout { url: String, timeout: Duration },
    #[error("request to {url} failed: {why}")]
    Failed { url: String, why: String },
    /// The connection closed before any byte of an answer: most often a kept-alive
    /// connection the server had closed while idle, but the request may have been read.
    #[error(
        "the connection to {url} closed before any answer came (the server may have closed it while it was idle, or may have read the request first)"
    )]
    Closed { url: String },
    #[error("the answer of {url} is larger than {}", size(*.limit))]
    TooLarge { url: String, limit: u64 },
}

impl HttpError {
    /// Whether the request may have reached the server although no answer came back: a
    /// timeout or a connection that broke after it was made. Connection and certificate
    /// failures happen before anything is sent.
    pub fn may_have_arrived(&self) -> bool {
        matches!(
            self,
            HttpError::Timeout { .. } | HttpError::Failed { .. } | HttpError::Closed { .. }
        )
    }
}

/// What kind of failure an [`HttpError`] is, for the layers above and the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpFailure {
    /// A setting is wrong (URL, header, CA file): the request never left.
    BadSetting,
    /// The client could not be built: a bug or a broken system.
    Setup,
    /// On the way: connect, TLS, timeout, a broken connection. Worth trying again later.
    Network,
    /// The server answered more than the cap allows.
    TooLarge,
}

impl HttpError {
    /// The kind of failure.
    pub fn failure(&self) -> HttpFailure {
        match self {
            HttpError::InvalidUrl { .. }
            | HttpError::InsecureUrl { .. }
            | HttpError::InvalidHeader { .. }
            | HttpError::CaCertificates { .. } => HttpFailure::BadSetting,
            HttpError::Setup { .. } => HttpFailure::Setup,
            HttpError::Connect { .. }
            | HttpError::Certificate { .. }
            | HttpError::Timeout { .. }
            | HttpError::Failed { .. }
            | HttpError::Closed { .. } => HttpFailure::Network,
            HttpError::TooLarge { .. } => HttpFailure::TooLarge,
        }
    }
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

/// The one HTTP client of a run.
pub struct Transport {
    /// For http:// (loopback only): no proxy, no certificate store to load.
    plain: OnceLock<reqwest::Client>,
    /// For https:// to a loopback host: no proxy, the system roots plus `--cacert`.
    loopback_tls: OnceLock<reqwest::Client>,
    /// For everything else: proxies from the environment, the system roots plus `--cacert`,
    /// loaded on first use (reading and parsing the system store is most of what a plain-http
    /// refresh would otherwise cost).
    secure: OnceLock<reqwest::Client>,
    cacert: Vec<reqwest::Certificate>,
    runtime: tokio::runtime::Runtime,
    timeout: Duration,
    verbose: bool,
}

impl Transport {
    /// Reads `cacert` (a bad file is an error at once, whatever the URLs) and sets up the
    /// runtime; the clients — rustls, no redirects (a 3xx is handed up as an answer), proxies
    /// from the environment except for loopback hosts, which are never proxied (as Go's
    /// net/http does, whatever `NO_PROXY` says: a plain-http refresh would hand the tokens to
    /// the proxy in clear text) — are built when a request first needs one.
    pub fn new(options: TransportOptions<'_>) -> Result<Self, HttpError> {
        let mut cacert = Vec::new();
        if let Some(path) = options.cacert {
            let ca_error = |why: String| HttpError::CaCertificates {
                path: path.display().to_string(),
                why,
            };
            let pem = std::fs::read(path).map_err(|error| ca_error(error.to_string()))?;
            cacert = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|error| ca_error(error.to_string()))?;
            if cacert.is_empty() {
                return Err(ca_error("no PEM certificate in the file".into()));
            }
        }
        // One thread: amtoken makes one request at a time, and a second thread would only add
        // start-up cost to every run.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|error| HttpError::Setup {
                why: error.to_string(),
            })?;
        Ok(Transport {
            plain: OnceLock::new(),
            loopback_tls: OnceLock::new(),
            secure: OnceLock::new(),
            cacert,
            runtime,
            timeout: options.timeout,
            verbose: options.verbose,
        })
    }

    /// The client for `url`, built on first use.
    fn client_for(&self, url: &Url) -> Result<&reqwest::Client, HttpError> {
        let plain = url.scheme() == "http";
        let direct = is_loopback(url);
        let cell = match (plain, direct) {
            (true, _) => &self.plain,
            (false, true) => &self.loopback_tls,
            (false, false) => &self.secure,
        };
        if let Some(client) = cell.get() {
            return Ok(client);
        }
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(POOL_IDLE)
            .connect_timeout(self.timeout)
            .https_only(false);
        if plain || direct {
            builder = builder.no_proxy();
        }
        if plain {
            builder = builder.tls_built_in_root_certs(false);
        } else {
            for certificate in &self.cacert {
                builder = builder.add_root_certificate(certificate.clone());
            }
        }
        let client = builder.build().map_err(|error| HttpError::Setup {
            why: error_chain(&error),
        })?;
        Ok(cell.get_or_init(|| client))
    }

    /// Sends `request` and reads the whole answer, all within the timeout: a server that
    /// drips its body slowly is cut off at the deadline like one that never answers.
    pub fn send(&self, request: Request) -> Result<Reply, HttpError> {
        let method = request.method.clone();
        let url = request.url.clone();
        let started = Instant::now();
        let result = self.runtime.block_on(async {
            let exchange = self.exchange(request);
            tokio::pin!(exchange);
            if let Ok(result) = tokio::time::timeout(self.timeout, &mut exchange).await {
                return result;
            }
            // A process that was paused (SIGSTOP, a suspended VM) finds its deadline passed
            // and the answer waiting in the socket: a moment's grace reads it rather than
            // dropping what the server already did (a rotated refresh token).
            tokio::time::timeout(DEADLINE_GRACE, &mut exchange)
                .await
                .unwrap_or_else(|_| {
                    Err(HttpError::Timeout {
                        url: url.to_string(),
                        timeout: self.timeout,
                    })
                })
        });
        if self.verbose {
            let outcome = match &result {
                Ok(reply) => reply.status.to_string(),
                Err(error) => format!("failed: {error}"),
            };
            output::note(format_args!(
                "{method} {url} -> {outcome} ({} ms)",
                started.elapsed().as_millis()
            ));
        }
        result
    }

    async fn exchange(&self, request: Request) -> Result<Reply, HttpError> {
        let Request {
            method,
            url,
            headers,
            body,
            max_bytes,
        } = request;
        let url_text = url.to_string();
        let mut builder = self.client_for(&url)?.request(method, url).headers(headers);
        if let Some(body) = body {
            builder = builder.body(body);
        }
        let mut response = builder
            .send()
            .await
            .map_err(|error| classify(&error, &url_text, self.timeout))?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| classify(&error, &url_text, self.timeout))?
        {
            if (body.len() + chunk.len()) as u64 > max_bytes {
                return Err(HttpError::TooLarge {
                    url: url_text,
                    limit: max_bytes,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Reply {
            status,
            headers,
            body,
        })
    }
}

/// The proxy the environment names for `url`, and the variable that names it: what the
/// transport would use (loopback never; `NO_PROXY` by host suffix), for `doctor` to say.
pub fn proxy_for(url: &str) -> Option<(&'static str, String)> {
    let url = Url::parse(url).ok()?;
    if is_loopback(&url) {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    let variable = |names: &[&'static str]| {
        names.iter().find_map(|name| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.is_empty())
                .map(|value| (*name, value))
        })
    };
    if let Some((_, no_proxy)) = variable(&["NO_PROXY", "no_proxy"]) {
        let excluded = no_proxy.split(',').map(str::trim).any(|entry| {
            let entry = entry.trim_start_matches('.').to_ascii_lowercase();
            entry == "*"
                || (!entry.is_empty() && (host == entry || host.ends_with(&format!(".{entry}"))))
        });
        if excluded {
            return None;
        }
    }
    let names: &[&'static str] = if url.scheme() == "https" {
        &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
    };
    variable(names)
}

/// Sorts a reqwest failure by its typed cause chain: a TLS certificate error anywhere in it is
/// a certificate failure, whatever the message says.
fn classify(error: &reqwest::Error, url: &str, timeout: Duration) -> HttpError {
    let url = url.to_string();
    let why = error_chain(error);
    // Before the timeout: a connection that never came up sent nothing, even when it timed out.
    if has_certificate_error(error) {
        HttpError::Certificate { url, why }
    } else if error.is_connect() {
        HttpError::Connect { url, why }
    } else if error.is_timeout() {
        HttpError::Timeout { url, timeout }
    } else if closed_before_answer(error) {
        HttpError::Closed { url }
    } else {
        HttpError::Failed { url, why }
    }
}

/// Whether hyper says the connection ended before a whole answer head came.
fn closed_before_answer(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(cause) = current {
        if cause
            .downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_incomplete_message)
        {
            return true;
        }
        current = cause.source();
    }
    false
}

fn has_certificate_error(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(cause) = current {
        if is_certificate_error(cause) {
            return true;
        }
        // io::Error::source skips the error it wraps: follow that one's chain too.
        if let Some(inner) = cause
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
            && has_certificate_error(inner)
        {
            return true;
        }
        current = cause.source();
    }
    false
}

fn is_certificate_error(error: &(dyn std::error::Error + 'static)) -> bool {
    matches!(
        error.downcast_ref::<rustls::Error>(),
        Some(
            rustls::Error::InvalidCertificate(_)
                | rustls::Error::NoCertificatesPresented
                | rustls::Error::InvalidCertRevocationList(_)
        )
    )
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

/// Whether `url` names a loopback host: `127.0.0.0/8`, `[::1]` or `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// The error's sources on one line, without reqwest's own line (which repeats the URL) and
/// without parts that repeat one another.
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
    fn sizes_read_naturally() {
        assert_eq!(size(1024 * 1024), "1 MiB");
        assert_eq!(size(16 * 1024 * 1024), "16 MiB");
        assert_eq!(size(1536), "1 KiB");
    }

    /// A raw HTTP server for one request: reads it, writes `head`, then each of `chunks` after
    /// `pause`. Returns its URL.
    fn raw_server(head: &'static str, chunks: Vec<Vec<u8>>, pause: Duration) -> Url {
        use std::io::{Read as _, Write as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request);
            let _ = socket.write_all(head.as_bytes());
            for chunk in chunks {
                if socket.write_all(&chunk).is_err() {
                    return;
                }
                std::thread::sleep(pause);
            }
        });
        check_url(&url).unwrap()
    }

    fn send(url: Url, timeout: Duration, max_bytes: u64) -> Result<Reply, HttpError> {
        let transport = Transport::new(TransportOptions {
            timeout,
            cacert: None,
            verbose: false,
        })
        .unwrap();
        transport.send(Request::new(Method::GET, url, max_bytes))
    }

    #[test]
    fn a_body_dripped_slowly_is_cut_off_at_the_deadline() {
        let head = "HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n";
        let url = raw_server(head, vec![b"x".to_vec(); 1000], Duration::from_millis(100));
        let error = send(url, Duration::from_millis(700), 1 << 20).unwrap_err();
        assert!(matches!(error, HttpError::Timeout { .. }), "{error}");
        assert_eq!(error.failure(), HttpFailure::Network);
    }

    #[test]
    fn an_answer_over_the_cap_is_refused() {
        let head = "HTTP/1.1 200 OK\r\ncontent-length: 5000\r\n\r\n";
        let url = raw_server(head, vec![vec![b'x'; 5000]], Duration::ZERO);
        let error = send(url, Duration::from_secs(5), 4096).unwrap_err();
        assert!(
            matches!(error, HttpError::TooLarge { limit: 4096, .. }),
            "{error}"
        );
    }
}
