//! `amtoken status`: offline, what is stored and when it expires.

use serde::Deserialize;

use crate::util::{CLIENT_ID, REFRESH_TOKEN, Sandbox, assert_no_secret, fixture_text, outputs};

/// An issuer nobody listens on: status never calls the network anyway.
const ISSUER: &str = "http://127.0.0.1:9";

/// The documented `status --json` schema; unknown fields fail the test.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Status {
    profile: String,
    issuer: String,
    client_id: Option<String>,
    store: String,
    store_location: String,
    store_version: Option<u64>,
    lease: Option<serde_json::Value>,
    usable: bool,
    refresh_token: Option<RefreshToken>,
    access_token: Option<AccessToken>,
    scopes: Vec<String>,
    subject: Option<String>,
    connection_id: Option<String>,
    warnings: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct RefreshToken {
    fingerprint: String,
    issuer: String,
    client_id: String,
    obtained_at: String,
    obtained_at_unix: i64,
    age_seconds: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct AccessToken {
    status: String,
    expires_at: String,
    expires_at_unix: i64,
    expires_in: i64,
}

fn status_json(sandbox: &Sandbox, args: &[&str]) -> (Option<i32>, String) {
    let output = sandbox
        .amtoken_for(ISSUER)
        .args(["status", "--json"])
        .args(args)
        .output()
        .unwrap();
    assert_no_secret(&output, &[]);
    (output.status.code(), outputs(&output).0)
}

#[test]
fn status_shows_the_stored_record_and_the_cached_token() {
    let sandbox = Sandbox::logged_in_at(ISSUER);
    sandbox.cache_token(
        "default",
        ISSUER,
        &fixture_text("approvalmax-access-token.jwt"),
        1800,
    );
    let (code, stdout) = status_json(&sandbox, &[]);
    assert_eq!(code, Some(0));
    let status: Status = serde_json::from_str(&stdout).unwrap();
    assert_eq!(status.profile, "default");
    assert_eq!(status.issuer, ISSUER);
    assert_eq!(status.client_id.as_deref(), Some(CLIENT_ID));
    assert_eq!(status.store, "file");
    assert!(status.usable);
    let refresh = status.refresh_token.unwrap();
    assert!(refresh.fingerprint.starts_with("sha256:"));
    assert_eq!(refresh.obtained_at, "2026-11-01T00:00:00Z");
    let access = status.access_token.unwrap();
    assert_eq!(access.status, "valid");
    assert!((1790..=1800).contains(&access.expires_in));
    assert_eq!(
        status.scopes,
        ["https://www.approvalmax.com/scopes/public_api/read"]
    );
    assert_eq!(
        status.subject.as_deref(),
        Some("5d1c2b7e-8f3a-4c6d-9e0b-1a2b3c4d5e6f")
    );
    assert_eq!(
        status.connection_id.as_deref(),
        Some("c0ffee00-1234-4abc-8def-0123456789ab")
    );

    let output = sandbox.amtoken_for(ISSUER).arg("status").output().unwrap();
    let (human, _) = outputs(&output);
    assert!(human.contains("Refresh token stored (sha256:"), "{human}");
    assert!(human.contains("Access token  valid until "), "{human}");
    assert!(
        human.contains("Connection    c0ffee00-1234-4abc-8def-0123456789ab"),
        "{human}"
    );
}

#[test]
fn an_old_refresh_token_gets_a_warning() {
    let sandbox = Sandbox::logged_in_at(ISSUER);
    let mut record = sandbox.stored_record("default");
    let old = chrono::Utc::now() - chrono::Duration::days(26);
    record["obtained_at"] = old
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        .into();
    crate::util::write_private(&sandbox.store_file("default"), &record.to_string());
    let (code, stdout) = status_json(&sandbox, &[]);
    assert_eq!(code, Some(0));
    let status: Status = serde_json::from_str(&stdout).unwrap();
    assert!(
        status.warnings[0].starts_with("the refresh token is 26 days old"),
        "{:?}",
        status.warnings
    );
}

#[test]
fn nothing_stored_is_exit_4_with_nothing_on_stdout() {
    let sandbox = Sandbox::new();
    let (code, stdout) = status_json(&sandbox, &[]);
    assert_eq!(code, Some(4));
    assert_eq!(stdout, "");
    // An expired access token alone cannot be handed out either.
    sandbox.cache_token("default", ISSUER, "t", -60);
    let output = sandbox.amtoken_for(ISSUER).arg("status").output().unwrap();
    assert_eq!(output.status.code(), Some(4));
    assert!(
        outputs(&output)
            .1
            .contains("the cached access token expired at")
    );
    // A valid access token alone can.
    sandbox.cache_token("default", ISSUER, "t", 600);
    assert_eq!(status_json(&sandbox, &[]).0, Some(0));
}

#[test]
fn all_lists_profiles_from_the_config_file_and_the_store() {
    let sandbox = Sandbox::new();
    crate::util::write_private(
        &sandbox.path("config/amtoken/config.toml"),
        "[profiles.from-config]\nclient_id = \"client-1\"\n",
    );
    sandbox.store_record("stored", ISSUER, REFRESH_TOKEN);
    let (code, stdout) = status_json(&sandbox, &["--all"]);
    assert_eq!(code, Some(0));
    #[derive(Deserialize)]
    struct All {
        profiles: Vec<Status>,
    }
    let all: All = serde_json::from_str(&stdout).unwrap();
    let names: Vec<(&str, bool)> = all
        .profiles
        .iter()
        .map(|p| (p.profile.as_str(), p.usable))
        .collect();
    assert_eq!(names, [("from-config", false), ("stored", true)]);
}
