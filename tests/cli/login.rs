//! `amtoken login`, `authorize-url` + `exchange`, and `logout --revoke` against the real
//! provider: the loopback listener with a test client playing the browser, the paste path
//! through a pseudo-terminal, and every way a callback can be refused.

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Child, Stdio};

use crate::provider::{self, REDIRECT_URI, amtoken, browse, grants, issuer, secret_of};
use crate::util::{Sandbox, assert_no_secret, outputs};

/// A free loopback port for a redirect URI.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Reads `child`'s stderr until the authorize URL appears; returns it and the reader.
fn authorize_url_from(child: &mut Child) -> (String, BufReader<std::process::ChildStderr>) {
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "no authorize URL on stderr: {seen}"
        );
        if let Some(start) = line.find("http")
            && line.contains("/connect/authorize?")
        {
            return (line[start..].trim().to_string(), stderr);
        }
        seen.push_str(&line);
    }
}

/// Waits for `child` and returns its exit code and the rest of its stderr.
fn finish(mut child: Child, mut stderr: BufReader<std::process::ChildStderr>) -> (i32, String) {
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    (child.wait().unwrap().code().unwrap_or(-1), rest)
}

/// `amtoken login` of `client` (one of the provider's loopback clients) listening on `port`.
fn login_over_loopback(sandbox: &Sandbox, client: &str, port: u16) -> Child {
    login_at(
        sandbox,
        &issuer(),
        client,
        &format!("http://127.0.0.1:{port}/callback"),
    )
}

