//! The real keychain: gnome-keyring in the private D-Bus session of tests/run, checked from the
//! outside with `secret-tool`. And what happens when there is no keychain at all.

use httpmock::MockServer;

use crate::provider;
use crate::util::{Sandbox, assert_no_secret, mode, outputs, read_json, token_endpoint};

/// The keychain secret of `profile`, read with `secret-tool` as any other program would.
fn secret_tool_lookup(profile: &str) -> Option<serde_json::Value> {
    let output = std::process::Command::new("secret-tool")
        .args(["lookup", "service", "amtoken", "username", profile])
        .output()
        .expect("secret-tool (libsecret-tools)");
    output
        .status
        .success()
        .then(|| serde_json::from_slice(&output.stdout).expect("the keychain secret is JSON"))
}

/// `amtoken` as the provider's client `amtoken-post`, keeping `profile` in the test keychain.
fn run_in_keychain(
    sandbox: &Sandbox,
    client: &str,
    profile: &str,
    args: &[&str],
) -> std::process::Output {
    provider::amtoken(sandbox, client)
        .env("AMTOKEN_STORE", "keyring")
        .env("AMTOKEN_PROFILE", profile)
        .args(args)
        .output()
        .unwrap()
}

/// `amtoken` with no D-Bus session bus to find: no keychain service at all.
fn without_dbus(command: &mut assert_cmd::Command, sandbox: &Sandbox) {
    command
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", sandbox.path("no-bus").display()),
        )
        .env("XDG_RUNTIME_DIR", sandbox.path("no-runtime-dir"))
        .env("AMTOKEN_STORE", "keyring");
}

