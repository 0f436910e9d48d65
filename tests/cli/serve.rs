//! `amtoken serve`: what it answers on its socket and on loopback TCP, whom it turns away, how it
//! stops, and, against the real provider with tokens that live 4 seconds, 64 clients at once
//! across several expiries.

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};

use crate::util::{Sandbox, outputs};

const ISSUER: &str = "https://id.example.test";
pub(crate) const ACCESS_TOKEN: &str = "at-cached-for-serve";

/// A running `amtoken serve`, its first stderr line read (it listens), the rest collected.
pub(crate) struct Served {
    child: Child,
    listening: String,
    stderr: std::thread::JoinHandle<String>,
}

impl Served {
    pub(crate) fn start(mut command: std::process::Command) -> Self {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut listening = String::new();
        stderr.read_line(&mut listening).unwrap();
        assert!(
            listening.starts_with("amtoken: serve: listening on "),
            "{listening}"
        );
        let stderr = std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = stderr.read_to_string(&mut rest);
            rest
        });
        Served {
            child,
            listening,
            stderr,
        }
    }

    /// The TCP port from `listening on http://127.0.0.1:PORT (…)`.
    pub(crate) fn port(&self) -> u16 {
        let rest = self.listening.split("127.0.0.1:").nth(1).unwrap();
        rest.split(' ').next().unwrap().parse().unwrap()
    }

    /// SIGTERM, then how it ended and what else it said.
    pub(crate) fn stop(mut self) -> (std::process::ExitStatus, String) {
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = self.child.wait().unwrap();
        (status, self.stderr.join().unwrap())
    }
}

/// `amtoken serve ARGS` for a sandbox whose cache holds a token for an hour.
pub(crate) fn serve_command(sandbox: &Sandbox, args: &[&str]) -> std::process::Command {
    let mut command = sandbox.std_amtoken_at(ISSUER);
    command.arg("serve").args(args);
    command
}

pub(crate) fn cached_sandbox() -> Sandbox {
    Sandbox::cached_at(ISSUER, ACCESS_TOKEN)
}

/// A response as received: status, headers (lower-case names), body.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|error| panic!("{error}: {self:?}"))
    }
}

/// Sends `request` (a whole HTTP/1.1 request, `Connection: close`) and reads the answer.
fn exchange(mut stream: impl std::io::Read + std::io::Write, request: &str) -> Answer {
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {raw:?}"));
    let headers = lines
        .filter_map(|line| line.split_once(": "))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

pub(crate) fn get(path: &str, headers: &[&str]) -> String {
    let mut request = format!("GET {path} HTTP/1.1\r\nConnection: close\r\n");
    for header in headers {
        request.push_str(header);
        request.push_str("\r\n");
    }
    request + "\r\n"
}

pub(crate) fn over_socket(socket: &Path, request: &str) -> Answer {
    exchange(
        std::os::unix::net::UnixStream::connect(socket).unwrap(),
        request,
    )
}

pub(crate) fn over_tcp(port: u16, request: &str) -> Answer {
    exchange(
        std::net::TcpStream::connect(("127.0.0.1", port)).unwrap(),
        request,
    )
}

fn default_socket(sandbox: &Sandbox) -> PathBuf {
    sandbox.path("run/amtoken/default.sock")
}

#[test]
fn the_socket_answers_the_token_and_the_header_and_is_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let sandbox = cached_sandbox();
    let served = Served::start(serve_command(&sandbox, &["-v"]));
    let socket = default_socket(&sandbox);
    let mode = std::fs::symlink_metadata(&socket)
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    let token = over_socket(&socket, &get("/token", &["Host: localhost"]));
    assert_eq!(token.status, 200, "{token:?}");
    assert_eq!(token.header("content-type"), Some("application/json"));
    assert_eq!(token.header("cache-control"), Some("no-store"));
    let json = token.json();
    assert_eq!(json["access_token"], ACCESS_TOKEN);
    assert_eq!(json["token_type"], "Bearer");
    let expires_in = json["expires_in"].as_i64().unwrap();
    assert!((3500..=3600).contains(&expires_in), "{json}");
    assert!(json["expires_at"].as_str().unwrap().ends_with('Z'));
    // The fields are those the reference documents, no more.
    let documented: BTreeSet<String> =
        crate::readme::table(&crate::readme::readme(), "#### `GET /token`")
            .iter()
            .map(|row| row[0].trim_matches('`').to_string())
            .collect();
    let answered: BTreeSet<String> = json.as_object().unwrap().keys().cloned().collect();
    assert_eq!(documented, answered);

    let header = over_socket(&socket, &get("/header", &[]));
    assert_eq!(header.status, 200, "{header:?}");
    assert_eq!(
        header.body,
        format!("Authorization: Bearer {ACCESS_TOKEN}\n")
    );

    let post = over_socket(
        &socket,
        "POST /token HTTP/1.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET"));
    let missing = over_socket(&socket, &get("/credentials", &[]));
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"], "not_found");
    let with_body = over_socket(
        &socket,
        "GET /token HTTP/1.1\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello",
    );
    assert_eq!(with_body.status, 413);

    let (status, stderr) = served.stop();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(!socket.exists(), "the socket outlived serve");
    // One line per request, never the token.
    let requests: Vec<&str> = stderr
        .lines()
        .filter(|line| {
            line.starts_with("amtoken: serve: GET ") || line.starts_with("amtoken: serve: POST ")
        })
        .collect();
    assert_eq!(requests.len(), 5, "{stderr}");
    assert!(
        requests[0].starts_with("amtoken: serve: GET /token 200 "),
        "{stderr}"
    );
    assert!(!stderr.contains(ACCESS_TOKEN), "{stderr}");
    assert!(
        stderr.ends_with("amtoken: serve: stopped (SIGTERM)\n"),
        "{stderr}"
    );
}

