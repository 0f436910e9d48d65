//! `amtoken refresh` against an in-process HTTP server: the exact request, and every failure the
//! HTTP module classifies. After each failure the stored refresh token is unchanged and works.

use std::time::Duration;

use httpmock::Method::POST;
use httpmock::MockServer;

use crate::util::{
    CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, Sandbox, assert_no_secret, outputs, read_json,
    token_endpoint, token_response,
};

/// A sandbox with [`REFRESH_TOKEN`] stored for the mock server's issuer.
fn logged_in(server: &MockServer) -> Sandbox {
    Sandbox::logged_in_at(&server.base_url())
}

#[test]
fn refresh_sends_the_documented_form_with_client_secret_post() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(POST)
            .path("/connect/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .header_prefix("user-agent", "amtoken/")
            .header_missing("authorization")
            .query_param_missing("client_secret")
            .query_param_missing("refresh_token")
            .form_urlencoded_tuple("grant_type", "refresh_token")
            .form_urlencoded_tuple("refresh_token", REFRESH_TOKEN)
            .form_urlencoded_tuple("client_id", CLIENT_ID)
            .form_urlencoded_tuple("client_secret", CLIENT_SECRET)
            .form_urlencoded_tuple_count(".*", ".*", 4);
        then.status(200).json_body(token_response("rt-rotated-1"));
    });
    let sandbox = logged_in(&server);
    let output = sandbox.run_at(&server.base_url(), &["refresh"]);
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    mock.assert_calls(1);
    assert_eq!(stdout, "", "refresh prints nothing on stdout by default");
    assert!(
        stderr.starts_with("amtoken: refreshed profile \"default\" (file)"),
        "{stderr}"
    );
    assert_no_secret(&output, &["rt-rotated-1"]);
    assert_eq!(sandbox.stored_refresh_token("default"), "rt-rotated-1");
    let cache = read_json(&sandbox.cache_file("default"));
    assert_eq!(
        cache["access_token"].as_str().unwrap(),
        crate::util::fixture_text("approvalmax-access-token.jwt")
    );
    assert_eq!(cache["client_id"], CLIENT_ID);
    assert_eq!(cache["issuer"], server.base_url());
}

#[test]
fn client_auth_basic_sends_the_secret_in_the_authorization_header_only() {
    let server = MockServer::start();
    // base64("client-1:s3cret-client-value")
    let mock = server.mock(|when, then| {
        when.method(POST)
            .path("/connect/token")
            .header(
                "authorization",
                "Basic Y2xpZW50LTE6czNjcmV0LWNsaWVudC12YWx1ZQ==",
            )
            .form_urlencoded_tuple("grant_type", "refresh_token")
            .form_urlencoded_tuple_missing("client_secret")
            .form_urlencoded_tuple_missing("client_id");
        then.status(200).json_body(token_response("rt-rotated-2"));
    });
    let sandbox = logged_in(&server);
    sandbox
        .amtoken_for(&server.base_url())
        .args(["refresh", "--client-auth", "basic"])
        .assert()
        .success();
    mock.assert_calls(1);
    assert_eq!(sandbox.stored_refresh_token("default"), "rt-rotated-2");
}

#[test]
fn the_client_secret_file_is_read_and_never_shown() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.form_urlencoded_tuple("client_secret", "from-the-file");
        then.status(200).json_body(token_response("rt-rotated-3"));
    });
    let sandbox = logged_in(&server);
    let secret_file = sandbox.path("secret.txt");
    std::fs::write(&secret_file, "from-the-file\n").unwrap();
    let output = sandbox
        .amtoken_for(&server.base_url())
        .env_remove("AMTOKEN_CLIENT_SECRET")
        .args(["refresh", "-v", "--client-secret-file"])
        .arg(&secret_file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    mock.assert_calls(1);
    assert_no_secret(&output, &["from-the-file", "rt-rotated-3"]);
    let (_, stderr) = outputs(&output);
    assert!(
        stderr.contains("POST http://127.0.0.1:"),
        "verbose logs the request: {stderr}"
    );
    assert!(stderr.contains("/connect/token -> 200 OK"), "{stderr}");
}

