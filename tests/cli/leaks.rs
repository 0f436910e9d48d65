//! Issue 9: secrets never leak. Every command runs with marker values for the client secret,
//! the refresh tokens and the access token — with `-v`, on error paths, `status --json`,
//! `login`, `logout` — under `umask 000`; afterwards no output and no file holds a marker it
//! should not, every file amtoken made is 0600 in a 0700 directory, and no process ever had a
//! secret on its argv.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use httpmock::MockServer;

use crate::util::{Sandbox, outputs};

const CLIENT_ID: &str = "leak-client";
const CLIENT_SECRET: &str = "MARKER-client-secret-6c1f";
const FIRST_REFRESH: &str = "MARKER-refresh-first-93ab";
const ROTATED_REFRESH: &str = "MARKER-refresh-rotated-5d2e";
const ACCESS_TOKEN: &str = "MARKER.access-token.7f4a";
const REDIRECT: &str = "https://app.example/callback";

/// Every output of every run, with what it was allowed to show.
struct Runs {
    outputs: Vec<(String, Output, bool)>,
}

impl Runs {
    /// Runs amtoken with `args` under umask 000 (so only amtoken's own modes protect files);
    /// `shows_access_token` says whether its stdout may hold the access token.
    fn run(
        &mut self,
        sandbox: &Sandbox,
        issuer: &str,
        args: &[&str],
        shows_access_token: bool,
        exit: i32,
    ) {
        let mut command = std::process::Command::new("sh");
        command
            .arg("-c")
            .arg("umask 000; exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_amtoken"))
            .args(args)
            .envs(
                sandbox
                    .std_amtoken()
                    .get_envs()
                    .filter_map(|(k, v)| Some((k, v?))),
            )
            .env("AMTOKEN_ISSUER", issuer)
            .env("AMTOKEN_CLIENT_ID", CLIENT_ID)
            .env("AMTOKEN_CLIENT_SECRET", CLIENT_SECRET)
            .env("AMTOKEN_REDIRECT_URI", REDIRECT)
            .env("AMTOKEN_STORE", "file")
            .stdin(Stdio::null());
        for name in [
            "AMTOKEN_TEST_ISSUER",
            "AMTOKEN_TEST_KEYRING",
            "AMTOKEN_TEST_KEYRING_HOME",
        ] {
            command.env_remove(name);
        }
        let output = command.output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(exit),
            "{args:?}: {}",
            outputs(&output).1
        );
        self.outputs
            .push((args.join(" "), output, shows_access_token));
    }
}

/// Every file below `dir`.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(files_below(&path));
            }
            found.push(path);
        }
    }
    found
}