#[test]
fn a_second_serve_on_the_same_socket_fails_and_leaves_the_first_alone() {
    let sandbox = cached_sandbox();
    let served = Served::start(serve_command(&sandbox, &[]));
    let output = serve_command(&sandbox, &[]).output().unwrap();
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("another amtoken serve is listening on "),
        "{stderr}"
    );
    let token = over_socket(&default_socket(&sandbox), &get("/token", &[]));
    assert_eq!(
        token.status, 200,
        "the first serve lost its socket: {token:?}"
    );
    let (status, _) = served.stop();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn a_socket_left_by_a_killed_serve_is_replaced() {
    let sandbox = cached_sandbox();
    let mut killed = Served::start(serve_command(&sandbox, &[]));
    killed.child.kill().unwrap();
    killed.child.wait().unwrap();
    assert!(
        default_socket(&sandbox).exists(),
        "SIGKILL left no socket behind"
    );
    let served = Served::start(serve_command(&sandbox, &[]));
    let token = over_socket(&default_socket(&sandbox), &get("/token", &[]));
    assert_eq!(token.status, 200);
    served.stop();
}

#[test]
fn loopback_tcp_needs_the_secret_and_the_loopback_host() {
    let sandbox = cached_sandbox();
    let served = Served::start(serve_command(&sandbox, &["--listen", "127.0.0.1:0"]));
    let port = served.port();
    let secret_file = sandbox.path("run/amtoken/default.serve-secret");
    assert!(
        served
            .listening
            .contains(&secret_file.display().to_string())
    );
    let secret = std::fs::read_to_string(&secret_file).unwrap();
    assert_eq!(crate::util::mode(&secret_file), 0o600);
    let host = format!("Host: 127.0.0.1:{port}");
    let bearer = format!("Authorization: Bearer {secret}");

    let token = over_tcp(port, &get("/token", &[&host, &bearer]));
    assert_eq!(token.status, 200, "{token:?}");
    assert_eq!(token.json()["access_token"], ACCESS_TOKEN);
    let localhost = format!("Host: localhost:{port}");
    assert_eq!(
        over_tcp(port, &get("/header", &[&localhost, &bearer])).status,
        200
    );

    let missing = over_tcp(port, &get("/token", &[&host]));
    assert_eq!(missing.status, 401);
    assert!(
        missing
            .header("www-authenticate")
            .unwrap()
            .starts_with("Bearer")
    );
    assert!(!missing.body.contains(ACCESS_TOKEN));
    let wrong = over_tcp(port, &get("/token", &[&host, "Authorization: Bearer 0000"]));
    assert_eq!(wrong.status, 401);
    // DNS rebinding: a page whose name now points at 127.0.0.1 sends its own Host.
    let foreign = format!("Host: attacker.example:{port}");
    let rebound = over_tcp(port, &get("/token", &[&foreign, &bearer]));
    assert_eq!(rebound.status, 421, "{rebound:?}");
    assert!(!rebound.body.contains(ACCESS_TOKEN));
    // An oversized request head.
    let huge = format!("X-Padding: {}", "a".repeat(20 * 1024));
    assert_eq!(
        over_tcp(port, &get("/token", &[&host, &bearer, &huge])).status,
        431
    );

    // A client that never finishes its request holds nobody else up.
    let mut stalled = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stalled.write_all(b"GET /token HTTP/1.1\r\nHost: ").unwrap();
    let meanwhile = over_tcp(port, &get("/token", &[&host, &bearer]));
    assert_eq!(meanwhile.status, 200);

    let (status, stderr) = served.stop();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(!secret_file.exists(), "the generated secret outlived serve");
    assert!(!stderr.contains(&secret), "{stderr}");
    drop(stalled);
}

