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
    authorized_at: Option<String>,
    authorized_at_unix: Option<i64>,
    relogin_by: Option<String>,
    relogin_by_unix: Option<i64>,
    relogin_in: Option<i64>,
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

/// A sandbox logged in whose record's time `field` lies `ago` in the past.
fn logged_in_with_time(field: &str, ago: chrono::Duration) -> Sandbox {
    let sandbox = Sandbox::logged_in_at(ISSUER);
    let mut record = sandbox.stored_record("default");
    record[field] = (chrono::Utc::now() - ago)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        .into();
    crate::util::write_private(&sandbox.store_file("default"), &record.to_string());
    sandbox
}

/// `status --json ARGS`, which must succeed, parsed.
fn parsed_status(sandbox: &Sandbox, args: &[&str]) -> Status {
    let (code, stdout) = status_json(sandbox, args);
    assert_eq!(code, Some(0));
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn an_old_refresh_token_gets_a_warning() {
    let sandbox = logged_in_with_time("obtained_at", chrono::Duration::days(26));
    let status = parsed_status(&sandbox, &[]);
    assert!(
        status.warnings[0].starts_with("the refresh token is 26 days old"),
        "{:?}",
        status.warnings
    );
}

/// Issue 15: the chain's start plus --refresh-lifetime is when a person must log in again;
/// `status` shows it, warns 5 days ahead, and `--check --warn-before` exits 12 within it.
#[test]
fn the_end_of_the_refresh_chain_is_shown_and_checked() {
    let sandbox = logged_in_with_time("authorized_at", chrono::Duration::days(24));
    let authorized = chrono::DateTime::parse_from_rfc3339(
        sandbox.stored_record("default")["authorized_at"]
            .as_str()
            .unwrap(),
    )
    .unwrap()
    .with_timezone(&chrono::Utc);
    let status = parsed_status(&sandbox, &[]);
    let stored = status.refresh_token.unwrap();
    let relogin_by = authorized + chrono::Duration::days(30);
    assert_eq!(stored.relogin_by_unix, Some(relogin_by.timestamp()));
    assert_eq!(
        stored.relogin_by.as_deref(),
        Some(
            relogin_by
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                .as_str()
        )
    );
    assert_eq!(stored.authorized_at_unix, Some(authorized.timestamp()));
    assert!(stored.relogin_in.unwrap() > 5 * 86_400);
    assert!(status.warnings.is_empty(), "{:?}", status.warnings);

    let human = sandbox.amtoken_for(ISSUER).arg("status").output().unwrap();
    assert!(
        outputs(&human).0.contains("Log in again  by "),
        "{}",
        outputs(&human).0
    );

    let check = |args: &[&str]| {
        sandbox
            .amtoken_for(ISSUER)
            .args(["status", "--check"])
            .args(args)
            .output()
            .unwrap()
    };
    assert_eq!(check(&[]).status.code(), Some(0));
    assert_eq!(check(&["--warn-before", "5d"]).status.code(), Some(0));
    // The status is printed all the same; then exit 12.
    let output = check(&["--warn-before", "7d"]);
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(12), "{stderr}");
    assert!(stdout.contains("Log in again"), "{stdout}");
    assert!(
        stderr.contains("a person must log in again: profile \"default\" by "),
        "{stderr}"
    );
    // A shorter lifetime moves the end: 20 days are over already.
    assert_eq!(
        check(&["--refresh-lifetime", "20d"]).status.code(),
        Some(12)
    );
    let status = parsed_status(&sandbox, &["--refresh-lifetime", "20d"]);
    assert!(status.refresh_token.unwrap().relogin_in.unwrap() < 0);
    assert!(
        status.warnings[0].starts_with("the refresh chain ends "),
        "{:?}",
        status.warnings
    );
    // Not a lifetime: a usage error.
    assert_eq!(check(&["--refresh-lifetime", "0s"]).status.code(), Some(2));
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
