//! `amtoken doctor` (issue 29.1): each layer's failure, found with the real parts where there
//! are some — a mistyped config key, a 0644 secret file, a clock apart from the issuer's (its
//! `Date` header), a locked keychain, a Vault policy without the readers' path — and a clean
//! run against the provider and the API with `--online`.

use crate::util::{Sandbox, outputs};

/// The checks of `doctor --json`, as a test reads them.
#[derive(Debug, serde::Deserialize)]
struct Report {
    ok: bool,
    checks: Vec<Check>,
}

#[derive(Debug, serde::Deserialize)]
struct Check {
    layer: String,
    status: String,
    found: String,
    fix: Option<String>,
}

impl Report {
    fn check(&self, layer: &str) -> &Check {
        self.checks
            .iter()
            .find(|check| check.layer == layer)
            .unwrap_or_else(|| panic!("no {layer} check in {self:?}"))
    }
}

fn doctor_json(command: &mut assert_cmd::Command) -> (Report, Option<i32>, String) {
    let output = command.args(["doctor", "--json"]).output().unwrap();
    let (stdout, stderr) = outputs(&output);
    let report =
        serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("{error}: {stdout} {stderr}"));
    (report, output.status.code(), stderr)
}

/// An issuer on loopback whose discovery document says `Date: date`.
fn issuer_with_date(date: chrono::DateTime<chrono::Utc>) -> httpmock::MockServer {
    let server = httpmock::MockServer::start();
    let issuer = server.base_url();
    server.mock(|when, then| {
        when.path("/.well-known/openid-configuration");
        then.status(200)
            .header("Date", date.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
            .json_body(serde_json::json!({ "issuer": issuer, "token_endpoint": format!("{issuer}/connect/token") }));
    });
    server
}

#[test]
fn every_layer_is_checked_and_a_mistyped_key_gets_a_did_you_mean() {
    let sandbox = Sandbox::new();
    let server = issuer_with_date(chrono::Utc::now());
    let config = sandbox.path("config/amtoken/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        "[profiles.default]\nclient_id = \"c\"\nredirct_uri = \"https://x\"\n",
    )
    .unwrap();
    let secret = sandbox.path("secret");
    std::fs::write(&secret, "s3cret-client-value\n").unwrap();
    let mut command = sandbox.amtoken();
    command
        .env("AMTOKEN_ISSUER", server.base_url())
        .env("AMTOKEN_STORE", "file")
        .arg("--client-secret-file")
        .arg(&secret);
    let (report, code, stderr) = doctor_json(&mut command);
    // The config file is the first failure, exit 3; the other layers still ran.
    assert_eq!(code, Some(3), "{report:?} {stderr}");
    assert!(!report.ok);
    let layers: Vec<&str> = report
        .checks
        .iter()
        .map(|check| check.layer.as_str())
        .collect();
    assert_eq!(
        layers,
        [
            "config file",
            "settings",
            "client secret",
            "redirect URI",
            "store",
            "stored login",
            "clock",
            "discovery"
        ]
    );
    let config_check = report.check("config file");
    assert_eq!(config_check.status, "fail");
    assert!(
        config_check.found.contains("did you mean `redirect_uri`?"),
        "{}",
        config_check.found
    );
    // A file others can read: a warning with the exact fix.
    let secret_check = report.check("client secret");
    assert_eq!(secret_check.status, "warn", "{secret_check:?}");
    assert_eq!(
        secret_check.fix.as_deref(),
        Some(format!("chmod 600 {}", secret.display()).as_str())
    );
    // Where settings came from.
    let settings = report.check("settings");
    assert!(
        settings
            .found
            .contains(&format!("issuer={} (environment)", server.base_url())),
        "{}",
        settings.found
    );
    assert!(
        settings.found.contains("store=file (environment)"),
        "{}",
        settings.found
    );
    assert_eq!(report.check("stored login").status, "fail");
    assert_eq!(report.check("discovery").status, "ok");
    assert!(
        !stderr.contains("s3cret-client-value")
            && !format!("{report:?}").contains("s3cret-client-value")
    );
}

#[test]
fn a_clock_apart_from_the_issuers_is_a_warning_that_names_the_gap() {
    let sandbox = Sandbox::logged_in_at("https://placeholder.test");
    let server = issuer_with_date(chrono::Utc::now() - chrono::Duration::minutes(10));
    sandbox.store_record("default", &server.base_url(), crate::util::REFRESH_TOKEN);
    let mut command = sandbox.amtoken_for(&server.base_url());
    command.env("AMTOKEN_REDIRECT_URI", "https://app.example.test/callback");
    let (report, code, stderr) = doctor_json(&mut command);
    assert_eq!(code, Some(0), "{report:?} {stderr}");
    assert!(report.ok);
    let clock = report.check("clock");
    assert_eq!(clock.status, "warn", "{clock:?}");
    assert!(
        clock.found.contains("seconds ahead of the issuer's"),
        "{}",
        clock.found
    );
    let seconds: i64 = clock
        .found
        .split_whitespace()
        .find_map(|word| word.parse().ok())
        .unwrap();
    assert!((590..=610).contains(&seconds), "{}", clock.found);
    // The text form: one line per layer, the fix under a warning.
    let output = sandbox
        .amtoken_for(&server.base_url())
        .env("AMTOKEN_REDIRECT_URI", "https://app.example.test/callback")
        .arg("doctor")
        .output()
        .unwrap();
    let (stdout, _) = outputs(&output);
    assert!(
        stdout.lines().any(|line| line.starts_with("warn  clock")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|line| line.trim_start().starts_with("fix: set the clock right")),
        "{stdout}"
    );
}

#[test]
#[ignore = "needs the test keychain: run `bash tests/run`"]
fn a_locked_keychain_fails_the_store_layer_with_exit_8_and_the_fix() {
    let _keychain = crate::util::keychain_exclusive();
    let sandbox = Sandbox::new();
    let server = issuer_with_date(chrono::Utc::now());
    crate::keychain::lock_keyring();
    let mut command = sandbox.amtoken();
    command
        .env("AMTOKEN_ISSUER", server.base_url())
        .env("AMTOKEN_CLIENT_ID", "c")
        .env("AMTOKEN_STORE", "keyring");
    let (report, code, _) = doctor_json(&mut command);
    crate::keychain::unlock_keyring();
    assert_eq!(code, Some(8), "{report:?}");
    let store = report.check("store");
    assert_eq!(store.status, "fail");
    assert!(
        store
            .fix
            .as_deref()
            .unwrap_or_default()
            .contains("--store file"),
        "{store:?}"
    );
    // The layers after it still ran.
    assert_eq!(report.check("discovery").status, "ok");
}

#[test]
#[ignore = "needs OpenBao and the test provider: run `bash tests/run`"]
fn a_vault_policy_without_the_readers_path_fails_the_store_layer() {
    let path = crate::fleet::unique_path("doctor");
    let access = format!("{path}-access");
    let runner = crate::fleet::Runner::new("amtoken-vault", &path);
    runner.login();
    let policy = crate::fleet::policy_for_one_path(&path);
    let token = crate::fleet::token_of_policy(&policy);
    let output = runner
        .command()
        .env("VAULT_TOKEN", &token)
        .env("AMTOKEN_VAULT_ACCESS_PATH", &access)
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    let report: Report =
        serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("{error}: {stdout} {stderr}"));
    assert_eq!(output.status.code(), Some(8), "{report:?}");
    let store = report.check("store");
    assert_eq!(store.status, "fail");
    assert!(
        store
            .found
            .contains(&format!("secret/data/{access} (read, update)")),
        "{}",
        store.found
    );
    assert!(
        !stdout.contains(&token) && !stderr.contains(&token),
        "the Vault token was printed"
    );
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn online_a_token_and_the_api_answer() {
    const CLIENT: &str = "amtoken-api";
    let sandbox = crate::provider::logged_in(CLIENT);
    let output = crate::provider::amtoken(&sandbox, CLIENT)
        .env(
            "AMTOKEN_API_URL",
            std::env::var("AMTOKEN_TEST_API_URL").unwrap(),
        )
        .args(["doctor", "--online", "--json"])
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    let report: Report =
        serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("{error}: {stdout} {stderr}"));
    assert_eq!(output.status.code(), Some(0), "{report:?}");
    assert_eq!(report.check("token").status, "ok");
    let api = report.check("API");
    assert_eq!(api.status, "ok", "{api:?}");
    assert!(api.found.contains("organisation(s)"), "{}", api.found);
    // Offline, doctor never spends the refresh token.
    let before = crate::provider::grants(CLIENT, "refresh_token");
    std::fs::remove_file(sandbox.cache_file("default")).unwrap();
    crate::provider::amtoken(&sandbox, CLIENT)
        .arg("doctor")
        .output()
        .unwrap();
    assert_eq!(crate::provider::grants(CLIENT, "refresh_token"), before);
}
