//! The long-running surfaces across what an hour brings (issue 27): a server that closes idle
//! keep-alive connections, a provider answering nonsense, a Vault token that expires mid-run.
//! Renewals here are seconds apart, but each is apart by more than the idle cut-off under test.

use std::io::{Read as _, Write as _};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::serve::{Served, get, over_socket};
use crate::util::outputs;

/// A TCP proxy in front of `target` that closes every connection left idle for `idle` — as
/// node (5 s), Apache (5 s) and nginx (75 s) do with kept-alive ones — with a FIN, as a server
/// does. It counts the connections it closed that way.
struct IdleClosingProxy {
    address: SocketAddr,
    closed_idle: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl IdleClosingProxy {
    fn start(target: SocketAddr, idle: Duration) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let closed_idle = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        listener.set_nonblocking(true).unwrap();
        let (counter, stopping) = (Arc::clone(&closed_idle), Arc::clone(&stop));
        std::thread::spawn(move || {
            let started = Instant::now();
            // Bounded: the proxy stops by itself after ten minutes.
            while !stopping.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(600)
            {
                match listener.accept() {
                    Ok((client, _)) => {
                        let server = TcpStream::connect(target).unwrap();
                        relay(client, server, idle, Arc::clone(&counter));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        IdleClosingProxy {
            address,
            closed_idle,
            stop,
        }
    }

    /// The provider's token endpoint, through the proxy.
    fn token_url(&self) -> String {
        format!("http://{}/connect/token", self.address)
    }
}

impl Drop for IdleClosingProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Copies both ways; a watchdog shuts both sockets once neither side sent anything for `idle`.
fn relay(client: TcpStream, server: TcpStream, idle: Duration, closed_idle: Arc<AtomicU64>) {
    let last = Arc::new(std::sync::Mutex::new(Instant::now()));
    let done = Arc::new(AtomicBool::new(false));
    let copy = |mut from: TcpStream, mut to: TcpStream| {
        let (last, done) = (Arc::clone(&last), Arc::clone(&done));
        std::thread::spawn(move || {
            let mut buffer = [0u8; 16 * 1024];
            loop {
                match from.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        *last.lock().unwrap() = Instant::now();
                        if to.write_all(&buffer[..n]).is_err() {
                            break;
                        }
                    }
                }
            }
            let _ = to.shutdown(Shutdown::Both);
            done.store(true, Ordering::Relaxed);
        });
    };
    copy(client.try_clone().unwrap(), server.try_clone().unwrap());
    copy(server.try_clone().unwrap(), client.try_clone().unwrap());
    std::thread::spawn(move || {
        while !done.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(50));
            if last.lock().unwrap().elapsed() >= idle {
                closed_idle.fetch_add(1, Ordering::Relaxed);
                let _ = client.shutdown(Shutdown::Both);
                let _ = server.shutdown(Shutdown::Both);
                return;
            }
        }
    });
}

fn provider_address() -> SocketAddr {
    let issuer = crate::provider::issuer();
    issuer
        .trim_start_matches("http://")
        .parse()
        .unwrap_or_else(|_| panic!("the provider is not on a loopback address: {issuer}"))
}

/// Issue 27.1: `serve` renewing every 3 s through a server that closes connections idle for
/// 2 s: every renewal goes out on a live connection, none fails.
#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn serve_renews_across_connections_the_server_closed_while_idle() {
    const CLIENT: &str = "amtoken-idle-serve";
    let sandbox = crate::provider::logged_in(CLIENT);
    let proxy = IdleClosingProxy::start(provider_address(), Duration::from_secs(2));
    let before = crate::provider::grants(CLIENT, "refresh_token");
    let mut command = crate::provider::std_amtoken(&sandbox, CLIENT);
    command
        .env("AMTOKEN_TOKEN_URL", proxy.token_url())
        .env("XDG_RUNTIME_DIR", sandbox.path("run"))
        .args(["-v", "serve", "--min-ttl", "3s"]);
    let served = Served::start(command);
    let socket = sandbox.path("run/amtoken/default.sock");
    // Across at least four renewals, a request now and then: each answered with a token.
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(14) {
        let answer = over_socket(&socket, &get("/token", &[]));
        assert_eq!(answer.status, 200, "{}", answer.body);
        std::thread::sleep(Duration::from_millis(700));
    }
    let (status, stderr) = served.stop();
    assert!(status.success(), "{stderr}");
    let refreshes = crate::provider::grants(CLIENT, "refresh_token") - before;
    assert!(refreshes >= 4, "{refreshes} refreshes: {stderr}");
    assert!(
        proxy.closed_idle.load(Ordering::Relaxed) >= 3,
        "the proxy closed too few idle connections for the test to mean anything"
    );
    assert!(!stderr.contains("failed"), "a renewal failed: {stderr}");
    assert!(!stderr.contains("may have been spent"), "{stderr}");
}