/// One failure case: what the server answers, and what amtoken must make of it.
struct Failure {
    name: &'static str,
    status: u16,
    content_type: &'static str,
    body: String,
    headers: &'static [(&'static str, &'static str)],
    delay: Option<Duration>,
    exit: i32,
    message: &'static str,
}

fn failure(
    name: &'static str,
    status: u16,
    content_type: &'static str,
    body: &str,
    exit: i32,
    message: &'static str,
) -> Failure {
    Failure {
        name,
        status,
        content_type,
        body: body.to_string(),
        headers: &[],
        delay: None,
        exit,
        message,
    }
}

#[test]
fn every_failure_has_its_exit_code_and_leaves_the_stored_token_working() {
    let json = "application/json";
    let cases = [
        failure(
            "invalid_grant",
            400,
            json,
            r#"{"error":"invalid_grant","error_description":"the token was used"}"#,
            5,
            "amtoken: error: failed to refresh the access token: the server said invalid_grant: the token was used (HTTP 400)\nhint: the refresh token was rejected; authorize again",
        ),
        failure(
            "invalid_client 400",
            400,
            json,
            r#"{"error":"invalid_client"}"#,
            7,
            "the server said invalid_client (HTTP 400)\nhint: check the client id and client secret",
        ),
        failure(
            "invalid_client 401",
            401,
            json,
            r#"{"error":"invalid_client","error_description":"client authentication failed"}"#,
            7,
            "the server said invalid_client: client authentication failed (HTTP 401)",
        ),
        failure(
            "unauthorized_client",
            400,
            json,
            r#"{"error":"unauthorized_client"}"#,
            7,
            "unauthorized_client",
        ),
        failure(
            "invalid_scope",
            400,
            json,
            r#"{"error":"invalid_scope"}"#,
            7,
            "invalid_scope",
        ),
        failure(
            "invalid_request",
            400,
            json,
            r#"{"error":"invalid_request"}"#,
            7,
            "invalid_request",
        ),
        failure(
            "unsupported_grant_type",
            400,
            json,
            r#"{"error":"unsupported_grant_type"}"#,
            7,
            "unsupported_grant_type",
        ),
        failure(
            "500",
            500,
            "text/plain",
            "Internal Server Error",
            6,
            "the server answered HTTP 500: Internal Server Error\nhint: this is likely temporary",
        ),
        failure(
            "503",
            503,
            json,
            r#"{"error":"temporarily_unavailable"}"#,
            6,
            "the server answered HTTP 503: temporarily_unavailable",
        ),
        Failure {
            headers: &[("retry-after", "120")],
            ..failure(
                "429",
                429,
                "text/plain",
                "slow down",
                6,
                "the server answered HTTP 429, retry after 120",
            )
        },
        failure(
            "HTML",
            200,
            "text/html",
            "<html><body><h1>Sign in</h1></body></html>",
            7,
            "not a valid token response (HTTP 200, text/html): the body is not a JSON object: <html><body><h1>Sign in</h1></body></html>",
        ),
        failure(
            "400 HTML",
            400,
            "text/html",
            "<html>Bad Request</html>",
            7,
            "HTTP 400 Bad Request without an OAuth error object",
        ),
        failure(
            "truncated JSON",
            200,
            json,
            r#"{"access_token":"abc","token_ty"#,
            7,
            "the body is not a JSON object",
        ),
        failure(
            "no access_token",
            200,
            json,
            r#"{"token_type":"Bearer","expires_in":3600}"#,
            7,
            "missing field `access_token`",
        ),
        failure(
            "wrong token type",
            200,
            json,
            r#"{"access_token":"abc","token_type":"mac"}"#,
            7,
            "token_type is \"mac\", expected Bearer",
        ),
        failure(
            "JSON array",
            200,
            json,
            "[1,2]",
            7,
            "the body is not a JSON object",
        ),
        failure(
            "too large",
            200,
            json,
            &format!("{{\"pad\":\"{}\"}}", "x".repeat(1_100_000)),
            7,
            "/connect/token is larger than 1 MiB",
        ),
        Failure {
            headers: &[("location", "https://evil.example/steal")],
            ..failure(
                "redirect",
                307,
                "text/plain",
                "",
                7,
                "the server answered HTTP 307 with a redirect to https://evil.example/steal; redirects are not followed",
            )
        },
        Failure {
            delay: Some(Duration::from_secs(4)),
            ..failure(
                "slow",
                200,
                json,
                "{}",
                6,
                "timed out waiting for http://127.0.0.1:",
            )
        },
    ];
    for case in cases {
        let server = MockServer::start();
        let mut failing = server.mock(|when, then| {
            when.method(POST).path("/connect/token");
            let mut then = then
                .status(case.status)
                .header("content-type", case.content_type)
                .body(&case.body);
            for (name, value) in case.headers {
                then = then.header(*name, *value);
            }
            if let Some(delay) = case.delay {
                then.delay(delay);
            }
        });
        let sandbox = logged_in(&server);
        let output = sandbox.run_at(&server.base_url(), &["refresh", "--timeout", "1s"]);
        let (stdout, stderr) = outputs(&output);
        assert_eq!(
            output.status.code(),
            Some(case.exit),
            "{}: {stderr}",
            case.name
        );
        assert_eq!(stdout, "", "{}", case.name);
        assert!(stderr.contains(case.message), "{}: {stderr}", case.name);
        assert!(
            stderr.starts_with("amtoken: error: failed to refresh the access token: "),
            "{}: {stderr}",
            case.name
        );
        assert!(
            stderr.lines().count() <= 2,
            "{}: one error line and a hint at most: {stderr}",
            case.name
        );
        assert_no_secret(&output, &[]);
        assert_eq!(
            sandbox.stored_refresh_token("default"),
            REFRESH_TOKEN,
            "{}",
            case.name
        );
        failing.assert_calls(1);

        // The stored token still works once the server is well again.
        failing.delete();
        let healthy = server.mock(|when, then| {
            when.form_urlencoded_tuple("refresh_token", REFRESH_TOKEN);
            then.status(200)
                .json_body(token_response("rt-after-recovery"));
        });
        sandbox
            .amtoken_for(&server.base_url())
            .arg("refresh")
            .assert()
            .success();
        healthy.assert_calls(1);
        assert_eq!(
            sandbox.stored_refresh_token("default"),
            "rt-after-recovery",
            "{}",
            case.name
        );
    }
}

