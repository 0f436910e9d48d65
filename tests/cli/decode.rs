//! `amtoken decode`.

use predicates::prelude::*;
use serde::Deserialize;

use crate::util::{Sandbox, fixture, fixture_text, outputs};

/// The `--json` schema as scripts see it; defined here so a schema change fails loudly.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecodeJson {
    header: serde_json::Map<String, serde_json::Value>,
    payload: serde_json::Map<String, serde_json::Value>,
    status: String,
    signature_verified: bool,
    key_id: Option<String>,
    jwks: Option<String>,
    not_checked: Option<Vec<String>>,
    unsigned: bool,
    expires_at: Option<String>,
    expires_at_unix: Option<i64>,
    expires_in: Option<i64>,
    not_before: Option<String>,
    not_before_unix: Option<i64>,
    issued_at: Option<String>,
    issued_at_unix: Option<i64>,
    auth_time: Option<String>,
    auth_time_unix: Option<i64>,
    scopes: Vec<String>,
    warnings: Vec<String>,
}

fn decode_json(args: &[&str], stdin: &str) -> DecodeJson {
    let output = Sandbox::new()
        .amtoken()
        .arg("decode")
        .arg("--json")
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

#[test]
fn decode_shows_header_payload_and_summary_of_an_approvalmax_token() {
    let output = Sandbox::new()
        .amtoken()
        .arg("decode")
        .write_stdin(std::fs::read(fixture("approvalmax-access-token.jwt")).unwrap())
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stderr, "");
    assert!(!stdout.contains('\x1b'), "no colour when piped");
    // Relative times ("in 3h 5m", "2d ago") change every run; absolute ones come from the fixture.
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\(in (\d+[dhms] ?){1,2}\)", "(in [relative])");
    settings.add_filter(r"\((\d+[dhms] ?){1,2} ago\)", "([relative] ago)");
    settings.add_filter(r"expires in (\d+[dhms] ?){1,2}", "expires in [relative]");
    settings.bind(|| insta::assert_snapshot!(stdout));
}

#[test]
fn decode_reads_the_argument_stdin_and_dash_alike() {
    let token = fixture_text("approvalmax-access-token.jwt");
    let sandbox = Sandbox::new();
    let from_argument = sandbox
        .amtoken()
        .args(["decode", "--json", &token])
        .output()
        .unwrap();
    let from_dash = sandbox
        .amtoken()
        .args(["decode", "--json", "-"])
        .write_stdin(token.clone())
        .output()
        .unwrap();
    let from_stdin = sandbox
        .amtoken()
        .args(["decode", "--json"])
        .write_stdin(token)
        .output()
        .unwrap();
    let payload = |output: &std::process::Output| {
        let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        value["payload"].clone()
    };
    assert_eq!(payload(&from_argument), payload(&from_dash));
    assert_eq!(payload(&from_argument), payload(&from_stdin));
    assert_eq!(payload(&from_argument)["idp"], "AMRemote");
}

#[test]
fn decode_json_follows_the_documented_schema() {
    let report = decode_json(&[], &fixture_text("approvalmax-access-token.jwt"));
    assert_eq!(report.status, "valid");
    assert_eq!(report.header["alg"], "PS256");
    assert_eq!(report.header["typ"], "at+jwt");
    assert_eq!(report.expires_at.as_deref(), Some("2100-01-01T00:00:00Z"));
    assert_eq!(report.expires_at_unix, Some(4_102_444_800));
    assert!(report.expires_in.unwrap() > 0);
    assert_eq!(report.not_before.as_deref(), Some("2025-12-01T00:00:00Z"));
    assert_eq!(report.not_before_unix, Some(1_764_547_200));
    assert_eq!(report.issued_at_unix, Some(1_764_547_195));
    assert_eq!(report.issued_at.as_deref(), Some("2025-11-30T23:59:55Z"));
    assert_eq!(report.auth_time.as_deref(), Some("2025-11-30T23:58:00Z"));
    assert_eq!(report.auth_time_unix, Some(1_764_547_080));
    assert_eq!(
        report.scopes,
        [
            "https://www.approvalmax.com/scopes/public_api/read",
            "offline_access"
        ]
    );
    assert!(!report.signature_verified);
    assert_eq!(report.not_checked, None, "nothing was verified");
    assert_eq!((report.key_id, report.jwks), (None, None));
    assert!(!report.unsigned);
    assert!(report.warnings.is_empty());
    // Claim order is the token's own.
    let keys: Vec<&str> = report.payload.keys().map(String::as_str).collect();
    assert_eq!(&keys[..4], ["nbf", "exp", "iss", "client_id"]);
}

#[test]
fn decode_json_reports_expired_and_not_yet_valid() {
    let expired = decode_json(&[], &fixture_text("expired.jwt"));
    assert_eq!(expired.status, "expired");
    assert!(expired.expires_in.unwrap() < 0);
    let future = decode_json(&[], &fixture_text("not-yet-valid.jwt"));
    assert_eq!(future.status, "not_yet_valid");
    let unsigned = decode_json(&[], &fixture_text("unsigned.jwt"));
    assert!(unsigned.unsigned);
    assert_eq!(unsigned.status, "valid");
}