/// `amtoken login` of `client` at `issuer`, with `redirect_uri`.
fn login_at(sandbox: &Sandbox, issuer: &str, client: &str, redirect_uri: &str) -> Child {
    let mut command = sandbox.std_amtoken();
    command
        .env("AMTOKEN_ISSUER", issuer)
        .env("AMTOKEN_CLIENT_ID", client)
        .env("AMTOKEN_CLIENT_SECRET", secret_of(client))
        .env("AMTOKEN_REDIRECT_URI", redirect_uri)
        .env("AMTOKEN_STORE", "file")
        .args(["login", "--no-browser", "--login-timeout", "60s"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command.spawn().unwrap()
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn login_over_a_loopback_redirect_stores_a_working_token() {
    let sandbox = Sandbox::new();
    let port = free_port();
    let mut child = login_over_loopback(&sandbox, "amtoken-loopback", port);
    let (url, stderr) = authorize_url_from(&mut child);
    assert!(url.contains("code_challenge="), "{url}");
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let callback = browse(&url, &redirect);
    // The browser lands on amtoken's listener and gets its page.
    let page = reqwest::blocking::get(&callback).unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().unwrap().contains("you are logged in"));
    let (code, rest) = finish(child, stderr);
    assert_eq!(code, 0, "{rest}");
    assert!(rest.contains("logged in profile \"default\""), "{rest}");
    let refresh_token = sandbox.stored_refresh_token("default");
    assert!(!rest.contains(&refresh_token));
    let mut refresh = sandbox.amtoken();
    refresh
        .env("AMTOKEN_CLIENT_SECRET", secret_of("amtoken-loopback"))
        .env("AMTOKEN_STORE", "file")
        .args(["refresh", "--force"]);
    let output = refresh.output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn login_reports_access_denied_with_the_servers_words() {
    let sandbox = Sandbox::new();
    let port = free_port();
    let mut child = login_over_loopback(&sandbox, "amtoken-loopback", port);
    let (url, stderr) = authorize_url_from(&mut child);
    let callback = browse(
        &format!("{url}&login_hint=deny"),
        &format!("http://127.0.0.1:{port}/callback"),
    );
    assert!(callback.contains("error=access_denied"), "{callback}");
    let page = reqwest::blocking::get(&callback).unwrap();
    assert_eq!(page.status(), 400);
    let (code, rest) = finish(child, stderr);
    assert_eq!(code, 5, "{rest}");
    assert!(rest.contains("access_denied: the user said no"), "{rest}");
    assert!(!sandbox.store_file("default").exists());
}

/// Issue 18: what reaches the listener but is not the browser coming back from this login —
/// another state, none, an `?error=` without a state, another `Host` (a DNS-rebinding page) —
/// gets a page that says nothing of the login (never the state), no code is sent, and the
/// login goes on to take the real callback.
#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn login_ignores_callbacks_that_are_not_its_own_and_waits_for_the_real_one() {
    let sandbox = Sandbox::new();
    let port = free_port();
    let client = "amtoken-loopback-forged";
    let before = grants(client, "authorization_code");
    let mut child = login_over_loopback(&sandbox, client, port);
    let (url, stderr) = authorize_url_from(&mut child);
    let state = provider::query_param(&url, "state");
    let base = format!("http://127.0.0.1:{port}/callback");
    let http = reqwest::blocking::Client::new();
    for (query, host, status) in [
        ("?code=forged&state=not-ours".to_string(), None, 400),
        ("?code=forged".to_string(), None, 400),
        (
            "?error=access_denied&error_description=attacker+words".to_string(),
            None,
            400,
        ),
        (
            format!("?code=forged&state={state}"),
            Some(format!("rebound.example:{port}")),
            421,
        ),
    ] {
        let mut request = http.get(format!("{base}{query}"));
        if let Some(host) = host {
            request = request.header("host", host);
        }
        let page = request.send().unwrap();
        assert_eq!(page.status(), status, "{query}");
        let text = page.text().unwrap();
        assert!(!text.contains(&state), "the page shows the state: {text}");
        assert!(!text.contains("attacker"), "{text}");
    }
    assert_eq!(grants(client, "authorization_code"), before);
    let callback = browse(&url, &base);
    let page = reqwest::blocking::get(&callback).unwrap();
    assert_eq!(page.status(), 200);
    let (code, rest) = finish(child, stderr);
    assert_eq!(code, 0, "{rest}");
    assert!(
        rest.contains("ignored a request to the redirect URI"),
        "{rest}"
    );
    assert!(!rest.contains("attacker"), "{rest}");
    assert_eq!(grants(client, "authorization_code"), before + 1);
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn login_through_a_terminal_takes_the_pasted_callback_url() {
    let sandbox = Sandbox::new();
    let mut command = std::process::Command::new("python3");
    command
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/cli/terminal.py"
        ))
        .arg(env!("CARGO_BIN_EXE_amtoken"))
        .args(["login", "--no-browser"])
        .envs(
            sandbox
                .std_amtoken()
                .get_envs()
                .filter_map(|(k, v)| Some((k, v?))),
        )
        .env("AMTOKEN_ISSUER", issuer())
        .env("AMTOKEN_CLIENT_ID", "amtoken-post")
        .env("AMTOKEN_CLIENT_SECRET", secret_of("amtoken-post"))
        .env("AMTOKEN_REDIRECT_URI", REDIRECT_URI)
        .env("AMTOKEN_STORE", "file")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for name in ["AMTOKEN_TEST_ISSUER", "AMTOKEN_TEST_KEYRING"] {
        command.env_remove(name);
    }
    let mut child = command.spawn().unwrap();
    let (url, mut stderr) = authorize_url_from(&mut child);
    // The prompt comes before the paste.
    let mut prompt = Vec::new();
    while !String::from_utf8_lossy(&prompt).contains("Paste the URL") {
        let mut byte = [0u8; 1];
        assert_eq!(std::io::Read::read(&mut stderr, &mut byte).unwrap(), 1);
        prompt.push(byte[0]);
    }
    let callback = browse(&url, REDIRECT_URI);
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{callback}").unwrap();
    let (code, rest) = finish(child, stderr);
    assert_eq!(code, 0, "{rest}");
    assert!(!sandbox.stored_refresh_token("default").is_empty());
}

#[test]
fn login_without_a_terminal_fails_at_once_with_a_hint() {
    let output = Sandbox::new()
        .std_amtoken()
        .env("AMTOKEN_CLIENT_ID", "c")
        .env("AMTOKEN_REDIRECT_URI", "https://app.example/callback")
        .arg("login")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = crate::util::failed(&output, 2);
    assert!(stderr.contains("needs a terminal"), "{stderr}");
    assert!(
        stderr.contains("hint: run `amtoken authorize-url`"),
        "{stderr}"
    );
}

/// `authorize-url` for `client_id`, as a sandbox's amtoken; returns the URL it printed.
fn authorize_url(sandbox: &Sandbox, client_id: &str, pkce: bool) -> String {
    let mut command = amtoken(sandbox, client_id);
    command.arg("authorize-url");
    if !pkce {
        command.arg("--no-pkce");
    }
    let output = command.output().unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("amtoken exchange"), "{stderr}");
    stdout.trim().to_string()
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn authorize_url_then_exchange_checks_the_state_sends_the_verifier_and_refuses_a_replay() {
    let sandbox = Sandbox::new();
    let url = authorize_url(&sandbox, "amtoken-replay", true);
    let pending = sandbox.path("cache/amtoken/pending/default.json");
    assert_eq!(crate::util::mode(&pending), 0o600);
    let state = provider::query_param(&url, "state");
    assert_eq!(state.len(), 32);
    let callback = browse(&url, REDIRECT_URI);
    // The provider checks the PKCE verifier: this only works if exchange sent it.
    let output = amtoken(&sandbox, "amtoken-replay")
        .args(["exchange", "--code", &callback])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
    assert!(!pending.exists());
    assert_no_secret(&output, &[&sandbox.stored_refresh_token("default")]);

    // The same callback again: refused before anything is sent.
    let before =
        grants("amtoken-replay", "authorization_code") + grants("amtoken-replay", "errors");
    let output = amtoken(&sandbox, "amtoken-replay")
        .args(["exchange", "--code", &callback])
        .output()
        .unwrap();
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("a replayed callback"), "{stderr}");
    assert_eq!(
        grants("amtoken-replay", "authorization_code") + grants("amtoken-replay", "errors"),
        before
    );
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn exchange_refuses_a_callback_of_another_request_and_an_expired_one() {
    let sandbox = Sandbox::new();
    authorize_url(&sandbox, "amtoken-foreign", false);
    let foreign = provider::authorize("amtoken-foreign", "someone-elses-state", &[]);
    let before = grants("amtoken-foreign", "authorization_code");
    let output = amtoken(&sandbox, "amtoken-foreign")
        .args(["exchange", "--code", &foreign])
        .output()
        .unwrap();
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("\"someone-elses-state\" does not match"),
        "{stderr}"
    );

    // The pending request, ten minutes on.
    let url = authorize_url(&sandbox, "amtoken-foreign", false);
    let pending_file = sandbox.path("cache/amtoken/pending/default.json");
    let mut pending = crate::util::read_json(&pending_file);
    pending["expires_at"] = "2020-01-01T00:00:00Z".into();
    crate::util::write_private(&pending_file, &pending.to_string());
    let callback = browse(&url, REDIRECT_URI);
    let output = amtoken(&sandbox, "amtoken-foreign")
        .args(["exchange", "--code", &callback])
        .output()
        .unwrap();
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("expired at 2020-01-01T00:00:00Z"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: authorize again with `amtoken login`"),
        "{stderr}"
    );
    assert_eq!(grants("amtoken-foreign", "authorization_code"), before);
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn exchange_refuses_a_callback_of_a_request_made_for_another_client_before_sending_it() {
    let sandbox = Sandbox::new();
    let url = authorize_url(&sandbox, "amtoken-mismatch-a", false);
    let callback = browse(&url, REDIRECT_URI);
    let sent = || {
        ["amtoken-mismatch-a", "amtoken-mismatch-b"]
            .map(|client| grants(client, "authorization_code") + grants(client, "errors"))
    };
    let before = sent();
    let output = amtoken(&sandbox, "amtoken-mismatch-b")
        .args(["exchange", "--code", &callback])
        .output()
        .unwrap();
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(
            "its authorize request was made with client id \"amtoken-mismatch-a\" (now \"amtoken-mismatch-b\")"
        ),
        "{stderr}"
    );
    assert_eq!(sent(), before);

    // The request is still pending: with the right client the same callback works.
    let output = amtoken(&sandbox, "amtoken-mismatch-a")
        .args(["exchange", "--code", &callback])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn logout_revoke_kills_the_refresh_token_at_the_server() {
    let sandbox = Sandbox::new();
    let callback = provider::authorize("amtoken-revoke", "s", &[]);
    amtoken(&sandbox, "amtoken-revoke")
        .args(["exchange", "--code", &callback])
        .assert()
        .success();
    let record = sandbox.stored_record("default");
    let output = amtoken(&sandbox, "amtoken-revoke")
        .args(["logout", "--revoke"])
        .output()
        .unwrap();
    let stderr = crate::util::failed(&output, 0);
    assert!(stderr.contains("revoked the refresh token at"), "{stderr}");
    assert!(!sandbox.store_file("default").exists());
    assert_no_secret(&output, &[record["refresh_token"].as_str().unwrap()]);

    // Put the revoked token back: the provider refuses it.
    provider::assert_refused(&sandbox, "amtoken-revoke", &record);
}

/// `logout --revoke` of a sandbox logged in at `server`.
fn logout_revoke(server: &httpmock::MockServer) -> (Sandbox, std::process::Output) {
    let sandbox = Sandbox::new();
    sandbox.store_record("default", &server.base_url(), crate::util::REFRESH_TOKEN);
    let output = sandbox.run_at(&server.base_url(), &["logout", "--revoke"]);
    (sandbox, output)
}

#[test]
fn logout_revoke_without_discovery_says_so_and_forgets_all_the_same() {
    let server = httpmock::MockServer::start();
    let (sandbox, output) = logout_revoke(&server);
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: the refresh token was not revoked:")
            && stderr.contains("has no discovery document"),
        "{stderr}"
    );
    assert!(!sandbox.store_file("default").exists());
}