#[test]
fn a_secret_file_is_used_as_given_and_kept() {
    let sandbox = cached_sandbox();
    let secret_file = sandbox.path("secret");
    crate::util::write_private(&secret_file, "my-own-secret-0123456789\n");
    let served = Served::start(serve_command(
        &sandbox,
        &[
            "--listen",
            "127.0.0.1:0",
            "--secret-file",
            secret_file.to_str().unwrap(),
        ],
    ));
    let port = served.port();
    let host = format!("Host: 127.0.0.1:{port}");
    let token = over_tcp(
        port,
        &get(
            "/token",
            &[&host, "Authorization: Bearer my-own-secret-0123456789"],
        ),
    );
    assert_eq!(token.status, 200, "{token:?}");
    served.stop();
    assert!(secret_file.exists(), "serve removed a secret it was given");
}

#[test]
fn only_loopback_addresses_may_be_listened_on() {
    let sandbox = cached_sandbox();
    for address in ["0.0.0.0:0", "[::]:0", "10.1.2.3:8080", "localhost"] {
        let output = serve_command(&sandbox, &["--listen", address])
            .output()
            .unwrap();
        let (_, stderr) = outputs(&output);
        assert_eq!(output.status.code(), Some(3), "{address}: {stderr}");
        assert!(stderr.contains("--listen"), "{stderr}");
    }
}

#[test]
fn a_failure_of_the_session_is_an_error_answer_never_a_token() {
    // Nothing stored: 502 not_logged_in.
    let sandbox = Sandbox::new();
    let served = Served::start(serve_command(&sandbox, &[]));
    let answer = over_socket(&default_socket(&sandbox), &get("/token", &[]));
    assert_eq!(answer.status, 502, "{answer:?}");
    assert_eq!(answer.json()["error"], "not_logged_in");
    assert!(
        answer.json()["message"]
            .as_str()
            .unwrap()
            .contains("amtoken login")
    );
    served.stop();

    // The authorization server unreachable: 503 network, with Retry-After.
    let unreachable = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let sandbox = Sandbox::logged_in_at(&unreachable);
    let mut command = serve_command(&sandbox, &[]);
    command
        .env("AMTOKEN_ISSUER", &unreachable)
        .env("AMTOKEN_CLIENT_SECRET", crate::util::CLIENT_SECRET);
    let served = Served::start(command);
    let answer = over_socket(&default_socket(&sandbox), &get("/token", &[]));
    assert_eq!(answer.status, 503, "{answer:?}");
    assert_eq!(answer.json()["error"], "network");
    assert!(answer.header("retry-after").is_some(), "{answer:?}");
    let (status, stderr) = served.stop();
    assert_eq!(status.code(), Some(0));
    assert!(
        stderr.contains("amtoken: serve: failed to refresh the access token"),
        "{stderr}"
    );
    for secret in [crate::util::REFRESH_TOKEN, crate::util::CLIENT_SECRET] {
        assert!(
            !stderr.contains(secret),
            "stderr shows {secret:?}: {stderr}"
        );
    }
}