#[test]
fn a_rotated_refresh_token_is_stored_even_when_the_rest_of_the_answer_is_unusable() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path("/connect/token");
        then.status(200).json_body(
            serde_json::json!({"refresh_token": "rt-issued-anyway", "token_type": "Bearer"}),
        );
    });
    let sandbox = logged_in(&server);
    let output = sandbox.run_at(&server.base_url(), &["refresh"]);
    assert_eq!(output.status.code(), Some(7));
    assert_no_secret(&output, &["rt-issued-anyway"]);
    assert_eq!(sandbox.stored_refresh_token("default"), "rt-issued-anyway");
}

#[test]
fn a_connection_refused_is_exit_6_and_touches_nothing() {
    // Bind and drop a listener to find a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let issuer = format!("http://127.0.0.1:{port}");
    let sandbox = Sandbox::logged_in_at(&issuer);
    let output = sandbox.run_at(&issuer, &["refresh"]);
    let stderr = crate::util::failed(&output, 6);
    assert!(
        stderr.contains("cannot connect to http://127.0.0.1:"),
        "{stderr}"
    );
    // Nothing was sent, so nothing can have been spent (issue 9).
    assert!(!stderr.contains("may have been spent"), "{stderr}");
    assert_eq!(sandbox.stored_refresh_token("default"), REFRESH_TOKEN);
}

#[test]
fn plain_http_to_a_remote_host_is_refused_before_connecting() {
    let issuer = "http://identity.approvalmax.com";
    let sandbox = Sandbox::logged_in_at(issuer);
    let output = sandbox.amtoken_for(issuer).arg("refresh").output().unwrap();
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("refusing plain http to http://identity.approvalmax.com/connect/token"),
        "{stderr}"
    );
    // Issue 7: the hint says what to use instead.
    assert!(
        stderr.contains("hint: use an https:// URL; plain http is only for loopback hosts"),
        "{stderr}"
    );
}