#[test]
fn decode_accepts_a_pasted_header_line_with_a_warning() {
    let output = Sandbox::new()
        .amtoken()
        .args(["decode", "--claim", "sub"])
        .write_stdin(std::fs::read(fixture("pasted.txt")).unwrap())
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stdout, "5d1c2b7e-8f3a-4c6d-9e0b-1a2b3c4d5e6f\n");
    assert_eq!(
        stderr,
        "amtoken: warning: removed 1 whitespace character from inside the token\n"
    );
}

#[test]
fn decode_claim_prints_strings_raw_and_the_rest_as_json() {
    let token = fixture_text("approvalmax-access-token.jwt");
    let cases = [
        ("idp", "AMRemote\n"),
        ("exp", "4102444800\n"),
        ("amr", "[\"external\"]\n"),
        (
            "https://www.approvalmax.com/connection",
            "c0ffee00-1234-4abc-8def-0123456789ab\n",
        ),
    ];
    for (claim, expected) in cases {
        Sandbox::new()
            .amtoken()
            .args(["decode", "--claim", claim, &token])
            .assert()
            .success()
            .stdout(expected);
    }
}

#[test]
fn decode_claim_that_is_missing_lists_the_claims_present() {
    Sandbox::new()
        .amtoken()
        .args(["decode", "--claim", "aud", &fixture_text("unsigned.jwt")])
        .assert()
        .code(3)
        .stdout("")
        .stderr("amtoken: error: claim \"aud\" is not in the token; claims present: sub, exp\n");
}

#[test]
fn decode_check_exits_10_outside_the_validity_window_after_printing() {
    for name in ["expired.jwt", "not-yet-valid.jwt"] {
        Sandbox::new()
            .amtoken()
            .args(["decode", "--check", "--claim", "sub", &fixture_text(name)])
            .assert()
            .code(10)
            .stdout("5d1c2b7e-8f3a-4c6d-9e0b-1a2b3c4d5e6f\n")
            .stderr(predicate::str::starts_with(
                "amtoken: error: token check failed: the token",
            ));
    }
    Sandbox::new()
        .amtoken()
        .args([
            "decode",
            "--check",
            &fixture_text("approvalmax-access-token.jwt"),
        ])
        .assert()
        .code(0);
}

#[test]
fn decode_of_an_expired_token_succeeds_without_check() {
    Sandbox::new()
        .amtoken()
        .args(["decode", &fixture_text("expired.jwt")])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Status      expired "));
}

#[test]
fn decode_says_an_unsecured_token_is_unsigned() {
    Sandbox::new()
        .amtoken()
        .args(["decode", &fixture_text("unsigned.jwt")])
        .assert()
        .success()
        .stdout(
            predicate::str::is_match(r"\nSignature +none: this is an unsecured token").unwrap(),
        );
}

#[test]
fn decode_refuses_malformed_tokens_with_exit_3_and_one_line() {
    let cases = [
        (
            "encrypted.jwe",
            "the token is encrypted (JWE, 5 segments) and cannot be read without the key",
        ),
        (
            "two-segments.txt",
            "expected 3 segments separated by dots (header.payload.signature), found 2",
        ),
        ("empty-payload.jwt", "the payload segment is empty"),
        (
            "bad-base64.jwt",
            "the payload segment is not base64url: invalid character '!' at position 9",
        ),
        (
            "payload-not-json.jwt",
            "the payload is not JSON: expected ident at line 1 column 2",
        ),
        (
            "payload-array.jwt",
            "the payload is JSON but not an object (found an array)",
        ),
    ];
    for (name, why) in cases {
        Sandbox::new()
            .amtoken()
            .arg("decode")
            .write_stdin(std::fs::read(fixture(name)).unwrap())
            .assert()
            .code(3)
            .stdout("")
            .stderr(format!("amtoken: error: failed to decode token: {why}\n"));
    }
}

#[test]
fn decode_refuses_binary_and_oversized_input() {
    let sandbox = Sandbox::new();
    sandbox
        .amtoken()
        .arg("decode")
        .write_stdin(vec![0xff, 0xfe, 0x00, 0x01])
        .assert()
        .code(3)
        .stderr("amtoken: error: failed to decode token: the input is not text (byte 0xff at offset 0)\n");
    sandbox
        .amtoken()
        .arg("decode")
        .write_stdin("a".repeat(200_000))
        .assert()
        .code(3)
        .stderr("amtoken: error: failed to decode token: the input is 65537 bytes, over the limit of 64 KiB\n");
}

#[test]
fn decode_colours_only_when_asked_or_on_a_terminal() {
    let token = fixture_text("approvalmax-access-token.jwt");
    let sandbox = Sandbox::new();
    sandbox
        .amtoken()
        .args(["decode", "--color", "always", &token])
        .assert()
        .success()
        .stdout(predicate::str::contains("\x1b[1;34m\"alg\"\x1b[0m"));
    sandbox
        .amtoken()
        .args(["decode", &token])
        .env("NO_COLOR", "1")
        .assert()
        .success()
        .stdout(predicate::str::contains('\x1b').not());
}

// Issue 7: an opaque access token (other OAuth servers issue them) is named as such.
#[test]
fn decode_names_an_opaque_token_as_one() {
    let output = Sandbox::new()
        .amtoken()
        .args(["decode", "2YotnFZFEjr1zCsicMWpAA"])
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("not a JWT: this is an opaque token"),
        "{stderr}"
    );
}