#[test]
#[ignore = "needs the test keychain and provider: run `bash tests/run`"]
fn the_keychain_stores_rotates_and_shows_the_record_to_other_programs() {
    assert!(
        std::env::var_os("AMTOKEN_TEST_KEYRING").is_some(),
        "run with `bash tests/run`"
    );
    let _keychain = crate::util::keychain_exclusive();
    let profile = format!("keychain-{}", std::process::id());
    let sandbox = Sandbox::new();
    let run = |args: &[&str]| run_in_keychain(&sandbox, "amtoken-post", &profile, args);
    let callback = provider::authorize("amtoken-post", "s", &[]);
    let output = run(&["exchange", "--code", &callback]);
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);

    let stored = secret_tool_lookup(&profile).expect("an entry service=amtoken user=<profile>");
    let first = stored["refresh_token"].as_str().unwrap().to_string();
    assert_eq!(stored["issuer"], provider::issuer());
    assert_eq!(stored["client_id"], "amtoken-post");
    assert!(
        stored["scope"]
            .as_str()
            .unwrap()
            .contains(provider::READ_SCOPE)
    );
    assert!(stored["obtained_at"].as_str().unwrap().ends_with('Z'));
    assert!(
        !sandbox.store_file(&profile).exists(),
        "nothing in the file store"
    );
    assert_eq!(mode(&sandbox.cache_file(&profile)), 0o600);
    let cache = read_json(&sandbox.cache_file(&profile));
    assert!(
        cache.get("refresh_token").is_none(),
        "the cache never holds the refresh token"
    );

    let output = run(&["refresh", "--force"]);
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
    let second = secret_tool_lookup(&profile).unwrap()["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(first, second, "the rotated token replaced the spent one");
    assert_no_secret(&output, &[&first, &second]);

    let status = run(&["status", "--json"]);
    assert_eq!(status.status.code(), Some(0));
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(status["store"], "keyring");
    assert_eq!(
        status["store_location"],
        format!("keychain entry amtoken/{profile}")
    );
    assert!(
        status["refresh_token"]["fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );

    // --all finds the profile in the keychain.
    let all = run(&["status", "--all", "--json"]);
    let all: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    assert!(
        all["profiles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["profile"] == profile.as_str())
    );

    // Deleted from outside: nothing stored, exit 4 once the access token is gone too.
    let cleared = std::process::Command::new("secret-tool")
        .args(["clear", "service", "amtoken", "username", &profile])
        .status()
        .unwrap();
    assert!(cleared.success());
    assert!(secret_tool_lookup(&profile).is_none());
    std::fs::remove_file(sandbox.cache_file(&profile)).unwrap();
    assert_eq!(run(&["status"]).status.code(), Some(4));
    assert_eq!(run(&["refresh"]).status.code(), Some(4));
}

#[test]
fn no_keychain_service_is_exit_8_with_a_hint_never_a_silent_fallback() {
    let sandbox = Sandbox::new();
    for args in [&["refresh"][..], &["status"], &["token"]] {
        let mut command = sandbox.amtoken_for("https://identity.approvalmax.com");
        without_dbus(&mut command, &sandbox);
        let output = command.args(args).output().unwrap();
        let (stdout, stderr) = outputs(&output);
        assert_eq!(output.status.code(), Some(8), "{args:?}: {stderr}");
        assert_eq!(stdout, "");
        assert!(stderr.contains("the keychain is not available"), "{stderr}");
        assert!(
            stderr.contains(
                "hint: unlock the keychain, or keep tokens in a 0600 file with --store file"
            ),
            "{stderr}"
        );
    }
    assert!(!sandbox.path("data").exists(), "no plain-file fallback");
}

#[test]
fn without_a_keychain_exchange_refuses_before_the_code_is_spent() {
    let server = MockServer::start();
    let endpoint = token_endpoint(&server, "rt-never-issued");
    let sandbox = Sandbox::new();
    let mut command = sandbox.amtoken_for(&server.base_url());
    without_dbus(&mut command, &sandbox);
    let output = command
        .args([
            "exchange",
            "--redirect-uri",
            provider::REDIRECT_URI,
            "--code",
            "abc123",
        ])
        .output()
        .unwrap();
    let stderr = crate::util::failed(&output, 8);
    assert!(stderr.contains("the keychain is not available"), "{stderr}");
    endpoint.assert_calls(0);
    assert!(!sandbox.path("data").exists(), "no fall-back to files");
}

#[test]
fn the_hot_path_needs_no_keychain() {
    let sandbox = Sandbox::new();
    let issuer = "https://identity.approvalmax.com";
    sandbox.cache_token("default", issuer, "cached.access.token", 3600);
    let mut command = sandbox.amtoken_for(issuer);
    without_dbus(&mut command, &sandbox);
    command
        .arg("token")
        .assert()
        .success()
        .stdout("cached.access.token\n")
        .stderr("");
}

/// Locks the test keyring, as a screen lock or `secret-tool lock` would (Secret Service `Lock`).
pub(crate) fn lock_keyring() {
    let status = std::process::Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}

/// Unlocks it with its password, as the login session would.
pub(crate) fn unlock_keyring() {
    use std::io::Write as _;
    let home = std::env::var("AMTOKEN_TEST_KEYRING_HOME").expect("run with `bash tests/run`");
    let mut daemon = std::process::Command::new("gnome-keyring-daemon")
        .args(["--replace", "--unlock", "--components=secrets"])
        .env("HOME", home)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    daemon
        .stdin
        .take()
        .unwrap()
        .write_all(b"amtoken-test")
        .unwrap();
    assert!(daemon.wait().unwrap().success());
}

// Issue 9: a locked keychain is exit 8 within the keychain timeout, with a hint, no fall-back
// to files, and nothing lost once it is unlocked.
#[test]
#[ignore = "needs the test keychain and provider: run `bash tests/run`"]
fn a_locked_keychain_is_exit_8_with_a_hint_and_nothing_is_lost() {
    let _keychain = crate::util::keychain_exclusive();
    let profile = format!("locked-{}", std::process::id());
    let sandbox = Sandbox::new();
    // A client of its own, so that the count of codes spent is this test's alone.
    let run = |args: &[&str]| run_in_keychain(&sandbox, "amtoken-locked", &profile, args);
    let callback = provider::authorize("amtoken-locked", "s", &[]);
    let output = run(&["exchange", "--code", &callback]);
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
    let stored = secret_tool_lookup(&profile).unwrap();
    std::fs::remove_file(sandbox.cache_file(&profile)).unwrap();

    lock_keyring();
    let fresh_code = provider::authorize("amtoken-locked", "s", &[]);
    let codes_before = provider::grants("amtoken-locked", "authorization_code");
    for args in [
        vec!["token"],
        vec!["refresh"],
        vec!["status"],
        vec!["exchange", "--code", &fresh_code],
    ] {
        let output = run(&args);
        let (stdout, stderr) = outputs(&output);
        unlock_if_failed(output.status.code() != Some(8), &args, &stderr);
        assert_eq!(stdout, "", "{args:?}");
        assert!(
            stderr.contains("the keychain is not available")
                && stderr.contains("the Secret Service keyring is locked"),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains(
                "hint: unlock the keychain, or keep tokens in a 0600 file with --store file"
            ),
            "{args:?}: {stderr}"
        );
    }
    // The single-use code was not spent on a store that could not keep the tokens.
    assert_eq!(
        provider::grants("amtoken-locked", "authorization_code"),
        codes_before
    );
    assert!(
        !sandbox.path("data/amtoken").exists(),
        "nothing fell back to files"
    );

    unlock_keyring();
    let output = run(&["token"]);
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
    let rotated = secret_tool_lookup(&profile).unwrap();
    assert_ne!(
        rotated["refresh_token"], stored["refresh_token"],
        "the stored token was used"
    );
    let output = run(&["logout"]);
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
}

/// Leaves the shared keyring unlocked for the other tests before a failed assertion.
fn unlock_if_failed(failed: bool, args: &[&str], stderr: &str) {
    if failed {
        unlock_keyring();
        panic!("{args:?}: expected exit 8: {stderr}");
    }
}