#[test]
fn logout_revoke_that_fails_on_the_way_forgets_nothing() {
    let server = httpmock::MockServer::start();
    server.mock(|when, then| {
        when.path("/.well-known/openid-configuration");
        then.status(200).json_body(serde_json::json!({
            "issuer": server.base_url(),
            "revocation_endpoint": format!("{}/connect/revocation", server.base_url()),
        }));
    });
    let revocation = server.mock(|when, then| {
        when.path("/connect/revocation")
            .form_urlencoded_tuple("token", crate::util::REFRESH_TOKEN)
            .form_urlencoded_tuple("token_type_hint", "refresh_token")
            .form_urlencoded_tuple("client_id", crate::util::CLIENT_ID)
            .form_urlencoded_tuple("client_secret", crate::util::CLIENT_SECRET);
        then.status(503);
    });
    let (sandbox, output) = logout_revoke(&server);
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(6), "{stderr}");
    assert!(
        stderr.contains("failed to revoke the refresh token"),
        "{stderr}"
    );
    revocation.assert_calls(1);
    assert!(sandbox.store_file("default").exists());
    assert_no_secret(&output, &[]);
}

/// `amtoken login` for a `localhost` redirect, without a provider (nothing is sent before the
/// callback): an issuer that is never contacted.
fn login_on_localhost(sandbox: &Sandbox, port: u16) -> Child {
    login_at(
        sandbox,
        "https://id.example.test",
        "c",
        &format!("http://localhost:{port}/callback"),
    )
}

