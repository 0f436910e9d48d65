//! `amtoken exchange` against an in-process HTTP server: the exact request, the callback URL,
//! and keeping what was issued.

use httpmock::Method::POST;
use httpmock::MockServer;

use crate::util::{
    CLIENT_ID, CLIENT_SECRET, Sandbox, assert_no_secret, fixture_text, mode, outputs, read_json,
    token_endpoint, token_response,
};

const REDIRECT_URI: &str = "https://app.example/callback";
const CODE: &str = "A1B2C3D4E5F6A1B2C3D4E5F6A1B2C3D4E5F6A1B2C3D4E5F6A1B2C3D4E5F6A1B2";

#[test]
fn exchange_sends_the_code_grant_and_keeps_both_tokens() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(POST)
            .path("/connect/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .form_urlencoded_tuple("grant_type", "authorization_code")
            .form_urlencoded_tuple("code", CODE)
            .form_urlencoded_tuple("redirect_uri", REDIRECT_URI)
            .form_urlencoded_tuple("client_id", CLIENT_ID)
            .form_urlencoded_tuple("client_secret", CLIENT_SECRET)
            .form_urlencoded_tuple("code_verifier", "verifier-xyz")
            .query_param_missing("code");
        then.status(200)
            .json_body(token_response("rt-from-exchange"));
    });
    let sandbox = Sandbox::new();
    let callback = format!("{REDIRECT_URI}?code={CODE}&scope=x&state=st-1&session_state=abc");
    let output = sandbox
        .amtoken_for(&server.base_url())
        .args([
            "exchange",
            "--redirect-uri",
            REDIRECT_URI,
            "--state",
            "st-1",
        ])
        .args(["--code-verifier", "verifier-xyz", "--code", &callback])
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    mock.assert_calls(1);
    assert_eq!(stdout, "");
    // No pending request (authorize-url was not run here): said, not skipped silently.
    let (warning, stderr) = stderr.split_once('\n').unwrap();
    assert_eq!(
        warning,
        "amtoken: warning: no pending authorize request of profile \"default\" has that --state: the callback's state is checked, but not the request's expiry nor the settings it was made with"
    );
    assert!(
        stderr.starts_with(
            "amtoken: logged in profile \"default\" (file): access token valid until "
        ),
        "{stderr}"
    );
    assert!(
        stderr.ends_with(
            "; scopes: https://www.approvalmax.com/scopes/public_api/read offline_access\n"
        ),
        "{stderr}"
    );
    assert_no_secret(&output, &["rt-from-exchange", CODE]);

    let record = sandbox.stored_record("default");
    assert_eq!(record["refresh_token"], "rt-from-exchange");
    assert_eq!(record["issuer"], server.base_url());
    assert_eq!(record["client_id"], CLIENT_ID);
    assert_eq!(
        record["scope"],
        "https://www.approvalmax.com/scopes/public_api/read offline_access"
    );
    assert!(chrono::DateTime::parse_from_rfc3339(record["obtained_at"].as_str().unwrap()).is_ok());
    assert_eq!(mode(&sandbox.store_file("default")), 0o600);
    assert_eq!(mode(&sandbox.path("data/amtoken")), 0o700);

    let cache = read_json(&sandbox.cache_file("default"));
    assert_eq!(
        cache["access_token"],
        fixture_text("approvalmax-access-token.jwt")
    );
    assert_eq!(cache["token_type"], "Bearer");
    assert!(cache["expires_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(mode(&sandbox.cache_file("default")), 0o600);
}

#[test]
fn exchange_prints_the_requested_output() {
    let server = MockServer::start();
    token_endpoint(&server, "rt");
    let output = Sandbox::new()
        .amtoken_for(&server.base_url())
        .args([
            "exchange",
            "--redirect-uri",
            REDIRECT_URI,
            "--code",
            CODE,
            "-o",
            "header",
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(
        stdout,
        format!(
            "Authorization: Bearer {}\n",
            fixture_text("approvalmax-access-token.jwt")
        )
    );
    assert!(
        stderr.contains("no pending authorize request for profile \"default\": the callback's state and the request's expiry were not checked"),
        "{stderr}"
    );
}

#[test]
fn without_a_refresh_token_exchange_warns_and_stores_none() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path("/connect/token");
        then.status(200).json_body(serde_json::json!({
            "access_token": "opaque-access-token", "token_type": "bearer", "expires_in": 600,
        }));
    });
    let sandbox = Sandbox::new();
    let output = sandbox.run_at(
        &server.base_url(),
        &["exchange", "--redirect-uri", REDIRECT_URI, "--code", CODE],
    );
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: the server issued no refresh token"),
        "{stderr}"
    );
    assert!(!sandbox.store_file("default").exists());
    assert_eq!(
        read_json(&sandbox.cache_file("default"))["access_token"],
        "opaque-access-token"
    );
}

