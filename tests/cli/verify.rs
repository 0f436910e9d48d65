//! `amtoken decode --verify`: keys from a file, a URL or the issuer's discovery; every way a
//! token can fail to verify is exit 10 with the reason, and nothing on stdout.

use httpmock::MockServer;
use serde::Deserialize;

use crate::provider::{self, amtoken};
use crate::util::{Sandbox, fixture, fixture_text, outputs};

const APPROVALMAX: &str = "https://identity.approvalmax.com";
const KID: &str = "6B2F1C0DA4E3498F8E5A7C11D9B0E2F4";

/// What `decode --verify --json` adds; the rest is decode's schema.
#[derive(Debug, Deserialize)]
struct Verified {
    signature_verified: bool,
    key_id: Option<String>,
    jwks: Option<String>,
    not_checked: Option<Vec<String>>,
}

fn verify(sandbox: &Sandbox, token: &str, args: &[&str]) -> std::process::Output {
    sandbox
        .amtoken()
        .env("AMTOKEN_ISSUER", APPROVALMAX)
        .args(["decode", "--verify"])
        .args(args)
        .arg(token)
        .output()
        .unwrap()
}

fn jwks_file() -> String {
    fixture("jwks.json").display().to_string()
}

#[test]
fn a_good_token_verifies_with_a_key_file() {
    let sandbox = Sandbox::new();
    let token = fixture_text("approvalmax-access-token.jwt");
    let output = verify(&sandbox, &token, &["--jwks", &jwks_file(), "--json"]);
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let json: Verified = serde_json::from_str(&stdout).unwrap();
    assert!(json.signature_verified);
    assert_eq!(json.key_id.as_deref(), Some(KID));
    assert_eq!(json.jwks, Some(jwks_file()));

    // Issue 18: without a client id or --audience, the summary says what it did not check.
    assert_eq!(
        json.not_checked.unwrap(),
        [
            "the client (no client id is configured)",
            "aud (no --audience given)"
        ]
    );

    let output = verify(&sandbox, &token, &["--jwks", &jwks_file()]);
    let (stdout, _) = outputs(&output);
    assert!(
        stdout.contains(&format!(
            "Signature    verified with key {KID} from {} (PS256)\nNot checked  the client (no client id is configured)\n             aud (no --audience given)\n",
            jwks_file()
        )),
        "{stdout}"
    );
}

