//! Issue 11: a fleet sharing one connection through OpenBao (the dev server of
//! tests/services.sh). Runners are processes with their own HOME and XDG directories that share
//! only the Vault path.

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::process::{Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use httpmock::MockServer;

use crate::provider;
use crate::util::{Sandbox, outputs};

const IGNORE: &str = "needs OpenBao and the test provider: run `bash tests/run`";

pub fn vault_addr() -> String {
    std::env::var("AMTOKEN_TEST_VAULT_ADDR").expect("run with `bash tests/run`")
}

pub fn vault_token() -> String {
    std::env::var("AMTOKEN_TEST_VAULT_TOKEN").expect("run with `bash tests/run`")
}

/// A fresh Vault path for one test.
pub fn unique_path(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("amtoken/{name}-{}-{nanos}", std::process::id())
}

/// One machine of the fleet: its own home, the shared Vault path.
pub struct Runner {
    pub sandbox: Sandbox,
    client: &'static str,
    path: String,
}

impl Runner {
    pub fn new(client: &'static str, path: &str) -> Self {
        Runner {
            sandbox: Sandbox::new(),
            client,
            path: path.to_string(),
        }
    }

    pub fn command(&self) -> std::process::Command {
        let mut command = self.sandbox.std_amtoken();
        command
            .env("AMTOKEN_ISSUER", provider::issuer())
            .env("AMTOKEN_CLIENT_ID", self.client)
            .env("AMTOKEN_CLIENT_SECRET", provider::secret_of(self.client))
            .env("AMTOKEN_REDIRECT_URI", provider::REDIRECT_URI)
            .env("AMTOKEN_STORE", "vault")
            .env("AMTOKEN_VAULT_ADDR", vault_addr())
            .env("AMTOKEN_VAULT_PATH", &self.path)
            .env("VAULT_TOKEN", vault_token())
            .env_remove("VAULT_ADDR")
            .stdin(Stdio::null());
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }

    /// `exchange` of a fresh code into the shared secret.
    pub fn login(&self) {
        let callback = provider::authorize(self.client, "s", &[]);
        let output = self.run(&["exchange", "--code", &callback]);
        assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
    }
}

/// The shared secret's data and version, read as any Vault client would.
fn read_secret(path: &str) -> Option<(serde_json::Value, u64)> {
    let response = reqwest::blocking::Client::new()
        .get(format!("{}/v1/secret/data/{path}", vault_addr()))
        .header("X-Vault-Token", vault_token())
        .send()
        .unwrap();
    if response.status() == 404 {
        return None;
    }
    let body: serde_json::Value = response.json().unwrap();
    let version = body["data"]["metadata"]["version"].as_u64().unwrap();
    Some((body["data"]["data"].clone(), version))
}

#[test]
#[ignore = "needs OpenBao and the test provider: run `bash tests/run`"]
fn a_login_on_one_machine_serves_another_and_logout_deletes_the_secret() {
    let _ = IGNORE;
    let path = unique_path("basic");
    let first = Runner::new("amtoken-vault", &path);
    first.login();
    let (data, version) = read_secret(&path).unwrap();
    for field in [
        "refresh_token",
        "issuer",
        "client_id",
        "scope",
        "obtained_at",
        "access_token",
        "token_type",
        "expires_at",
    ] {
        assert!(
            data.get(field).is_some(),
            "the shared secret lacks {field}: {data}"
        );
    }
    assert!(
        data.get("lease_holder")
            .is_none_or(serde_json::Value::is_null)
    );

    // Another machine, nothing local: the shared access token, no refresh.
    let second = Runner::new("amtoken-vault", &path);
    let refreshes = provider::grants("amtoken-vault", "refresh_token");
    let output = second.run(&["token"]);
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(stdout.trim(), data["access_token"].as_str().unwrap());
    assert_eq!(
        provider::grants("amtoken-vault", "refresh_token"),
        refreshes
    );

    let output = second.run(&["status", "--json"]);
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let status: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(status["store"], "vault");
    assert_eq!(status["store_version"], version);
    assert!(status["store_location"].as_str().unwrap().contains(&path));
    assert!(!stdout.contains(data["refresh_token"].as_str().unwrap()));
    assert!(!stdout.contains(&vault_token()));

    // A forced refresh on the second machine rotates the shared token.
    let output = second.run(&["refresh", "--force"]);
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
    let (rotated, newer) = read_secret(&path).unwrap();
    assert!(newer > version);
    assert_ne!(rotated["refresh_token"], data["refresh_token"]);

    let output = first.run(&["logout"]);
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
    assert!(read_secret(&path).is_none());
    let output = second.run(&["status"]);
    assert_eq!(output.status.code(), Some(4));
}

#[test]
#[ignore = "needs OpenBao and the test provider: run `bash tests/run`"]
fn vault_failures_have_their_exit_codes() {
    let path = unique_path("failures");
    let runner = Runner::new("amtoken-post", &path);
    // Nothing at the path: not logged in.
    let output = runner.run(&["token"]);
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("not logged in"), "{stderr}");

    // A token Vault refuses: 8, with a hint about the policy, and the token never shown.
    let output = runner
        .command()
        .env("VAULT_TOKEN", "s.not-a-real-token")
        .args(["status"])
        .output()
        .unwrap();
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(8), "{stderr}");
    assert!(
        stderr.contains("Vault refused the token or the path (HTTP 403"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: check the Vault address and token"),
        "{stderr}"
    );
    assert!(!stderr.contains("s.not-a-real-token"));

    // Vault down: 6.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = runner
        .command()
        .env("AMTOKEN_VAULT_ADDR", format!("http://127.0.0.1:{port}"))
        .args(["token"])
        .output()
        .unwrap();
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains("cannot reach vault"), "{stderr}");

    // No address at all: a settings error (3), saying which setting is missing.
    let output = runner
        .command()
        .env_remove("AMTOKEN_VAULT_ADDR")
        .args(["token"])
        .output()
        .unwrap();
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("needs a Vault address"), "{stderr}");
}

