//! End to end against a real OpenID Connect provider (node's oidc-provider, configured like
//! ApprovalMax in tests/oidc/server.mjs), started by tests/run. Ignored by a plain `cargo test`.

use std::collections::BTreeMap;

use reqwest::blocking::Client;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

use crate::util::{Sandbox, assert_no_secret, outputs};

pub const REDIRECT_URI: &str = "https://app.example.test/callback";
pub const READ_SCOPE: &str = "https://www.approvalmax.com/scopes/public_api/read";

/// The provider's issuer, from tests/services.sh.
pub fn issuer() -> String {
    std::env::var("AMTOKEN_TEST_ISSUER")
        .expect("AMTOKEN_TEST_ISSUER is not set: run these tests with `bash tests/run`")
}

/// The value of the query parameter `name` of `url`.
pub fn query_param(url: &str, name: &str) -> String {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(key, _)| key == name)
        .unwrap_or_else(|| panic!("no {name} in {url}"))
        .1
        .into_owned()
}

/// The secret of a provider client (see tests/oidc/server.mjs).
pub fn secret_of(client_id: &str) -> String {
    format!("{client_id}-secret")
}

/// Walks the authorize flow headlessly (the provider logs in and consents on its own) and
/// returns the callback URL the browser would land on. `extra` adds query parameters.
pub fn authorize(client_id: &str, state: &str, extra: &[(&str, &str)]) -> String {
    let scope = format!("{READ_SCOPE} offline_access");
    let url = reqwest::Url::parse_with_params(
        &format!("{}/connect/authorize", issuer()),
        [
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", REDIRECT_URI),
            ("scope", &scope),
            ("state", state),
            // oidc-provider grants offline_access only when consent is prompted.
            ("prompt", "consent"),
        ]
        .iter()
        .chain(extra),
    )
    .unwrap();
    browse(url.as_str(), REDIRECT_URI)
}

/// Plays the browser: follows the provider's redirects from `url` (an authorize URL) until one
/// points at `redirect_uri`, and returns that location.
pub fn browse(url: &str, redirect_uri: &str) -> String {
    let mut url = reqwest::Url::parse(url).unwrap();
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut cookies = BTreeMap::new();
    for _ in 0..10 {
        let cookie_header: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let response = client
            .get(url.clone())
            .header(COOKIE, cookie_header.join("; "))
            .send()
            .unwrap();
        for set in response.headers().get_all(SET_COOKIE) {
            let pair = set.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            cookies.insert(name.to_string(), value.to_string());
        }
        let location = response
            .headers()
            .get(LOCATION)
            .unwrap_or_else(|| panic!("no redirect from {url}: {}", response.status()))
            .to_str()
            .unwrap()
            .to_string();
        if location.starts_with(redirect_uri) {
            return location;
        }
        url = url.join(&location).unwrap();
    }
    panic!("the authorize flow did not reach the redirect URI");
}