/// Issue 18: with a profile that has a client id, a token of another client does not verify;
/// one of this client does, and then only the audience is left unchecked.
#[test]
fn the_profiles_client_id_is_checked() {
    let sandbox = Sandbox::new();
    let token = fixture_text("approvalmax-access-token.jwt");
    let output = sandbox
        .amtoken()
        .env("AMTOKEN_ISSUER", APPROVALMAX)
        .env("AMTOKEN_CLIENT_ID", "0F3A6C2B9D8E4F1A7B5C3D2E1F0A9B8C")
        .args([
            "decode",
            "--verify",
            "--json",
            "--jwks",
            &jwks_file(),
            &token,
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let json: Verified = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json.not_checked.unwrap(), ["aud (no --audience given)"]);
    let output = sandbox
        .amtoken()
        .env("AMTOKEN_ISSUER", APPROVALMAX)
        .env("AMTOKEN_CLIENT_ID", "SOMEONE-ELSE")
        .args(["decode", "--verify", "--jwks", &jwks_file(), &token])
        .output()
        .unwrap();
    let stderr = crate::util::failed(&output, 10);
    assert!(
        stderr.contains(
            "the token is for client \"0F3A6C2B9D8E4F1A7B5C3D2E1F0A9B8C\", not \"SOMEONE-ELSE\""
        ),
        "{stderr}"
    );
    assert_eq!(outputs(&output).0, "");
}

/// Issue 18: a header parameter marked critical that amtoken does not know is refused, even
/// under a good signature (RFC 7515 §4.1.11).
#[test]
fn a_token_with_an_unknown_critical_header_does_not_verify() {
    let sandbox = Sandbox::new();
    let output = verify(
        &sandbox,
        &fixture_text("crit.jwt"),
        &["--jwks", &jwks_file()],
    );
    let stderr = crate::util::failed(&output, 10);
    assert!(
        stderr.contains("marks \"urn:example:must-know\" as critical (crit)"),
        "{stderr}"
    );
    assert_eq!(outputs(&output).0, "");
}

#[test]
fn every_bad_token_is_exit_10_with_its_reason() {
    let good = fixture_text("approvalmax-access-token.jwt");
    let mut parts: Vec<&str> = good.split('.').collect();
    let other_payload = fixture_text("es256.jwt");
    parts[1] = other_payload.split('.').nth(1).unwrap();
    let tampered = parts.join(".");
    let cases: [(&str, String, &[&str], &str); 8] = [
        (
            "tampered payload",
            tampered,
            &[],
            "the signature does not match key",
        ),
        (
            "another key",
            fixture_text("signed-by-another-key.jwt"),
            &[],
            "the signature does not match key",
        ),
        (
            "alg none",
            fixture_text("unsigned.jwt"),
            &[],
            "the token is unsigned",
        ),
        (
            "HS256 keyed with the public key",
            fixture_text("hs256-public-key.jwt"),
            &[],
            "an HMAC algorithm: refused",
        ),
        (
            "expired",
            fixture_text("expired.jwt"),
            &[],
            "the token expired at 2025-12-01T01:00:00Z",
        ),
        (
            "wrong issuer",
            good.clone(),
            &["--issuer", "https://identitydev04.approvalmax.com"],
            "not by https://identitydev04.approvalmax.com",
        ),
        (
            "wrong audience",
            fixture_text("es256.jwt"),
            &["--audience", "https://other.example"],
            "not \"https://other.example\"",
        ),
        (
            "no aud claim at all",
            good.clone(),
            &["--audience", "https://public-api.approvalmax.com"],
            "none (no aud claim)",
        ),
    ];
    let sandbox = Sandbox::new();
    let jwks = jwks_file();
    for (name, token, extra, reason) in cases {
        let mut args = vec!["--jwks", jwks.as_str()];
        args.extend_from_slice(extra);
        let output = verify(&sandbox, &token, &args);
        let (stdout, stderr) = outputs(&output);
        assert_eq!(output.status.code(), Some(10), "{name}: {stderr}");
        assert_eq!(stdout, "", "{name}");
        assert!(stderr.contains(reason), "{name}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
    }
    // The right audience passes.
    let output = verify(
        &sandbox,
        &fixture_text("es256.jwt"),
        &[
            "--jwks",
            &jwks_file(),
            "--audience",
            "https://public-api.approvalmax.com",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
}

#[test]
fn a_rotated_key_is_fetched_once_more() {
    let server = MockServer::start();
    let jwks: serde_json::Value = serde_json::from_str(&fixture_text("jwks.json")).unwrap();
    let ec_only = serde_json::json!({"keys": [jwks["keys"][1]]});
    let mut old = server.mock(|when, then| {
        when.path("/jwks");
        then.status(200).json_body(ec_only);
    });
    let sandbox = Sandbox::new();
    let url = server.url("/jwks");
    let output = verify(&sandbox, &fixture_text("es256.jwt"), &["--jwks", &url]);
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
    // Cached: a second verification asks nothing.
    let output = verify(&sandbox, &fixture_text("es256.jwt"), &["--jwks", &url]);
    assert_eq!(output.status.code(), Some(0));
    old.assert_calls(1);
    old.delete();

    // The server's keys rotate: a token with the new kid makes one fresh fetch.
    let new = server.mock(|when, then| {
        when.path("/jwks");
        then.status(200).json_body(jwks);
    });
    let output = verify(
        &sandbox,
        &fixture_text("approvalmax-access-token.jwt"),
        &["--jwks", &url],
    );
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
    new.assert_calls(1);

    // A kid nobody has: one fetch more, then exit 10.
    let mut jwt: Vec<String> = fixture_text("approvalmax-access-token.jwt")
        .split('.')
        .map(str::to_string)
        .collect();
    jwt[0] = base64_url(r#"{"alg":"PS256","kid":"gone","typ":"at+jwt"}"#);
    let output = verify(&sandbox, &jwt.join("."), &["--jwks", &url]);
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(10), "{stderr}");
    assert!(stderr.contains("no key with kid \"gone\""), "{stderr}");
    new.assert_calls(2);
}

fn base64_url(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

#[test]
fn a_key_set_url_that_is_down_is_exit_6() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = verify(
        &Sandbox::new(),
        &fixture_text("approvalmax-access-token.jwt"),
        &["--jwks", &format!("http://127.0.0.1:{port}/jwks")],
    );
    let stderr = crate::util::failed(&output, 6);
    assert!(stderr.contains("cannot connect to"), "{stderr}");
}

#[test]
fn an_issuer_without_discovery_needs_jwks() {
    let server = MockServer::start();
    let output = Sandbox::new()
        .amtoken()
        .env("AMTOKEN_ISSUER", server.base_url())
        .args(["decode", "--verify"])
        .arg(fixture_text("approvalmax-access-token.jwt"))
        .output()
        .unwrap();
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("has no discovery document"), "{stderr}");
    assert!(
        stderr.contains("hint: pass the key set with --jwks"),
        "{stderr}"
    );
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn a_token_from_the_provider_verifies_through_discovery() {
    let sandbox = Sandbox::new();
    let callback = provider::authorize("amtoken-revoke", "s", &[]);
    let output = amtoken(&sandbox, "amtoken-revoke")
        .args(["exchange", "-o", "raw", "--code", &callback])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
    let access_token = outputs(&output).0.trim().to_string();
    let output = amtoken(&sandbox, "amtoken-revoke")
        .args(["decode", "--verify", "--json", &access_token])
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let json: Verified = serde_json::from_str(&stdout).unwrap();
    assert!(json.signature_verified);
    assert_eq!(json.key_id.as_deref(), Some(KID));
    assert_eq!(
        json.jwks,
        Some(format!(
            "{}/.well-known/openid-configuration/jwks",
            provider::issuer()
        ))
    );
}