/// A Vault token whose policy reads and writes `path` only: no `list` anywhere.
fn token_for_one_path(path: &str) -> String {
    token_of_policy(&policy_for_one_path(path))
}

/// A policy that reads and writes `path` only (no `list` anywhere); its name.
pub fn policy_for_one_path(path: &str) -> String {
    let name = path.replace('/', "-");
    put_policy(
        &name,
        &format!(
            "path \"secret/data/{path}\" {{ capabilities = [\"create\", \"read\", \"update\"] }}\n\
             path \"secret/metadata/{path}\" {{ capabilities = [\"read\", \"delete\"] }}"
        ),
    );
    name
}

/// Writes the ACL policy `name` (HCL).
fn put_policy(name: &str, policy: &str) {
    let response = reqwest::blocking::Client::new()
        .put(format!("{}/v1/sys/policies/acl/{name}", vault_addr()))
        .header("X-Vault-Token", vault_token())
        .json(&serde_json::json!({ "policy": policy }))
        .send()
        .unwrap();
    assert!(
        response.status().is_success(),
        "{}",
        response.text().unwrap()
    );
}

/// A new 10-minute Vault token with the policy `name`.
pub fn token_of_policy(name: &str) -> String {
    let created: serde_json::Value = reqwest::blocking::Client::new()
        .post(format!("{}/v1/auth/token/create", vault_addr()))
        .header("X-Vault-Token", vault_token())
        .json(&serde_json::json!({ "policies": [name], "ttl": "10m" }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    created["auth"]["client_token"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
#[ignore = "needs OpenBao and the test provider: run `bash tests/run`"]
fn status_all_with_a_policy_that_may_not_list_shows_the_profile_it_may_read() {
    let path = unique_path("no-list");
    let runner = Runner::new("amtoken-post", &path);
    runner.login();
    let limited = token_for_one_path(&path);
    let output = runner
        .command()
        .env("VAULT_TOKEN", &limited)
        .args(["status", "--all", "--json"])
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: failed to list the stored profiles")
            && stderr.contains("HTTP 403"),
        "{stderr}"
    );
    assert!(!stderr.contains(&limited));
    let status: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let profiles = status["profiles"].as_array().unwrap();
    assert_eq!(profiles.len(), 1, "{stdout}");
    assert_eq!(profiles[0]["profile"], "default");
    assert_eq!(profiles[0]["usable"], true);
}

/// What a [`VaultProxy`] does to the `nth` write of a secret (a POST under /v1/secret/data/).
enum WriteFault {
    /// Answers 503, as a Vault that lost its storage would.
    Fails,
    /// Forwards it, says so on the first channel, and holds the answer until the second one
    /// releases it.
    Holds(std::sync::mpsc::Sender<()>, std::sync::mpsc::Receiver<()>),
}

/// A proxy in front of OpenBao that forwards every request but one write, and counts writes.
struct VaultProxy {
    url: String,
    writes: Arc<AtomicUsize>,
}

impl VaultProxy {
    fn start(nth: usize, fault: WriteFault) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let writes = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&writes);
        let fault = Arc::new(Mutex::new(Some(fault)));
        std::thread::spawn(move || {
            for socket in listener.incoming().flatten() {
                let writes = Arc::clone(&counted);
                let fault = Arc::clone(&fault);
                std::thread::spawn(move || forward_requests(socket, &writes, nth, &fault));
            }
        });
        VaultProxy { url, writes }
    }

    fn writes(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }
}

/// Serves the requests of one keep-alive connection for [`VaultProxy`].
fn forward_requests(
    mut socket: std::net::TcpStream,
    writes: &AtomicUsize,
    nth: usize,
    fault: &Mutex<Option<WriteFault>>,
) {
    let client = reqwest::blocking::Client::new();
    let mut reader = BufReader::new(socket.try_clone().unwrap());
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = request_line.split_whitespace();
        let (method, path) = (
            parts.next().unwrap().to_string(),
            parts.next().unwrap().to_string(),
        );
        let mut headers = Vec::new();
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let Some((name, value)) = line.trim_end().split_once(':') else {
                break;
            };
            let (name, value) = (name.to_ascii_lowercase(), value.trim().to_string());
            if name == "content-length" {
                length = value.parse().unwrap();
            }
            if !["host", "content-length", "connection"].contains(&name.as_str()) {
                headers.push((name, value));
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let faulty = method == "POST"
            && path.starts_with("/v1/secret/data/")
            && writes.fetch_add(1, Ordering::SeqCst) + 1 == nth;
        let fault = if faulty {
            fault.lock().unwrap().take()
        } else {
            None
        };
        let (status, answer) = if let Some(WriteFault::Fails) = fault {
            (
                503,
                r#"{"errors":["injected: storage unavailable"]}"#.to_string(),
            )
        } else {
            let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            let mut request = client.request(method, format!("{}{path}", vault_addr()));
            for (name, value) in headers {
                request = request.header(name, value);
            }
            let response = request.body(body).send().unwrap();
            (response.status().as_u16(), response.text().unwrap())
        };
        if let Some(WriteFault::Holds(answered, release)) = fault {
            answered.send(()).unwrap();
            release.recv().unwrap();
        }
        let written = write!(
            socket,
            "HTTP/1.1 {status} Proxied\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        if written.is_err() {
            return;
        }
    }
}

/// The provider rotated the refresh token, then Vault failed to take it: the new token waits in
/// the 0600 rescue file on that machine, and the next run there moves it into the secret.
#[test]
#[ignore = "needs OpenBao and the test provider: run `bash tests/run`"]
fn a_vault_that_fails_after_the_refresh_leaves_the_token_in_the_rescue_file_until_the_next_run() {
    const CLIENT: &str = "amtoken-vault-rescue";
    let path = unique_path("rescue");
    let runner = Runner::new(CLIENT, &path);
    runner.login();
    let errors = provider::grants(CLIENT, "errors");
    // A refresh writes the secret twice: the lease, then the new state. The second fails.
    let output = runner
        .command()
        .env(
            "AMTOKEN_VAULT_ADDR",
            VaultProxy::start(2, WriteFault::Fails).url,
        )
        .args(["refresh", "--force", "--timeout", "3s"])
        .output()
        .unwrap();
    let stderr = crate::util::failed(&output, 6);
    assert!(
        stderr.contains("the new refresh token was saved to the rescue file"),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("Vault answered HTTP 503 Service Unavailable: injected: storage unavailable"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the next refresh moves it into"),
        "{stderr}"
    );
    let rescue = runner.sandbox.path("data/amtoken/default.rescue.json");
    assert_eq!(crate::util::mode(&rescue), 0o600);
    let rescued = crate::util::read_json(&rescue)["refresh_token"].clone();
    assert!(!stderr.contains(rescued.as_str().unwrap()));
    let (shared, _) = read_secret(&path).unwrap();
    assert_ne!(
        shared["refresh_token"], rescued,
        "Vault still has the spent token"
    );

    // Vault is well again: the next run waits out the lease the failed run left, moves the
    // rescued token into the secret under a lease of its own and refreshes with it; the spent
    // one is never sent.
    let output = runner.run(&["refresh", "--force"]);
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("moved the rescued refresh token"),
        "{stderr}"
    );
    assert!(!rescue.exists());
    assert_eq!(provider::grants(CLIENT, "errors"), errors);
    let (shared, _) = read_secret(&path).unwrap();
    assert_ne!(shared["refresh_token"], rescued, "rotated again");
}

/// Eight runners call `amtoken token --min-ttl 0s` in a loop while the provider's access tokens
/// live two seconds (a token is fresh for about one), across at least 40 expiries: one refresh grant per expiry at the provider (every
/// token printed is one the provider issued once, no refresh was wasted on a token another
/// runner had just refreshed: that would be an invalid_grant, the token having rotated).
#[test]
#[ignore = "needs OpenBao and the test provider: run `bash tests/run`"]
fn eight_runners_share_one_refresh_per_expiry() {
    const RUNNERS: usize = 8;
    const EXPIRIES: u64 = 40;
    let client = "amtoken-fleet";
    let path = unique_path("fleet");
    Runner::new(client, &path).login();
    let runners = (0..RUNNERS)
        .map(|_| {
            let runner = Runner::new(client, &path);
            FleetRunner::new(move || {
                let mut command = runner.command();
                command.args(["token", "--min-ttl", "0s", "--lock-timeout", "60s"]);
                command
            })
        })
        .collect();
    let run = run_fleet(client, EXPIRIES, Duration::from_secs(240), runners);
    run.assert_one_refresh_per_expiry(EXPIRIES, |_| true);
    assert_issued_by_provider(client, run.tokens(|_| true));
    println!(
        "fleet: {RUNNERS} runners, {} token calls, {} refreshes in {:.1}s",
        run.calls.len(),
        run.refreshes,
        run.elapsed.as_secs_f64()
    );
}

/// Makes the shared access token stale for `--min-ttl 2h` and waits for the lease of a process
/// to appear in the secret.
fn wait_for_lease(path: &str) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (data, _) = read_secret(path).unwrap();
        if data["lease_holder"].is_string() && !data["lease_holder"].as_str().unwrap().is_empty() {
            return data;
        }
        assert!(Instant::now() < deadline, "no lease was taken: {data}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sleeps until the lease in `data` has run out.
fn sleep_past_lease(data: &serde_json::Value) {
    let until =
        chrono::DateTime::parse_from_rfc3339(data["lease_until"].as_str().unwrap()).unwrap();
    let left = until.with_timezone(&chrono::Utc) - chrono::Utc::now();
    std::thread::sleep(left.to_std().unwrap_or_default() + Duration::from_millis(500));
}

#[test]
#[ignore = "needs OpenBao and the test provider: run `bash tests/run`"]
fn a_lease_holder_killed_mid_refresh_stalls_the_others_no_longer_than_its_lease() {
    const CLIENT: &str = "amtoken-lease-killed";
    let path = unique_path("killed");
    Runner::new(CLIENT, &path).login();
    // The holder spends against a token endpoint that never answers in time.
    let black_hole = MockServer::start();
    black_hole.mock(|when, then| {
        when.path("/connect/token");
        then.status(200).delay(Duration::from_secs(60));
    });
    let holder = Runner::new(CLIENT, &path);
    let mut child = holder
        .command()
        .args(["token", "--min-ttl", "2h", "--timeout", "3s"])
        .env("AMTOKEN_TOKEN_URL", black_hole.url("/connect/token"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_lease(&path);
    child.kill().unwrap();
    child.wait().unwrap();

    // Another runner with no patience of its own (--lock-timeout 0s) still gets through: it
    // waits for the dead holder's lease (3s + 10s) and no longer, then refreshes.
    let before = provider::grants(CLIENT, "refresh_token");
    let other = Runner::new(CLIENT, &path);
    let output = other.run(&[
        "token",
        "--min-ttl",
        "2h",
        "--timeout",
        "3s",
        "--lock-timeout",
        "0s",
    ]);
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(provider::grants(CLIENT, "refresh_token"), before + 1);
    let (data, _) = read_secret(&path).unwrap();
    assert_eq!(stdout.trim(), data["access_token"].as_str().unwrap());
    assert!(
        data.get("lease_holder")
            .is_none_or(serde_json::Value::is_null),
        "{data}"
    );
}

/// A token endpoint in front of the provider that forwards one request, then holds the answer
/// until told to deliver it. Returns its URL, a receiver told when the provider has answered,
/// and a sender that releases the answer.
fn holding_proxy() -> (
    String,
    std::sync::mpsc::Receiver<()>,
    std::sync::mpsc::Sender<()>,
) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/connect/token", listener.local_addr().unwrap());
    let (answered, answered_rx) = std::sync::mpsc::channel();
    let (release, release_rx) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut data = Vec::new();
        let mut buffer = [0u8; 8192];
        let body = loop {
            let read = socket.read(&mut buffer).unwrap();
            data.extend_from_slice(&buffer[..read]);
            let text = String::from_utf8_lossy(&data).to_string();
            if let Some(end) = text.find("\r\n\r\n") {
                let length: usize = text[..end]
                    .lines()
                    .find_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse().ok())?
                    })
                    .unwrap_or(0);
                if data.len() >= end + 4 + length {
                    break text[end + 4..].to_string();
                }
            }
        };
        let response = reqwest::blocking::Client::new()
            .post(format!("{}/connect/token", provider::issuer()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .unwrap();
        let status = response.status();
        let answer = response.text().unwrap();
        answered.send(()).unwrap();
        release_rx.recv().unwrap();
        let _ = write!(
            socket,
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
            answer.len()
        );
    });
    (url, answered_rx, release)
}