/// 64 clients at once against the real provider, whose tokens for this client live 4 seconds:
/// every token they get is accepted by the API stand-in (which checks it with the provider's
/// keys), and serve refreshes once per expiry, however many ask.
#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn sixty_four_clients_get_valid_tokens_and_each_expiry_costs_one_refresh() {
    const CLIENT: &str = "amtoken-serve";
    let sandbox = crate::provider::logged_in(CLIENT);
    let refreshes_before = crate::provider::grants(CLIENT, "refresh_token");
    let mut command = sandbox.std_amtoken();
    command
        .env("AMTOKEN_ISSUER", crate::provider::issuer())
        .env("AMTOKEN_CLIENT_ID", CLIENT)
        .env("AMTOKEN_CLIENT_SECRET", crate::provider::secret_of(CLIENT))
        .env("AMTOKEN_STORE", "file")
        .env("XDG_RUNTIME_DIR", sandbox.path("run"))
        .arg("serve");
    let served = Served::start(command);
    let socket = default_socket(&sandbox);
    let api = format!(
        "{}/api/v1/companies",
        std::env::var("AMTOKEN_TEST_API_URL").unwrap()
    );
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    let refused = Arc::new(Mutex::new(Vec::new()));
    let clients: Vec<_> = (0..64)
        .map(|_| {
            let (socket, api, seen, refused) = (
                socket.clone(),
                api.clone(),
                Arc::clone(&seen),
                Arc::clone(&refused),
            );
            std::thread::spawn(move || {
                let http = reqwest::blocking::Client::new();
                for _ in 0..400 {
                    if seen.lock().unwrap().len() >= 4 {
                        return;
                    }
                    let answer = over_socket(&socket, &get("/token", &[]));
                    assert_eq!(answer.status, 200, "{answer:?}");
                    let token = answer.json()["access_token"].as_str().unwrap().to_string();
                    let answer = http.get(&api).bearer_auth(&token).send().unwrap();
                    if answer.status() != 200 {
                        let why = answer.text().unwrap_or_default();
                        refused.lock().unwrap().push(why);
                    }
                    seen.lock().unwrap().insert(token);
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
            })
        })
        .collect();
    for client in clients {
        client.join().unwrap();
    }
    let (status, stderr) = served.stop();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(
        *refused.lock().unwrap(),
        Vec::<String>::new(),
        "refused tokens"
    );
    let distinct = seen.lock().unwrap().len() as u64;
    assert!(distinct >= 4, "{distinct} tokens: {stderr}");
    // Every refresh made a token some client got: one refresh grant per distinct token.
    let refreshes = crate::provider::grants(CLIENT, "refresh_token") - refreshes_before;
    assert_eq!(refreshes, distinct, "{stderr}");
    // And no two were made for one expiry: had 64 clients each refreshed when the token came
    // due, several tokens would have been issued in the same second. serve renews at most
    // once a second, so each token has an `iat` of its own.
    let issued: BTreeSet<i64> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|token| issued_at(token))
        .collect();
    assert_eq!(
        issued.len() as u64,
        distinct,
        "tokens issued in the same second"
    );
}

/// The `iat` claim of a JWT.
fn issued_at(token: &str) -> i64 {
    use base64::Engine as _;
    let payload = token.split('.').nth(1).unwrap();
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    let claims: serde_json::Value = serde_json::from_slice(&json).unwrap();
    claims["iat"].as_i64().unwrap()
}

/// Issue 28.3: what an operator asks of a running serve. `/healthz` and `/readyz` need no
/// secret and show no token; `/metrics` counts what was done, behind the secret on TCP.
#[test]
fn health_readiness_and_metrics_answer_operators_and_never_show_a_token() {
    let sandbox = cached_sandbox();
    let served = Served::start(serve_command(
        &sandbox,
        &["--listen", "127.0.0.1:0", "--log-format", "json"],
    ));
    let port = served.port();
    let secret = std::fs::read_to_string(sandbox.path("run/amtoken/default.serve-secret")).unwrap();
    let host = format!("Host: 127.0.0.1:{port}");
    let bearer = format!("Authorization: Bearer {secret}");
    let health = over_tcp(port, &get("/healthz", &[&host]));
    assert_eq!(health.status, 200, "{health:?}");
    assert_eq!(health.json()["status"], "serving");
    // The worker takes the cached token at start; readiness may take a moment to see it.
    let mut ready = over_tcp(port, &get("/readyz", &[&host]));
    for _ in 0..50 {
        if ready.status == 200 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        ready = over_tcp(port, &get("/readyz", &[&host]));
    }
    assert_eq!(ready.status, 200, "{ready:?}");
    assert_eq!(
        over_tcp(port, &get("/healthz", &["Host: attacker.example"])).status,
        421
    );
    assert_eq!(over_tcp(port, &get("/metrics", &[&host])).status, 401);
    assert_eq!(
        over_tcp(port, &get("/token", &[&host, &bearer])).status,
        200
    );
    let metrics = over_tcp(port, &get("/metrics", &[&host, &bearer]));
    assert_eq!(metrics.status, 200);
    for line in [
        r#"amtoken_serve_requests_total{path="/healthz",status="200"} 1"#,
        r#"amtoken_serve_requests_total{path="/token",status="200"} 1"#,
        r#"amtoken_serve_requests_total{path="/metrics",status="401"} 1"#,
        r#"amtoken_serve_renewals_total{result="taken"} 1"#,
    ] {
        assert!(
            metrics.body.lines().any(|l| l == line),
            "{line}:\n{}",
            metrics.body
        );
    }
    assert!(
        metrics
            .body
            .contains("amtoken_token_expiry_timestamp_seconds ")
    );
    for answer in [&health, &ready, &metrics] {
        assert!(!answer.body.contains(ACCESS_TOKEN), "{answer:?}");
    }
    let (status, stderr) = served.stop();
    assert!(status.success(), "{stderr}");
    // Without -v there are no request lines; serve's own lines keep their prefix.
    assert!(!stderr.contains("\"path\""), "{stderr}");
}