// Issue 7: reqwest's blocking timeout bounded each read, not the request, so a server that
// drips its answer kept `refresh` (and the profile lock) busy for as long as it liked. The
// server below would finish a valid token response after about 50 s; `--timeout 2s` must cut it
// off as a network failure (exit 6), with the stored token untouched.
#[test]
fn a_server_that_drips_its_answer_is_cut_off_at_the_timeout() {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let Ok((mut socket, _)) = listener.accept() else {
            return;
        };
        let mut request = [0u8; 8192];
        let _ = socket.read(&mut request);
        let body = token_response("rt-dripped").to_string();
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        let _ = socket.write_all(head.as_bytes());
        let pause = Duration::from_millis(50_000 / body.len() as u64);
        for byte in body.bytes() {
            if socket.write_all(&[byte]).is_err() {
                return;
            }
            std::thread::sleep(pause);
        }
    });
    let sandbox = Sandbox::logged_in_at(&issuer);
    let output = sandbox.run_at(&issuer, &["refresh", "--timeout", "2s"]);
    let stderr = crate::util::failed(&output, 6);
    assert!(stderr.contains("timed out waiting for"), "{stderr}");
    assert_eq!(sandbox.stored_refresh_token("default"), REFRESH_TOKEN);
}

#[test]
fn a_fresh_cached_token_means_no_request_unless_forced() {
    let server = MockServer::start();
    let mock = token_endpoint(&server, "rt-forced");
    let sandbox = logged_in(&server);
    sandbox.cache_token("default", &server.base_url(), "cached.access.token", 3600);
    let output = sandbox.run_at(&server.base_url(), &["refresh"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(outputs(&output).1.contains("no refresh needed"));
    mock.assert_calls(0);
    sandbox
        .amtoken_for(&server.base_url())
        .args(["refresh", "--force"])
        .assert()
        .success();
    mock.assert_calls(1);
    assert_eq!(sandbox.stored_refresh_token("default"), "rt-forced");
}

#[test]
fn a_token_stored_for_another_issuer_or_client_is_refused_naming_both() {
    let server = MockServer::start();
    let sandbox = Sandbox::new();
    sandbox.store_record("default", "https://identity.approvalmax.com", REFRESH_TOKEN);
    let output = sandbox.run_at(&server.base_url(), &["refresh"]);
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr
            .contains("obtained from issuer https://identity.approvalmax.com for client client-1"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "the settings name issuer {} and client client-1",
            server.base_url()
        )),
        "{stderr}"
    );
}

#[test]
fn nothing_stored_is_exit_4() {
    let server = MockServer::start();
    let output = Sandbox::new()
        .amtoken_for(&server.base_url())
        .arg("refresh")
        .output()
        .unwrap();
    let stderr = crate::util::failed(&output, 4);
    assert!(
        stderr.starts_with(
            "amtoken: error: not logged in: nothing is stored for profile \"default\""
        ),
        "{stderr}"
    );
}

#[test]
fn a_held_profile_lock_times_out_with_exit_9() {
    let server = MockServer::start();
    let sandbox = logged_in(&server);
    let lock_path = sandbox.path("cache/amtoken/default.lock");
    std::fs::create_dir_all(lock_path.parent().unwrap()).unwrap();
    let holder = std::fs::File::create(&lock_path).unwrap();
    holder.lock().unwrap();
    let output = sandbox.run_at(&server.base_url(), &["refresh", "--lock-timeout", "1s"]);
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(9), "{stderr}");
    assert!(stderr.contains("held the profile lock"), "{stderr}");
    assert_eq!(sandbox.stored_refresh_token("default"), REFRESH_TOKEN);
}

#[test]
fn a_rescued_refresh_token_is_moved_into_the_store_and_used_next_time() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.form_urlencoded_tuple("refresh_token", "rt-from-rescue");
        then.status(200)
            .json_body(token_response("rt-after-rescue"));
    });
    let sandbox = logged_in(&server);
    let mut rescued = sandbox.stored_record("default");
    rescued["refresh_token"] = "rt-from-rescue".into();
    rescued["obtained_at"] = "2026-11-02T00:00:00Z".into();
    let rescue = sandbox.path("data/amtoken/default.rescue.json");
    crate::util::write_private(&rescue, &rescued.to_string());
    let output = sandbox.run_at(&server.base_url(), &["refresh"]);
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("moved the rescued refresh token from"),
        "{stderr}"
    );
    mock.assert_calls(1);
    assert!(!rescue.exists());
    assert_eq!(sandbox.stored_refresh_token("default"), "rt-after-rescue");
}