/// Issue 27.1: the same for `exec`'s token file.
#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn exec_renews_across_connections_the_server_closed_while_idle() {
    const CLIENT: &str = "amtoken-idle-exec";
    let sandbox = crate::provider::logged_in(CLIENT);
    let proxy = IdleClosingProxy::start(provider_address(), Duration::from_secs(2));
    let before = crate::provider::grants(CLIENT, "refresh_token");
    let output = crate::provider::amtoken(&sandbox, CLIENT)
        .env("AMTOKEN_TOKEN_URL", proxy.token_url())
        .env("XDG_RUNTIME_DIR", sandbox.path("run"))
        .args(["-v", "exec", "--min-ttl", "3s", "--", "sleep", "14"])
        .output()
        .unwrap();
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let renewals = stderr
        .lines()
        .filter(|line| line.starts_with("amtoken: exec: renewed the access token"))
        .count();
    assert!(renewals >= 3, "{stderr}");
    // One refresh per renewal (and one at the start when the exchanged token had less than
    // --min-ttl left by then).
    let refreshes = crate::provider::grants(CLIENT, "refresh_token") - before;
    assert!(
        refreshes == renewals as u64 || refreshes == renewals as u64 + 1,
        "{refreshes} refreshes for {renewals} renewals: {stderr}"
    );
    assert!(!stderr.contains("failed"), "a renewal failed: {stderr}");
}

/// Issue 27.10: on loopback TCP, connections that never show the secret cannot hold the
/// slots: with 1,100 of them open and silent, a request with the secret is answered before any
/// of them would have timed out (10 s for a request head).
#[test]
fn idle_connections_without_the_secret_do_not_hold_up_one_that_has_it() {
    use crate::serve::{ACCESS_TOKEN, cached_sandbox, serve_command};
    let sandbox = cached_sandbox();
    let served = Served::start(serve_command(&sandbox, &["--listen", "127.0.0.1:0"]));
    let port = served.port();
    let secret = std::fs::read_to_string(sandbox.path("run/amtoken/default.serve-secret")).unwrap();
    let silent: Vec<TcpStream> = (0..1100)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    let mut client = TcpStream::connect(("127.0.0.1", port)).unwrap();
    // Well under the 10 s a silent connection may otherwise take to be dropped.
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let request = get(
        "/token",
        &[
            &format!("Host: 127.0.0.1:{port}"),
            &format!("Authorization: Bearer {secret}"),
        ],
    );
    client.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    let read = client.read_to_string(&mut answer);
    assert!(
        read.is_ok(),
        "no answer while silent connections held the server: {read:?}"
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(ACCESS_TOKEN));
    drop(silent);
    let (status, stderr) = served.stop();
    assert!(status.success(), "{stderr}");
}