/// Issue 28.3: `--log-format json` gives log shippers one JSON object per request.
#[test]
fn request_lines_are_json_objects_with_log_format_json() {
    let sandbox = cached_sandbox();
    let mut command = serve_command(&sandbox, &["--log-format", "json"]);
    command.arg("-v");
    let served = Served::start(command);
    let socket = default_socket(&sandbox);
    assert_eq!(over_socket(&socket, &get("/token", &[])).status, 200);
    let (_, stderr) = served.stop();
    let line = stderr
        .lines()
        .find(|line| line.starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON line: {stderr}"));
    let entry: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(entry["method"], "GET");
    assert_eq!(entry["path"], "/token");
    assert_eq!(entry["status"], 200);
    assert!(
        entry["latency_ms"].is_number() && entry["time"].is_string(),
        "{entry}"
    );
    assert!(!stderr.contains(ACCESS_TOKEN));
}

/// Issue 28.3: `/readyz` says why it is not ready, as the error a command would print.
#[test]
fn readiness_without_a_login_is_503_with_the_reason() {
    let sandbox = Sandbox::new();
    let served = Served::start(serve_command(&sandbox, &[]));
    let socket = default_socket(&sandbox);
    assert_eq!(over_socket(&socket, &get("/healthz", &[])).status, 200);
    let ready = over_socket(&socket, &get("/readyz", &[]));
    assert_eq!(ready.status, 503, "{ready:?}");
    let body = ready.json();
    assert!(
        ["not_logged_in", "network"].contains(&body["error"].as_str().unwrap()),
        "{body}"
    );
    served.stop();
}

/// Issue 28.3: systemd's socket activation (the socket passed as fd 3 by
/// `systemd-socket-activate`, as a .socket unit does) and its readiness notification (READY=1
/// on the datagram socket NOTIFY_SOCKET names, as Type=notify waits for).
#[test]
fn a_socket_passed_by_systemd_is_served_and_readiness_is_notified() {
    let sandbox = cached_sandbox();
    let socket = sandbox.path("activated.sock");
    let notify_path = sandbox.path("notify");
    let notify = std::os::unix::net::UnixDatagram::bind(&notify_path).unwrap();
    notify
        .set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let served = serve_command(&sandbox, &[]);
    let mut command = std::process::Command::new("systemd-socket-activate");
    command.arg("-l").arg(&socket);
    // systemd-socket-activate passes on only the variables it is told to.
    for (name, value) in served.get_envs() {
        if let Some(value) = value {
            command.arg(format!(
                "--setenv={}={}",
                name.to_string_lossy(),
                value.to_string_lossy()
            ));
        }
    }
    command
        .arg(format!("--setenv=NOTIFY_SOCKET={}", notify_path.display()))
        .arg(served.get_program())
        .args(served.get_args())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    // systemd-socket-activate binds before it starts amtoken (on the first connection).
    for _ in 0..100 {
        if socket.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let token = over_socket(&socket, &get("/token", &[]));
    assert_eq!(token.status, 200, "{token:?}");
    assert_eq!(token.json()["access_token"], ACCESS_TOKEN);
    let mut message = [0u8; 256];
    let length = notify.recv(&mut message).unwrap();
    assert_eq!(&message[..length], b"READY=1\n");
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("(passed by systemd)"), "{stderr}");
    // The socket is systemd's: serve does not remove it.
    assert!(socket.exists());
}
