//! `amtoken token` and `amtoken header`: the cached hot path, refreshing only when needed, the
//! output formats, and seeding from AMTOKEN_REFRESH_TOKEN.

use httpmock::MockServer;
use serde::Deserialize;

use crate::util::{
    REFRESH_TOKEN, Sandbox, assert_no_secret, fixture_text, outputs, token_response,
};

/// An issuer nobody listens on: the hot path must not need one.
const UNREACHABLE: &str = "http://127.0.0.1:9";

#[test]
fn a_fresh_cached_token_is_printed_without_network_lock_or_store() {
    let sandbox = Sandbox::new();
    sandbox.cache_token("default", UNREACHABLE, "cached.access.token", 3600);
    sandbox
        .amtoken_for(UNREACHABLE)
        .arg("token")
        .assert()
        .success()
        .stdout("cached.access.token\n")
        .stderr("");
    sandbox
        .amtoken_for(UNREACHABLE)
        .arg("header")
        .assert()
        .success()
        .stdout("Authorization: Bearer cached.access.token\n");
    assert!(
        !sandbox.path("cache/amtoken/default.lock").exists(),
        "the hot path takes no lock"
    );
}

#[test]
fn every_output_format_of_token() {
    let sandbox = Sandbox::new();
    sandbox.cache_token("ci", UNREACHABLE, "cached.access.token", 3600);
    let run = |args: &[&str]| {
        let output = sandbox
            .amtoken_for(UNREACHABLE)
            .args(["-p", "ci", "token"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        outputs(&output).0
    };
    assert_eq!(run(&["-o", "raw"]), "cached.access.token\n");
    assert_eq!(
        run(&["-o", "header"]),
        "Authorization: Bearer cached.access.token\n"
    );
    assert_eq!(run(&["-o", "none"]), "");
    let env = run(&["-o", "env"]);
    let lines: Vec<&str> = env.lines().collect();
    assert_eq!(lines[0], "export AMTOKEN_ACCESS_TOKEN=cached.access.token");
    assert!(
        lines[1].starts_with("export AMTOKEN_EXPIRES_AT=20") && lines[1].ends_with('Z'),
        "{env}"
    );
    assert_eq!(lines.len(), 2);

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct TokenJson {
        access_token: String,
        token_type: String,
        expires_at: String,
        expires_at_unix: i64,
        expires_in: i64,
        scope: String,
        profile: String,
    }
    let json: TokenJson = serde_json::from_str(&run(&["-o", "json"])).unwrap();
    assert_eq!(json.access_token, "cached.access.token");
    assert_eq!(json.token_type, "Bearer");
    assert_eq!(json.profile, "ci");
    assert!(
        (3590..=3600).contains(&json.expires_in),
        "{}",
        json.expires_in
    );
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(&json.expires_at)
            .unwrap()
            .timestamp(),
        json.expires_at_unix
    );
}

#[test]
fn less_than_min_ttl_left_refreshes_once_and_prints_the_new_token() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.path("/connect/token")
            .form_urlencoded_tuple("refresh_token", REFRESH_TOKEN);
        then.status(200).json_body(token_response("rt-next"));
    });
    let sandbox = Sandbox::logged_in_at(&server.base_url());
    sandbox.cache_token("default", &server.base_url(), "old.access.token", 240);
    // 4 minutes left is enough for --min-ttl 3m ...
    sandbox
        .amtoken_for(&server.base_url())
        .args(["token", "--min-ttl", "3m"])
        .assert()
        .success()
        .stdout("old.access.token\n");
    mock.assert_calls(0);
    // ... but not for the default 5m.
    let output = sandbox.run_at(&server.base_url(), &["token"]);
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stdout,
        format!("{}\n", fixture_text("approvalmax-access-token.jwt"))
    );
    assert_eq!(stderr, "", "token is quiet on success");
    mock.assert_calls(1);
    assert_eq!(sandbox.stored_refresh_token("default"), "rt-next");
    // And the new token is now served from the cache.
    sandbox
        .amtoken_for(&server.base_url())
        .arg("token")
        .assert()
        .success();
    mock.assert_calls(1);
}

#[test]
fn a_cached_token_of_another_client_is_not_handed_out() {
    let sandbox = Sandbox::new();
    sandbox.cache_token("default", UNREACHABLE, "other.client.token", 3600);
    let output = sandbox.run_at(UNREACHABLE, &["token", "--client-id", "someone-else"]);
    crate::util::failed(&output, 4);
}

#[test]
fn amtoken_refresh_token_seeds_an_empty_store_and_is_never_printed() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.path("/connect/token")
            .form_urlencoded_tuple("refresh_token", "seed-from-ci-secret");
        then.status(200)
            .json_body(token_response("rt-rotated-from-seed"));
    });
    let sandbox = Sandbox::new();
    let output = sandbox
        .amtoken_for(&server.base_url())
        .env("AMTOKEN_REFRESH_TOKEN", "seed-from-ci-secret")
        .args(["header"])
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    mock.assert_calls(1);
    assert!(stdout.starts_with("Authorization: Bearer eyJ"));
    assert_no_secret(&output, &["seed-from-ci-secret", "rt-rotated-from-seed"]);
    assert_eq!(
        sandbox.stored_refresh_token("default"),
        "rt-rotated-from-seed"
    );
    // Once something is stored, the variable is not used again (it was spent).
    sandbox.cache_token("default", &server.base_url(), "x", 0);
    let again = server.mock(|when, then| {
        when.path("/connect/token")
            .form_urlencoded_tuple("refresh_token", "rt-rotated-from-seed");
        then.status(200).json_body(token_response("rt-3"));
    });
    sandbox
        .amtoken_for(&server.base_url())
        .env("AMTOKEN_REFRESH_TOKEN", "seed-from-ci-secret")
        .arg("token")
        .assert()
        .success();
    again.assert_calls(1);
    mock.assert_calls(1);
}