/// Issue 27.6: a provider whose tokens are dead on arrival (`expires_in: 0`) gets no storm of
/// refreshes from `serve` — the failure pause holds them to one a second at most — and no
/// request is ever answered with such a token.
#[test]
fn serve_neither_hammers_nor_hands_out_tokens_that_are_dead_on_arrival() {
    let server = httpmock::MockServer::start();
    let endpoint = server.mock(|when, then| {
        when.path("/connect/token");
        then.status(200).json_body(serde_json::json!({
            "access_token": "at-dead-on-arrival",
            "token_type": "Bearer",
            "expires_in": 0,
            "refresh_token": crate::util::REFRESH_TOKEN,
        }));
    });
    let sandbox = crate::util::Sandbox::logged_in_at(&server.base_url());
    let mut command = sandbox.std_amtoken();
    command
        .env("AMTOKEN_ISSUER", server.base_url())
        .env("AMTOKEN_CLIENT_ID", crate::util::CLIENT_ID)
        .env("AMTOKEN_CLIENT_SECRET", crate::util::CLIENT_SECRET)
        .env("AMTOKEN_STORE", "file")
        .env("XDG_RUNTIME_DIR", sandbox.path("run"))
        .arg("serve");
    let served = Served::start(command);
    let socket = sandbox.path("run/amtoken/default.sock");
    let started = Instant::now();
    for _ in 0..20 {
        let answer = over_socket(&socket, &get("/token", &[]));
        assert_eq!(answer.status, 502, "{}", answer.body);
        assert!(
            !answer.body.contains("at-dead-on-arrival"),
            "{}",
            answer.body
        );
        assert_eq!(answer.json()["error"], "server_refused", "{}", answer.body);
    }
    let elapsed = started.elapsed().as_secs();
    let (status, _) = served.stop();
    assert!(status.success());
    // One at the start, then at most one per pause (the first is a second, then longer).
    let calls = endpoint.calls();
    assert!(
        calls <= 2 + elapsed as usize,
        "{calls} refreshes in {elapsed}s for 20 requests"
    );
}

/// Issue 27.9: a Vault login answer with an absurd `lease_duration` (9e15 seconds) is clamped,
/// never a panic, and the run goes on to its own answer.
#[test]
fn an_absurd_vault_lease_is_clamped_not_a_crash() {
    let vault = httpmock::MockServer::start();
    vault.mock(|when, then| {
        when.method(httpmock::Method::POST)
            .path("/v1/auth/approle/login");
        then.status(200).json_body(serde_json::json!({
            "auth": { "client_token": "hvs.absurd", "lease_duration": 9_000_000_000_000_000_i64, "renewable": true }
        }));
    });
    let read = vault.mock(|when, then| {
        when.method(httpmock::Method::GET)
            .path("/v1/secret/data/amtoken/default")
            .header("x-vault-token", "hvs.absurd");
        then.status(404)
            .json_body(serde_json::json!({ "errors": [] }));
    });
    let sandbox = crate::util::Sandbox::new();
    for cache in ["memory", "file"] {
        let output = sandbox
            .amtoken()
            .env("AMTOKEN_STORE", "vault")
            .env("AMTOKEN_VAULT_ADDR", vault.base_url())
            .env("AMTOKEN_VAULT_AUTH", "approle")
            .env("AMTOKEN_VAULT_ROLE_ID", "role")
            .env("AMTOKEN_VAULT_SECRET_ID", "secret-id-value")
            .env("AMTOKEN_VAULT_TOKEN_CACHE", cache)
            .env("RUST_BACKTRACE", "1")
            .arg("token")
            .output()
            .unwrap();
        let stderr = crate::util::failed(&output, 4);
        assert!(stderr.contains("not logged in"), "{cache}: {stderr}");
        assert!(!stderr.contains("panicked"), "{cache}: {stderr}");
    }
    assert!(read.calls() >= 2);
}

/// Issue 27.12: when amtoken itself is killed (SIGKILL: nothing forwarded), COMMAND gets
/// SIGTERM rather than running on unwatched.
#[test]
#[cfg(target_os = "linux")]
fn a_killed_exec_takes_its_command_with_it() {
    use std::io::BufRead as _;
    let sandbox = crate::util::Sandbox::cached_at("https://id.example.test", "at-for-exec");
    let mut child = sandbox
        .std_amtoken_at("https://id.example.test")
        .args(["exec", "--", "sh", "-c", "echo $$; exec sleep 60"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let command_pid: u32 = line.trim().parse().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let proc_dir = std::path::PathBuf::from(format!("/proc/{command_pid}"));
    let started = Instant::now();
    // Bounded wait for the kernel to deliver the parent-death signal; a state of Z (a zombie
    // of init not reaped yet) counts as ended.
    let ended = loop {
        let state = std::fs::read_to_string(proc_dir.join("stat")).ok();
        let gone = state.as_deref().is_none_or(|stat| {
            stat.rsplit(')')
                .next()
                .is_some_and(|rest| rest.trim_start().starts_with('Z'))
        });
        if gone || started.elapsed() > Duration::from_secs(10) {
            break gone;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        ended,
        "COMMAND ({command_pid}) runs on after amtoken was killed"
    );
}