/// Sends `signal` (`-STOP`, `-CONT`) with the shell's own `kill`: no package needed.
fn signal(child: &std::process::Child, signal: &str) {
    let status = std::process::Command::new("sh")
        .args([
            "-c",
            "kill \"$1\" \"$2\"",
            "sh",
            signal,
            &child.id().to_string(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
}

/// What another machine does while the lease holder is paused.
enum Meanwhile {
    /// Takes the expired lease over, but cannot reach the token endpoint (nothing spent).
    TakesTheLeaseButCannotRefresh,
    /// A person logs in again: a new refresh token replaces the one the holder spent.
    LogsInAgain,
}

/// The lease holder spends the refresh token, then is paused (SIGSTOP) before it hears the
/// answer, past its lease; another machine acts; the holder is resumed (SIGCONT). Step 5: its
/// write loses the check-and-set, and it either stores its token as the live one or keeps it
/// in the rescue file — a token the server issued is never lost.
fn pause_the_lease_holder(client: &'static str, meanwhile: Meanwhile) -> (Runner, Output) {
    let path = unique_path("paused");
    Runner::new(client, &path).login();
    let (proxy, answered, release) = holding_proxy();
    let holder = Runner::new(client, &path);
    let child = holder
        .command()
        .args(["token", "--min-ttl", "2h", "--timeout", "3s"])
        .env("AMTOKEN_TOKEN_URL", &proxy)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    answered.recv_timeout(Duration::from_secs(20)).unwrap();
    signal(&child, "-STOP");
    release.send(()).unwrap();
    let leased = wait_for_lease(&path);
    sleep_past_lease(&leased);
    let other = Runner::new(client, &path);
    match meanwhile {
        Meanwhile::TakesTheLeaseButCannotRefresh => {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let output = other
                .command()
                .args(["token", "--min-ttl", "2h"])
                .env(
                    "AMTOKEN_TOKEN_URL",
                    format!("http://127.0.0.1:{port}/connect/token"),
                )
                .output()
                .unwrap();
            let (_, stderr) = outputs(&output);
            assert_eq!(output.status.code(), Some(6), "{stderr}");
            assert!(stderr.contains("cannot connect"), "{stderr}");
        }
        Meanwhile::LogsInAgain => other.login(),
    }
    signal(&child, "-CONT");
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
    let (data, _) = read_secret(&path).unwrap();
    let printed = outputs(&output).0;
    match meanwhile {
        // The secret still held the spent token: the holder's successor is the live one.
        Meanwhile::TakesTheLeaseButCannotRefresh => {
            assert_eq!(data["access_token"].as_str(), Some(printed.trim()));
            let output = other.run(&["refresh", "--force"]);
            assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
        }
        // The secret moved on: the holder's token waits in the rescue file.
        Meanwhile::LogsInAgain => {
            assert_ne!(data["access_token"].as_str(), Some(printed.trim()));
            assert!(outputs(&output).1.contains("saved to the rescue file"));
        }
    }
    (holder, output)
}

#[test]
#[ignore = "needs OpenBao and the test provider: run `bash tests/run`"]
fn a_lease_holder_paused_past_its_lease_stores_its_token_when_nobody_replaced_it() {
    let (holder, _) = pause_the_lease_holder(
        "amtoken-lease-paused",
        Meanwhile::TakesTheLeaseButCannotRefresh,
    );
    assert!(
        !holder
            .sandbox
            .path("data/amtoken/default.rescue.json")
            .exists()
    );
}

#[test]
#[ignore = "needs OpenBao and the test provider: run `bash tests/run`"]
fn a_lease_holder_paused_past_its_lease_rescues_its_token_when_a_login_replaced_it() {
    let (holder, _) = pause_the_lease_holder("amtoken-lease-rescued", Meanwhile::LogsInAgain);
    let rescued = crate::util::read_json(&holder.sandbox.path("data/amtoken/default.rescue.json"));
    assert!(rescued["refresh_token"].is_string());
    assert_eq!(
        crate::util::mode(&holder.sandbox.path("data/amtoken/default.rescue.json")),
        0o600
    );
}

/// Issue 18: the answer to the lease write comes so late (the holder is paused while it is on
/// its way) that less than one request deadline plus the clock skew is left on the lease. The
/// holder must not spend the refresh token on it — another machine may take the lease over
/// mid-request — but take the lease anew first.
#[test]
#[ignore = "needs OpenBao and the test provider: run `bash tests/run`"]
fn a_lease_with_too_little_left_after_its_write_is_taken_anew_before_the_refresh() {
    const CLIENT: &str = "amtoken-lease-late";
    let path = unique_path("late");
    Runner::new(CLIENT, &path).login();
    let before = provider::grants(CLIENT, "refresh_token");
    let (answered, answered_rx) = std::sync::mpsc::channel();
    let (release, release_rx) = std::sync::mpsc::channel();
    let proxy = VaultProxy::start(1, WriteFault::Holds(answered, release_rx));
    let holder = Runner::new(CLIENT, &path);
    let child = holder
        .command()
        .args(["token", "--min-ttl", "2h", "--timeout", "3s"])
        .env("AMTOKEN_VAULT_ADDR", &proxy.url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    answered_rx.recv_timeout(Duration::from_secs(20)).unwrap();
    signal(&child, "-STOP");
    let (leased, _) = read_secret(&path).unwrap();
    // Resume it with 6 s left on its lease: less than the 3 s timeout plus the 5 s skew.
    let until = chrono::DateTime::parse_from_rfc3339(leased["lease_until"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    let resume_at = until - chrono::Duration::seconds(6);
    std::thread::sleep(
        (resume_at - chrono::Utc::now())
            .to_std()
            .unwrap_or_default(),
    );
    release.send(()).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    signal(&child, "-CONT");
    let output = child.wait_with_output().unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    // The lease, the lease again, the rotated token.
    assert_eq!(proxy.writes(), 3, "{stderr}");
    assert_eq!(provider::grants(CLIENT, "refresh_token"), before + 1);
    let (data, _) = read_secret(&path).unwrap();
    assert_eq!(data["access_token"].as_str(), Some(stdout.trim()));
}

/// Issue 18: a newer refresh token in this machine's rescue file is adopted only under the
/// lease. While another machine holds it, the secret is left alone (its lease too) and the
/// rescued token stays where it is.
#[test]
#[ignore = "needs OpenBao and the test provider: run `bash tests/run`"]
fn a_rescued_token_waits_for_the_lease_of_another_machine() {
    const CLIENT: &str = "amtoken-lease-rescue-waits";
    let path = unique_path("rescue-waits");
    Runner::new(CLIENT, &path).login();
    let (mut data, version) = read_secret(&path).unwrap();
    let runner = Runner::new(CLIENT, &path);
    let rescue = runner.sandbox.path("data/amtoken/default.rescue.json");
    let mut rescued = data.clone();
    rescued["refresh_token"] = "rt-rescued".into();
    rescued["obtained_at"] = chrono::Utc::now().to_rfc3339().into();
    for field in [
        "access_token",
        "token_type",
        "expires_at",
        "lease_holder",
        "lease_until",
    ] {
        rescued.as_object_mut().unwrap().remove(field);
    }
    std::fs::create_dir_all(rescue.parent().unwrap()).unwrap();
    std::fs::write(&rescue, rescued.to_string()).unwrap();
    // Another machine holds the lease for a minute.
    data["lease_holder"] = "another-machine".into();
    data["lease_until"] = (chrono::Utc::now() + chrono::Duration::seconds(60))
        .to_rfc3339()
        .into();
    let written = reqwest::blocking::Client::new()
        .post(format!("{}/v1/secret/data/{path}", vault_addr()))
        .header("X-Vault-Token", vault_token())
        .json(&serde_json::json!({ "options": { "cas": version }, "data": data }))
        .send()
        .unwrap();
    assert!(written.status().is_success());
    let output = runner.run(&[
        "token",
        "--min-ttl",
        "2h",
        "--timeout",
        "1s",
        "--lock-timeout",
        "0s",
    ]);
    let stderr = crate::util::failed(&output, 9);
    assert!(stderr.contains("another-machine"), "{stderr}");
    let (now, now_version) = read_secret(&path).unwrap();
    assert_eq!(now_version, version + 1, "the secret was written: {now}");
    assert_eq!(now["lease_holder"], "another-machine");
    assert!(rescue.exists());
}

/// One call of a fleet runner: which runner, its exit code, what it printed.
pub struct FleetCall {
    pub runner: usize,
    pub code: i32,
    pub token: String,
    pub stderr: String,
}

/// A runner of [`run_fleet`]: the amtoken command it runs over and over.
pub struct FleetRunner(Box<dyn Fn() -> std::process::Command + Send>);

impl FleetRunner {
    pub fn new(command: impl Fn() -> std::process::Command + Send + 'static) -> Self {
        FleetRunner(Box::new(command))
    }
}

/// Every token is a real one of the provider's (they may have expired since: leeway).
pub fn assert_issued_by_provider<'a>(
    client: &'static str,
    tokens: impl IntoIterator<Item = &'a str>,
) {
    let verifier = Runner::new(client, "unused");
    let jwks = format!(
        "{}/.well-known/openid-configuration/jwks",
        provider::issuer()
    );
    for token in tokens {
        let output = verifier.run(&[
            "decode", "--verify", "--jwks", &jwks, "--leeway", "1h", token,
        ]);
        assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
    }
}

/// The requests in OpenBao's audit log so far (tests/services.sh declares the device).
pub fn audited_requests() -> Vec<serde_json::Value> {
    let log =
        std::fs::read_to_string(std::env::var("AMTOKEN_TEST_VAULT_AUDIT_LOG").unwrap()).unwrap();
    log.lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|entry| entry["type"] == "request")
        .collect()
}

/// What a [`run_fleet`] did: every call, and what the provider counted meanwhile.
pub struct FleetRun {
    pub calls: Vec<FleetCall>,
    /// Refresh grants of the client.
    pub refreshes: u64,
    /// Token requests of the client the provider refused (an invalid_grant: a spent token).
    pub refused: u64,
    pub elapsed: Duration,
}

impl FleetRun {
    /// Every call printed a token, `expiries` expiries came, the provider refused nothing, and
    /// the calls `refreshing` picks out printed one distinct token per refresh: no refresh was
    /// wasted (the exchange's token may or may not have been printed before it went stale).
    pub fn assert_one_refresh_per_expiry(
        &self,
        expiries: u64,
        refreshing: impl Fn(&FleetCall) -> bool,
    ) {
        for call in &self.calls {
            assert_eq!(call.code, 0, "runner {}: {}", call.runner, call.stderr);
        }
        let refreshes = self.refreshes;
        assert!(
            refreshes >= expiries,
            "only {refreshes} expiries in the time allowed"
        );
        assert_eq!(self.refused, 0, "no invalid_grant");
        let distinct = self.tokens(refreshing).len() as u64;
        assert!(
            distinct == refreshes || distinct == refreshes + 1,
            "{distinct} distinct tokens for {refreshes} refreshes"
        );
    }

    /// The distinct tokens printed by the calls `pick` picks out.
    pub fn tokens(&self, pick: impl Fn(&FleetCall) -> bool) -> BTreeSet<&str> {
        self.calls
            .iter()
            .filter(|call| pick(call))
            .map(|call| call.token.as_str())
            .collect()
    }
}

/// Runs every runner's command in a loop, each on a thread of its own, until the provider has
/// counted `expiries` more refresh grants of `client` (or `limit` has passed).
pub fn run_fleet(
    client: &str,
    expiries: u64,
    limit: Duration,
    runners: Vec<FleetRunner>,
) -> FleetRun {
    let refreshes_before = provider::grants(client, "refresh_token");
    let refused_before = provider::grants(client, "errors");
    let stop = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(Mutex::new(Vec::new()));
    let threads: Vec<_> = runners
        .into_iter()
        .enumerate()
        .map(|(runner, FleetRunner(command))| {
            let (stop, calls) = (stop.clone(), calls.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let output = command().output().unwrap();
                    let (stdout, stderr) = outputs(&output);
                    calls.lock().unwrap().push(FleetCall {
                        runner,
                        code: output.status.code().unwrap_or(-1),
                        token: stdout.trim().to_string(),
                        stderr,
                    });
                }
            })
        })
        .collect();
    let started = Instant::now();
    while provider::grants(client, "refresh_token") - refreshes_before < expiries
        && started.elapsed() < limit
    {
        std::thread::sleep(Duration::from_millis(200));
    }
    stop.store(true, Ordering::SeqCst);
    for thread in threads {
        thread.join().unwrap();
    }
    FleetRun {
        calls: std::mem::take(&mut *calls.lock().unwrap()),
        refreshes: provider::grants(client, "refresh_token") - refreshes_before,
        refused: provider::grants(client, "errors") - refused_before,
        elapsed: started.elapsed(),
    }
}

/// A Vault token with `policy` (HCL) under the name `name`.
fn token_with_policy(name: &str, policy: &str) -> String {
    put_policy(name, policy);
    token_of_policy(name)
}

/// 8 readers whose policy reads only the access path, and 2 refreshers: every call gets a
/// provider token, one refresh per expiry, and the server's audit log shows that no reader
/// ever asked for the refresh token's path.
#[test]
#[ignore = "needs OpenBao and the test provider: run `bash tests/run`"]
fn readers_never_touch_the_refresh_token_and_two_refreshers_refresh_once_per_expiry() {
    const READERS: usize = 8;
    const EXPIRIES: u64 = 8;
    let client = "amtoken-fleet-readers";
    let path = unique_path("readers");
    let access = format!("{path}/access");
    let unique = path.rsplit('-').next().unwrap().to_string();
    let reader_policy = format!("amtoken-reader-{unique}");
    let reader_token = token_with_policy(
        &reader_policy,
        &format!("path \"secret/data/{access}\" {{ capabilities = [\"read\"] }}"),
    );
    let refresher_token = token_with_policy(
        &format!("amtoken-refresher-{unique}"),
        &format!(
            "path \"secret/data/{path}\" {{ capabilities = [\"create\", \"read\", \"update\"] }}\n\
             path \"secret/data/{access}\" {{ capabilities = [\"create\", \"read\", \"update\"] }}"
        ),
    );
    let login = Runner::new(client, &path);
    let output = login
        .command()
        .env("AMTOKEN_VAULT_ACCESS_PATH", &access)
        .args(["exchange", "--code", &provider::authorize(client, "s", &[])])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);

    // Runners 0..READERS are readers, the last two refreshers.
    let runners = (0..READERS + 2)
        .map(|n| {
            let reader = n < READERS;
            let runner = Runner::new(client, &path);
            let access = access.clone();
            let vault = if reader {
                reader_token.clone()
            } else {
                refresher_token.clone()
            };
            FleetRunner::new(move || {
                let mut command = runner.command();
                command
                    .env("VAULT_TOKEN", &vault)
                    .env("AMTOKEN_VAULT_ACCESS_PATH", &access)
                    .args(["token", "--lock-timeout", "30s"]);
                if reader {
                    command
                        .env("AMTOKEN_FLEET_ROLE", "reader")
                        .env_remove("AMTOKEN_CLIENT_SECRET")
                        .args(["--min-ttl", "0s"]);
                } else {
                    // Not 1s: a token of 2 s whose whole-second `exp` leaves barely more than
                    // one has "less than 1s left" at once, and the refreshers would renew it on
                    // every call — eight expiries in under a second, before a reader had run.
                    command.args(["--min-ttl", "0s"]);
                }
                command
            })
        })
        .collect();
    let run = run_fleet(client, EXPIRIES, Duration::from_secs(180), runners);
    let is_reader = |call: &FleetCall| call.runner < READERS;
    run.assert_one_refresh_per_expiry(EXPIRIES, |call| !is_reader(call));
    let read = run.tokens(is_reader);
    let reader_calls: Vec<&FleetCall> = run.calls.iter().filter(|call| is_reader(call)).collect();
    assert!(
        read.len() >= 2,
        "the readers saw {} tokens in {} calls over {:.1}s; the last: {:?}",
        read.len(),
        reader_calls.len(),
        run.elapsed.as_secs_f64(),
        reader_calls.last().map(|call| &call.stderr)
    );
    assert_issued_by_provider(client, read);

    // The audit log: every request made with the readers' policy is for the access path.
    let mut reader_requests = 0;
    for entry in audited_requests() {
        let policies = entry["auth"]["policies"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if policies
            .iter()
            .any(|policy| policy == reader_policy.as_str())
        {
            reader_requests += 1;
            assert_eq!(
                entry["request"]["path"],
                format!("secret/data/{access}"),
                "a reader asked for another path: {entry}"
            );
        }
    }
    assert!(reader_requests >= 1, "no reader request in the audit log");
    println!(
        "readers: {READERS} readers, 2 refreshers, {} token calls, {} refreshes, {reader_requests} reader requests to Vault",
        run.calls.len(),
        run.refreshes
    );
}

/// Issue 27.3: a published token that claims to live ten years (written by an amtoken before
/// the fix, from a provider's bogus `expires_in`) does not pin the readers' path: a reader
/// refuses it (exit 7), and the next refresh replaces it, ordered by the shared secret's
/// version.
#[test]
#[ignore = "needs OpenBao and the test provider: run `bash tests/run`"]
fn a_ten_year_published_token_is_refused_by_readers_and_replaced_by_the_next_refresh() {
    let path = unique_path("pinned");
    let access = format!("{path}-access");
    let refresher = Runner::new("amtoken-vault", &path);
    refresher.login();
    let (shared, _) = read_secret(&path).unwrap();
    // As an amtoken before the fix published it: no source_version, a ten-year expiry.
    let pinned = serde_json::json!({ "data": {
        "access_token": "at-pinned-for-ten-years",
        "token_type": "Bearer",
        "expires_at": "2036-12-01T00:00:00Z",
        "scope": shared["scope"],
        "issuer": shared["issuer"],
        "client_id": shared["client_id"],
    }});
    let response = reqwest::blocking::Client::new()
        .post(format!("{}/v1/secret/data/{access}", vault_addr()))
        .header("X-Vault-Token", vault_token())
        .json(&pinned)
        .send()
        .unwrap();
    assert!(response.status().is_success());
    let reader = Runner::new("amtoken-vault", &path);
    let read = |runner: &Runner| {
        runner
            .command()
            .env("AMTOKEN_FLEET_ROLE", "reader")
            .env("AMTOKEN_VAULT_ACCESS_PATH", &access)
            .env_remove("AMTOKEN_CLIENT_SECRET")
            .args(["token", "--lock-timeout", "2s"])
            .output()
            .unwrap()
    };
    let output = read(&reader);
    let stderr = crate::util::failed(&output, 7);
    assert!(
        stderr.contains("longer than any access token lives"),
        "{stderr}"
    );
    assert!(!outputs(&output).0.contains("at-pinned"));
    let output = refresher
        .command()
        .env("AMTOKEN_VAULT_ACCESS_PATH", &access)
        .args(["refresh", "--force"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
    let (published, _) = read_secret(&access).unwrap();
    assert_ne!(published["access_token"], "at-pinned-for-ten-years");
    assert!(
        published["source_version"].as_u64().unwrap() > 1,
        "{published}"
    );
    let output = read(&reader);
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(stdout.trim(), published["access_token"].as_str().unwrap());
}