/// Issue 18: a seed is one refresh token, and it works once. `-p a token; -p b token` must not
/// spend it twice (each profile has its own lock), nor a run after `logout`.
#[test]
fn a_seed_serves_one_profile_only() {
    let server = MockServer::start();
    let seed = server.mock(|when, then| {
        when.path("/connect/token")
            .form_urlencoded_tuple("refresh_token", "seed-one-time");
        then.status(200).json_body(token_response("rt-after-seed"));
    });
    let sandbox = Sandbox::new();
    let run = |profile: &str, command: &str| {
        sandbox
            .amtoken_for(&server.base_url())
            .env("AMTOKEN_REFRESH_TOKEN", "seed-one-time")
            .args(["--profile", profile, command])
            .output()
            .unwrap()
    };
    let output = run("a", "token");
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
    let output = run("b", "token");
    let stderr = crate::util::failed(&output, 3);
    assert!(
        stderr.contains("AMTOKEN_REFRESH_TOKEN was already stored for profile \"a\""),
        "{stderr}"
    );
    assert_no_secret(&output, &["seed-one-time"]);
    assert!(!sandbox.store_file("b").exists());
    // Nor again for the same profile once it is logged out: the seed was spent.
    assert_eq!(run("a", "logout").status.code(), Some(0));
    crate::util::failed(&run("a", "token"), 3);
    seed.assert_calls(1);
}

#[test]
fn a_failing_token_prints_one_line_and_nothing_on_stdout() {
    let output = Sandbox::new()
        .amtoken_for(UNREACHABLE)
        .args(["token"])
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(4));
    assert_eq!(stdout, "");
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    assert!(
        stderr.starts_with(
            "amtoken: error: not logged in: nothing is stored for profile \"default\""
        )
    );
    assert!(
        stderr
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("hint: log in with `amtoken login`")
    );
}

#[test]
fn durations_take_units() {
    let sandbox = Sandbox::new();
    sandbox.cache_token("default", UNREACHABLE, "t", 7200);
    for ttl in ["90s", "5m", "1h", "120", "1h30m"] {
        sandbox
            .amtoken_for(UNREACHABLE)
            .args(["token", "--min-ttl", ttl])
            .assert()
            .success();
    }
    let output = sandbox.run_at(UNREACHABLE, &["token", "--min-ttl", "5x"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(outputs(&output).1.contains("\"5x\" is not a duration"));
}

// Issue 7: durations that overflow the clock aborted the process (exit 134).
#[test]
fn absurd_durations_are_usage_errors_not_aborts() {
    let sandbox = Sandbox::logged_in_at(UNREACHABLE);
    for args in [
        ["refresh", "--timeout", "9300000000000000000s"],
        ["refresh", "--lock-timeout", "9300000000000000000s"],
        ["token", "--min-ttl", "99999999999999999999"],
        ["refresh", "--timeout", "8d"],
    ] {
        let output = sandbox
            .amtoken_for(UNREACHABLE)
            .args(args)
            .output()
            .unwrap();
        let (stdout, stderr) = outputs(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stdout, "");
        assert!(
            stderr.contains("too long a duration: at most 7d"),
            "{args:?}: {stderr}"
        );
    }
}

// Issue 7: with nothing configured, `token`, `header`, `refresh` and `status` failed with "no
// client id is set" although the stored record names its issuer and client.
#[test]
fn the_stored_issuer_and_client_serve_when_nothing_is_configured() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.path("/connect/token")
            .form_urlencoded_tuple("client_id", crate::util::CLIENT_ID);
        then.status(200).json_body(token_response("rt-next"));
    });
    let sandbox = Sandbox::logged_in_at(&server.base_url());
    let unconfigured = || {
        let mut command = sandbox.amtoken();
        command
            .env("AMTOKEN_STORE", "file")
            .env("AMTOKEN_CLIENT_SECRET", crate::util::CLIENT_SECRET);
        command
    };
    let status = unconfigured().args(["status", "--json"]).output().unwrap();
    let (stdout, stderr) = outputs(&status);
    assert_eq!(status.status.code(), Some(0), "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["issuer"], server.base_url());
    assert!(
        !json["warnings"].to_string().contains("settings name"),
        "{stdout}"
    );

    let refresh = unconfigured().arg("refresh").output().unwrap();
    assert_eq!(refresh.status.code(), Some(0), "{}", outputs(&refresh).1);
    mock.assert_calls(1);
    for command in ["token", "header"] {
        let output = unconfigured().arg(command).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
        assert!(outputs(&output).0.contains("eyJ"), "{command}");
    }
    mock.assert_calls(1);

    // A configured client that differs is still the mismatch naming both.
    let output = unconfigured()
        .args(["refresh", "--force", "--client-id", "client-2"])
        .output()
        .unwrap();
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("client client-1") && stderr.contains("client client-2"),
        "{stderr}"
    );
}

#[test]
fn nothing_stored_and_nothing_configured_is_not_logged_in() {
    let sandbox = Sandbox::new();
    for command in ["token", "header", "refresh", "status"] {
        let output = sandbox
            .amtoken()
            .env("AMTOKEN_STORE", "file")
            .arg(command)
            .output()
            .unwrap();
        let (stdout, stderr) = outputs(&output);
        assert_eq!(output.status.code(), Some(4), "{command}: {stderr}");
        assert_eq!(stdout, "");
        assert!(
            stderr.starts_with("amtoken: error: not logged in"),
            "{command}: {stderr}"
        );
        assert!(stderr.contains("hint: "), "{command}: {stderr}");
    }
}