#[test]
fn no_command_leaks_a_secret_and_every_file_is_private() {
    let server = MockServer::start();
    let issuer = server.base_url();
    server.mock(|when, then| {
        when.path("/connect/token")
            .form_urlencoded_tuple("grant_type", "authorization_code");
        then.status(200).json_body(serde_json::json!({
            "access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 3600,
            "refresh_token": FIRST_REFRESH, "scope": "read offline_access",
        }));
    });
    server.mock(|when, then| {
        when.path("/connect/token")
            .form_urlencoded_tuple("refresh_token", FIRST_REFRESH);
        then.status(200).json_body(serde_json::json!({
            "access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 3600,
            "refresh_token": ROTATED_REFRESH,
        }));
    });
    // Error paths that echo what they were sent.
    server.mock(|when, then| {
        when.path("/connect/token")
            .form_urlencoded_tuple("refresh_token", ROTATED_REFRESH);
        then.status(500).body(format!(
            "oops {ROTATED_REFRESH} {CLIENT_SECRET} {{\"refresh_token\":\"{ROTATED_REFRESH}\"}}"
        ));
    });
    server.mock(|when, then| {
        when.path("/.well-known/openid-configuration");
        then.status(200).json_body(serde_json::json!({
            "issuer": issuer,
            "revocation_endpoint": format!("{issuer}/connect/revocation"),
        }));
    });
    server.mock(|when, then| {
        when.path("/connect/revocation");
        then.status(200);
    });

    let sandbox = Sandbox::new();
    let mut runs = Runs {
        outputs: Vec::new(),
    };
    runs.run(&sandbox, &issuer, &["authorize-url", "--pkce"], false, 0);
    runs.run(
        &sandbox,
        &issuer,
        &["-v", "exchange", "--code", "code-1234", "-o", "none"],
        false,
        0,
    );
    runs.run(&sandbox, &issuer, &["-v", "status", "--json"], false, 0);
    runs.run(&sandbox, &issuer, &["status", "--all"], false, 0);
    runs.run(&sandbox, &issuer, &["-v", "token"], true, 0);
    runs.run(&sandbox, &issuer, &["header"], true, 0);
    runs.run(&sandbox, &issuer, &["token", "-o", "json"], true, 0);
    runs.run(&sandbox, &issuer, &["token", "-o", "env"], true, 0);
    runs.run(&sandbox, &issuer, &["decode", ACCESS_TOKEN], false, 3);
    runs.run(
        &sandbox,
        &issuer,
        &["-v", "refresh", "--force", "-o", "none"],
        false,
        0,
    );
    // Now the server fails and echoes the rotated token and the secret.
    runs.run(&sandbox, &issuer, &["-v", "refresh", "--force"], false, 6);
    runs.run(
        &sandbox,
        &issuer,
        &["refresh", "--force", "--issuer", "http://example.com"],
        false,
        3,
    );
    runs.run(&sandbox, &issuer, &["login"], false, 2);
    runs.run(&sandbox, &issuer, &["-v", "logout", "--revoke"], false, 0);

    let secrets = [CLIENT_SECRET, FIRST_REFRESH, ROTATED_REFRESH];
    for (args, output, shows_access_token) in &runs.outputs {
        let (stdout, stderr) = outputs(output);
        for secret in secrets {
            assert!(
                !stdout.contains(secret),
                "{args}: stdout shows {secret}: {stdout}"
            );
            assert!(
                !stderr.contains(secret),
                "{args}: stderr shows {secret}: {stderr}"
            );
        }
        assert!(
            !stderr.contains(ACCESS_TOKEN),
            "{args}: stderr shows the access token"
        );
        if !shows_access_token {
            assert!(
                !stdout.contains(ACCESS_TOKEN),
                "{args}: stdout shows the access token"
            );
        }
    }
    // Only the store (and a rescue file) may hold refresh tokens, only the cache the access
    // token, and nothing the client secret. Logout left neither.
    let home = sandbox.home.path();
    for path in files_below(home) {
        if path.is_dir() {
            continue;
        }
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        for secret in [CLIENT_SECRET, FIRST_REFRESH, ROTATED_REFRESH, ACCESS_TOKEN] {
            assert!(!text.contains(secret), "{} holds {secret}", path.display());
        }
    }
    for dir in ["data", "cache"] {
        for path in files_below(&sandbox.path(dir)) {
            let mode = crate::util::mode(&path);
            let expected = if path.is_dir() { 0o700 } else { 0o600 };
            assert_eq!(mode, expected, "{} is {mode:o}", path.display());
        }
    }
}

#[test]
fn no_process_carries_a_secret_on_its_argv() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path("/connect/token");
        then.status(200)
            .json_body(crate::util::token_response(ROTATED_REFRESH))
            .delay(Duration::from_millis(1500));
    });
    let sandbox = Sandbox::new();
    let mut record = serde_json::json!({
        "refresh_token": FIRST_REFRESH, "issuer": server.base_url(), "client_id": CLIENT_ID,
        "scope": "read", "obtained_at": "2026-11-01T00:00:00Z",
    });
    crate::util::write_private(&sandbox.store_file("default"), &record.take().to_string());
    let child = sandbox
        .std_amtoken()
        .env("AMTOKEN_ISSUER", server.base_url())
        .env("AMTOKEN_CLIENT_ID", CLIENT_ID)
        .env("AMTOKEN_CLIENT_SECRET", CLIENT_SECRET)
        .env("AMTOKEN_STORE", "file")
        .args(["refresh", "--force"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // While the refresh waits on the server, look at the argv of every process there is.
    std::thread::sleep(Duration::from_millis(700));
    let mut seen = 0;
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(argv) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        seen += 1;
        let argv = String::from_utf8_lossy(&argv);
        for secret in [CLIENT_SECRET, FIRST_REFRESH, ROTATED_REFRESH] {
            assert!(!argv.contains(secret), "an argv holds {secret}: {argv}");
        }
    }
    assert!(seen > 1);
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
}