#[test]
fn a_state_mismatch_or_callback_error_sends_nothing() {
    let server = MockServer::start();
    let mock = token_endpoint(&server, "rt");
    let cases = [
        (
            format!("{REDIRECT_URI}?code={CODE}&state=forged"),
            5,
            "does not match the expected state \"st-1\"",
        ),
        (
            format!("{REDIRECT_URI}?error=access_denied&state=st-1"),
            5,
            "the authorization server refused: access_denied",
        ),
        (
            format!("{REDIRECT_URI}?state=st-1"),
            3,
            "the callback URL carries no code",
        ),
        (
            "https://[broken/?code=1".to_string(),
            3,
            "malformed callback URL",
        ),
    ];
    for (callback, exit, message) in cases {
        let output = Sandbox::new()
            .amtoken_for(&server.base_url())
            .args([
                "exchange",
                "--redirect-uri",
                REDIRECT_URI,
                "--state",
                "st-1",
                "--code",
                &callback,
            ])
            .output()
            .unwrap();
        let (stdout, stderr) = outputs(&output);
        assert_eq!(output.status.code(), Some(exit), "{callback}: {stderr}");
        assert_eq!(stdout, "");
        assert!(stderr.contains(message), "{callback}: {stderr}");
    }
    mock.assert_calls(0);
}

#[test]
fn missing_client_id_or_redirect_uri_is_exit_3_with_a_hint() {
    let sandbox = Sandbox::new();
    let output = sandbox
        .amtoken()
        .args(["exchange", "--redirect-uri", REDIRECT_URI, "--code", CODE])
        .output()
        .unwrap();
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        stderr,
        "amtoken: error: no client id is set\nhint: pass --client-id, set AMTOKEN_CLIENT_ID, or add client_id to the profile in the config file\n"
    );
    let output = sandbox
        .amtoken_for("https://identity.approvalmax.com")
        .args(["exchange", "--code", CODE])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(
        outputs(&output)
            .1
            .starts_with("amtoken: error: no redirect URI is set\nhint: ")
    );
}

// Issue 9: the code is single-use, so a store that cannot be used refuses the exchange before
// the code is spent. (A store that fails after the server answered sends the new refresh token
// to the rescue file: see the session's unit tests.)
#[test]
fn a_store_that_cannot_be_used_refuses_the_exchange_before_the_code_is_spent() {
    let server = MockServer::start();
    let endpoint = token_endpoint(&server, "rt-never-issued");
    let sandbox = Sandbox::new();
    // A directory where the store file should be.
    std::fs::create_dir_all(sandbox.store_file("default")).unwrap();
    let output = sandbox.run_at(
        &server.base_url(),
        &["exchange", "--redirect-uri", REDIRECT_URI, "--code", CODE],
    );
    let stderr = crate::util::failed(&output, 8);
    assert!(
        stderr.contains("failed to open the store before the exchange"),
        "{stderr}"
    );
    endpoint.assert_calls(0);
    assert!(!sandbox.path("data/amtoken/default.rescue.json").exists());
}

#[test]
fn the_code_and_the_secret_cannot_both_come_from_stdin() {
    let output = Sandbox::new()
        .amtoken_for("https://identity.approvalmax.com")
        .args([
            "exchange",
            "--redirect-uri",
            REDIRECT_URI,
            "--client-secret-file",
            "-",
            "--code",
            "-",
        ])
        .write_stdin(CODE)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        outputs(&output)
            .1
            .contains("cannot both read standard input")
    );
}