/// Issue 18: a `localhost` redirect is listened on at 127.0.0.1 and [::1] both (a browser may
/// use either; another program must not get the other one), and a [::1] held by another
/// program is refused.
#[test]
fn a_localhost_redirect_is_served_on_both_loopback_addresses_or_refused() {
    let ipv6 = std::net::TcpListener::bind("[::1]:0").is_ok();
    let sandbox = Sandbox::new();
    let port = free_port();
    let mut child = login_on_localhost(&sandbox, port);
    let (url, stderr) = authorize_url_from(&mut child);
    assert!(
        url.contains("code_challenge="),
        "PKCE is the default: {url}"
    );
    let http = reqwest::blocking::Client::new();
    let mut addresses = vec![format!("127.0.0.1:{port}")];
    if ipv6 {
        addresses.push(format!("[::1]:{port}"));
    }
    for address in addresses {
        let page = http
            .get(format!("http://{address}/callback?code=x"))
            .header("host", format!("localhost:{port}"))
            .send()
            .unwrap();
        assert_eq!(page.status(), 400, "{address}");
    }
    child.kill().unwrap();
    drop(finish(child, stderr));

    if ipv6 {
        let port = free_port();
        let _squatter = std::net::TcpListener::bind(format!("[::1]:{port}")).unwrap();
        let mut child = login_on_localhost(&sandbox, port);
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut rest).unwrap();
        assert_eq!(child.wait().unwrap().code(), Some(3), "{rest}");
        assert!(
            rest.contains(&format!("cannot listen on [::1]:{port}")),
            "{rest}"
        );
    }
}

#[test]
fn authorize_url_sends_a_pkce_challenge_unless_told_not_to() {
    let sandbox = Sandbox::new();
    let url = |extra: &[&str]| {
        let output = sandbox
            .amtoken()
            .env("AMTOKEN_ISSUER", "https://id.example.test")
            .env("AMTOKEN_CLIENT_ID", "c")
            .env("AMTOKEN_REDIRECT_URI", "https://app.example/cb")
            .arg("authorize-url")
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
        outputs(&output).0
    };
    assert!(url(&[]).contains("code_challenge_method=S256"));
    assert!(url(&["--pkce"]).contains("code_challenge_method=S256"));
    assert!(!url(&["--no-pkce"]).contains("code_challenge"));
}