/// The settings of a client of the provider, with the file store.
fn provider_env(client_id: &str) -> [(&'static str, String); 5] {
    [
        ("AMTOKEN_ISSUER", issuer()),
        ("AMTOKEN_CLIENT_ID", client_id.to_string()),
        ("AMTOKEN_CLIENT_SECRET", secret_of(client_id)),
        ("AMTOKEN_REDIRECT_URI", REDIRECT_URI.to_string()),
        ("AMTOKEN_STORE", "file".to_string()),
    ]
}

/// A sandbox's `amtoken` pointed at the provider as `client_id`, with the file store.
pub fn amtoken(sandbox: &Sandbox, client_id: &str) -> assert_cmd::Command {
    let mut command = sandbox.amtoken();
    command.envs(provider_env(client_id));
    command
}

/// [`amtoken`] as a `std::process::Command`, for a process that runs on (`serve`).
pub fn std_amtoken(sandbox: &Sandbox, client_id: &str) -> std::process::Command {
    let mut command = sandbox.std_amtoken();
    command.envs(provider_env(client_id));
    command
}

/// A sandbox logged in to the provider as `client_id` (an authorize flow and `exchange`).
pub fn logged_in(client_id: &str) -> Sandbox {
    let sandbox = Sandbox::new();
    let callback = authorize(client_id, "s", &[]);
    amtoken(&sandbox, client_id)
        .args(["exchange", "--code", &callback])
        .assert()
        .success();
    sandbox
}

/// How many token requests of `grant_type` (or `errors`) the provider has seen from
/// `client_id` so far.
pub fn grants(client_id: &str, grant_type: &str) -> u64 {
    let stats: serde_json::Value = reqwest::blocking::get(format!("{}/test/stats", issuer()))
        .unwrap()
        .json()
        .unwrap();
    stats[client_id][grant_type].as_u64().unwrap_or(0)
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn exchange_then_refresh_rotates_and_the_old_token_is_refused() {
    let sandbox = Sandbox::new();
    let callback = authorize("amtoken-post", "state-123", &[]);
    let output = amtoken(&sandbox, "amtoken-post")
        .args([
            "exchange",
            "--state",
            "state-123",
            "-o",
            "json",
            "--code",
            &callback,
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let first = sandbox.stored_refresh_token("default");
    assert_no_secret(&output, &[&first]);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["token_type"], "Bearer");
    assert!(json["expires_in"].as_i64().unwrap() > 3500);
    assert_eq!(json["profile"], "default");

    // The access token is the provider's PS256 at+jwt for the public API.
    let access_token = json["access_token"].as_str().unwrap().to_string();
    let decoded = sandbox
        .amtoken()
        .args(["decode", "--json", &access_token])
        .output()
        .unwrap();
    let decoded: serde_json::Value = serde_json::from_slice(&decoded.stdout).unwrap();
    assert_eq!(decoded["header"]["alg"], "PS256");
    assert_eq!(decoded["header"]["typ"], "at+jwt");
    assert_eq!(decoded["payload"]["client_id"], "amtoken-post");
    assert_eq!(decoded["payload"]["iss"], issuer());
    assert_eq!(decoded["status"], "valid");

    // Refresh rotates the refresh token.
    let output = amtoken(&sandbox, "amtoken-post")
        .args(["refresh", "--force"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
    let second = sandbox.stored_refresh_token("default");
    assert_ne!(first, second, "the refresh token rotates");
    assert_no_secret(&output, &[&first, &second]);

    // The spent token is dead: putting it back and refreshing asks for re-authorization.
    let mut record = sandbox.stored_record("default");
    record["refresh_token"] = first.clone().into();
    assert_refused(&sandbox, "amtoken-post", &record);
}

/// Stores `record` and refreshes: the provider must refuse its refresh token (exit 5).
pub fn assert_refused(sandbox: &Sandbox, client_id: &str, record: &serde_json::Value) {
    crate::util::write_private(&sandbox.store_file("default"), &record.to_string());
    let output = amtoken(sandbox, client_id)
        .args(["refresh", "--force"])
        .output()
        .unwrap();
    let stderr = crate::util::failed(&output, 5);
    assert!(stderr.contains("invalid_grant"), "{stderr}");
    assert!(
        stderr.contains("hint: the refresh token was rejected"),
        "{stderr}"
    );
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn a_replayed_code_is_refused_with_exit_5() {
    let sandbox = Sandbox::new();
    let callback = authorize("amtoken-post", "s", &[]);
    amtoken(&sandbox, "amtoken-post")
        .args(["exchange", "--code", &callback])
        .assert()
        .success();
    let again = Sandbox::new();
    let output = amtoken(&again, "amtoken-post")
        .args(["exchange", "--code", &callback])
        .output()
        .unwrap();
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    // Without a pending request the exchange says what it could not check first.
    let (warning, stderr) = stderr.split_once('\n').unwrap();
    assert!(
        warning.starts_with("amtoken: warning: no pending authorize request"),
        "{warning}"
    );
    assert!(
        stderr.starts_with("amtoken: error: failed to exchange the authorization code: the server said invalid_grant"),
        "{stderr}"
    );
    assert!(!again.store_file("default").exists());
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn a_basic_auth_client_with_pkce_and_a_bare_code_from_stdin() {
    use base64::Engine as _;
    use sha2::Digest as _;
    let verifier = "dBjftJeZ4CVP-mJ0kOJdvPEhpqt6OmgcZxhgJHl7QmU";
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    let callback = authorize(
        "amtoken-basic",
        "s",
        &[
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    );
    let code = query_param(&callback, "code");
    let sandbox = Sandbox::new();
    amtoken(&sandbox, "amtoken-basic")
        .args([
            "exchange",
            "--client-auth",
            "basic",
            "--code-verifier",
            verifier,
            "--code",
            "-",
        ])
        .write_stdin(format!("{code}\n"))
        .assert()
        .success();
    amtoken(&sandbox, "amtoken-basic")
        .args(["refresh", "--force", "--client-auth", "basic"])
        .assert()
        .success();
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn a_callback_error_is_exit_5_and_sends_nothing() {
    let before = grants("amtoken-callback-error", "authorization_code");
    let output = amtoken(&Sandbox::new(), "amtoken-callback-error")
        .args([
            "exchange",
            "--code",
            &format!("{REDIRECT_URI}?error=access_denied&error_description=denied+by+user&state=s"),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5));
    assert!(outputs(&output).1.contains("access_denied: denied by user"));
    assert_eq!(
        grants("amtoken-callback-error", "authorization_code"),
        before
    );
}