#[test]
fn an_answer_without_refresh_token_or_expires_in_keeps_the_stored_token_and_uses_exp_up_to_a_day() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path("/connect/token");
        then.status(200).json_body(serde_json::json!({
            "access_token": crate::util::fixture_text("approvalmax-access-token.jwt"),
            "token_type": "BEARER",
        }));
    });
    let sandbox = logged_in(&server);
    sandbox
        .amtoken_for(&server.base_url())
        .arg("refresh")
        .assert()
        .success();
    assert_eq!(sandbox.stored_refresh_token("default"), REFRESH_TOKEN);
    // The sample token's exp is 2100: no access token is believed to live more than a day
    // (issue 27.3), so it is renewed tomorrow.
    let expires_at = read_json(&sandbox.cache_file("default"))["expires_at"]
        .as_str()
        .unwrap()
        .to_string();
    let expires_at = chrono::DateTime::parse_from_rfc3339(&expires_at).unwrap();
    let day = chrono::Utc::now() + chrono::Duration::hours(24);
    assert!(
        (expires_at.with_timezone(&chrono::Utc) - day)
            .num_seconds()
            .abs()
            < 60,
        "{expires_at}"
    );
}

#[test]
fn a_client_secret_file_readable_by_others_gets_a_warning() {
    use std::os::unix::fs::PermissionsExt as _;
    let server = MockServer::start();
    token_endpoint(&server, "rt");
    let sandbox = logged_in(&server);
    let secret_file = sandbox.path("secret.txt");
    std::fs::write(&secret_file, "from-the-file\n").unwrap();
    for (mode, warned) in [(0o644, true), (0o600, false)] {
        std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(mode)).unwrap();
        let output = sandbox
            .amtoken_for(&server.base_url())
            .env_remove("AMTOKEN_CLIENT_SECRET")
            .args(["refresh", "--force", "--client-secret-file"])
            .arg(&secret_file)
            .output()
            .unwrap();
        let (_, stderr) = outputs(&output);
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        assert_eq!(
            stderr.contains("is readable by others (mode 644): chmod 600 it"),
            warned,
            "{stderr}"
        );
    }
}

/// A proxy that notes the first line of each request it gets and answers 502.
fn refusing_proxy() -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (seen, seen_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for mut socket in listener.incoming().flatten() {
            let mut line = String::new();
            let _ = std::io::BufReader::new(&socket).read_line(&mut line);
            let _ = seen.send(line.trim_end().to_string());
            let _ = socket.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
        }
    });
    (url, seen_rx)
}

/// Issue 18: a loopback server is reached directly whatever the proxy settings say — a
/// plain-http refresh through a proxy would hand the refresh token and the client secret to
/// it in clear text — while other hosts go through the environment's proxy.
#[test]
fn loopback_is_never_proxied_other_hosts_are() {
    let (proxy, seen) = refusing_proxy();
    let server = MockServer::start();
    let endpoint = server.mock(|when, then| {
        when.method(POST).path("/connect/token");
        then.status(200).json_body(token_response("rt-direct"));
    });
    let sandbox = Sandbox::logged_in_at(&server.base_url());
    for variable in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "HTTPS_PROXY"] {
        let output = sandbox
            .amtoken_for(&server.base_url())
            .env(variable, &proxy)
            .env("NO_PROXY", "")
            .args(["refresh", "--force"])
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{variable}: {}",
            outputs(&output).1
        );
    }
    endpoint.assert_calls(4);
    assert!(seen.try_recv().is_err(), "the proxy saw a loopback request");

    // Another host: through the proxy (which refuses the tunnel here).
    let issuer = "https://id.example.test";
    let sandbox = Sandbox::logged_in_at(issuer);
    let output = sandbox
        .amtoken_for(issuer)
        .env("HTTPS_PROXY", &proxy)
        .args(["refresh", "--force"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(6), "{}", outputs(&output).1);
    assert_eq!(
        seen.recv_timeout(std::time::Duration::from_secs(10))
            .unwrap(),
        "CONNECT id.example.test:443 HTTP/1.1"
    );
}
