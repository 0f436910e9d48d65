//! Settings: flag > environment > config-file profile > default, and the config file's errors.

use crate::util::{Sandbox, outputs, write_private};

const ISSUER: &str = "http://127.0.0.1:9";

fn config(sandbox: &Sandbox, text: &str) -> std::path::PathBuf {
    let path = sandbox.path("config/amtoken/config.toml");
    write_private(&path, text);
    path
}

/// The client id and store `status --json` resolves, with a valid cached token so it succeeds.
fn resolved(command: &mut assert_cmd::Command) -> (String, String) {
    let output = command.args(["status", "--json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    (
        json["client_id"].as_str().unwrap().to_string(),
        json["store"].as_str().unwrap().to_string(),
    )
}

#[test]
fn a_flag_beats_the_environment_which_beats_the_config_file() {
    let sandbox = Sandbox::new();
    config(
        &sandbox,
        &format!(
            "[profiles.default]\nissuer = \"{ISSUER}\"\nclient_id = \"from-config\"\nstore = \"file\"\n"
        ),
    );
    sandbox.cache_token("default", ISSUER, "t", 3600);
    let base = || {
        let mut command = sandbox.amtoken();
        command.env_remove("AMTOKEN_STORE");
        command
    };
    assert_eq!(resolved(&mut base()), ("from-config".into(), "file".into()));
    assert_eq!(
        resolved(base().env("AMTOKEN_CLIENT_ID", "from-env")),
        ("from-env".into(), "file".into())
    );
    assert_eq!(
        resolved(
            base()
                .env("AMTOKEN_CLIENT_ID", "from-env")
                .args(["--client-id", "from-flag"])
        ),
        ("from-flag".into(), "file".into())
    );
}

#[test]
fn profiles_select_their_table_and_amtoken_config_names_another_file() {
    let sandbox = Sandbox::new();
    let path = sandbox.path("elsewhere.toml");
    write_private(
        &path,
        &format!(
            "[profiles.ci]\nissuer = \"{ISSUER}\"\nclient_id = \"ci-client\"\nstore = \"file\"\n"
        ),
    );
    sandbox.cache_token("ci", ISSUER, "t", 3600);
    let (client, _) = resolved(
        sandbox
            .amtoken()
            .env("AMTOKEN_CONFIG", &path)
            .env("AMTOKEN_PROFILE", "ci"),
    );
    assert_eq!(client, "ci-client");
    let (client, _) = resolved(
        sandbox
            .amtoken()
            .args(["--config"])
            .arg(&path)
            .args(["-p", "ci"]),
    );
    assert_eq!(client, "ci-client");
}

#[test]
fn config_file_errors_are_exit_3_and_name_the_file_line_and_key() {
    let sandbox = Sandbox::new();
    let cases = [
        (
            "[profiles.default]\nissuer = \"x\"\nclientid = \"abc\"\n",
            "line 3, column 1: unknown field `clientid`",
        ),
        ("[profiles.default]\nissuer = \n", "line 2,"),
        (
            "[profiles.default]\nstore = \"cloud\"\n",
            "invalid store \"cloud\" in [profiles.default]",
        ),
        (
            "[profiles.default]\nclient_id = \"a\"\nclient_secret = \"oops-secret\"\n",
            "has a client_secret in [profiles.default]: a client secret does not belong in the config file",
        ),
    ];
    for (text, message) in cases {
        let path = config(&sandbox, text);
        let output = sandbox.amtoken().arg("token").output().unwrap();
        let (stdout, stderr) = outputs(&output);
        assert_eq!(output.status.code(), Some(3), "{text}: {stderr}");
        assert_eq!(stdout, "");
        assert!(stderr.contains(&path.display().to_string()), "{stderr}");
        assert!(stderr.contains(message), "{text}: {stderr}");
        assert!(!stderr.contains("oops-secret"), "{stderr}");
    }
}

#[test]
fn a_named_config_file_must_exist_but_the_default_one_need_not() {
    let sandbox = Sandbox::new();
    let output = sandbox
        .amtoken()
        .args(["--config", "/nonexistent/amtoken.toml", "status"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    // The operating system's reason once: an error's cause is not repeated after it.
    assert_eq!(
        outputs(&output).1,
        "amtoken: error: cannot read config file /nonexistent/amtoken.toml: No such file or directory (os error 2)\n"
    );
    // No config file at all: only "nothing stored".
    assert_eq!(
        sandbox
            .amtoken()
            .args(["status", "--store", "file"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(4)
    );
}

#[test]
fn a_profile_name_cannot_reach_outside_its_directories() {
    let output = Sandbox::new()
        .amtoken()
        .args(["status", "-p", "../../etc"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(
        outputs(&output)
            .1
            .contains("invalid profile name \"../../etc\"")
    );
}

// Issue 7: profile `x.rescue` would have used profile `x`'s rescue file as its store.
#[test]
fn a_profile_name_cannot_be_another_profiles_rescue_file() {
    let output = Sandbox::new()
        .amtoken()
        .args(["status", "--store", "file", "-p", "x.rescue"])
        .output()
        .unwrap();
    let stderr = crate::util::failed(&output, 3);
    assert!(
        stderr.contains("invalid profile name \"x.rescue\"") && stderr.contains("'.rescue'"),
        "{stderr}"
    );
}

#[test]
fn decode_works_whatever_the_config_file_says() {
    let sandbox = Sandbox::new();
    config(&sandbox, "this is not toml");
    sandbox
        .amtoken()
        .args(["decode", "--claim", "sub"])
        .arg(crate::util::fixture_text("approvalmax-access-token.jwt"))
        .assert()
        .success();
}

/// Issue 18: a Vault mount or path that would leave the mount (`..`), add a query or fragment,
/// or smuggle an escape is refused before anything is sent, so the Vault token goes nowhere
/// it was not meant for.
#[test]
fn a_vault_path_that_leaves_its_mount_is_refused_before_anything_is_sent() {
    let vault = httpmock::MockServer::start();
    let anything = vault.mock(|when, then| {
        when.any_request();
        then.status(200).body("{}");
    });
    let sandbox = Sandbox::new();
    for (flag, value) in [
        ("--vault-path", "../../../sys/policies/acl/admin"),
        ("--vault-path", "amtoken/./default"),
        ("--vault-path", "amtoken//default"),
        ("--vault-path", "amtoken/default?list=true"),
        ("--vault-path", "amtoken/default#x"),
        ("--vault-path", "amtoken/%2e%2e/x"),
        ("--vault-mount", ".."),
        ("--vault-mount", "secret/../sys"),
        ("--vault-mount", ""),
    ] {
        for command in [&["token"][..], &["status"], &["logout"]] {
            let output = sandbox
                .amtoken()
                .env("AMTOKEN_STORE", "vault")
                .env("AMTOKEN_VAULT_ADDR", vault.base_url())
                .env("VAULT_TOKEN", "hvs.never-sent")
                .args([flag, value])
                .args(command)
                .output()
                .unwrap();
            let stderr = crate::util::failed(&output, 3);
            assert!(stderr.contains("invalid Vault"), "{flag} {value}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(!stderr.contains("hvs.never-sent"));
        }
    }
    anything.assert_calls(0);
}

/// A Vault address that is missing or would carry the Vault token in the clear is a settings
/// error (3) that names the setting, before anything is read or sent.
#[test]
fn a_missing_or_plain_http_vault_address_is_a_settings_error() {
    let sandbox = Sandbox::new();
    for command in [&["token"][..], &["status"], &["logout"]] {
        let output = sandbox
            .amtoken()
            .env("AMTOKEN_STORE", "vault")
            .env("VAULT_TOKEN", "hvs.never-sent")
            .args(command)
            .output()
            .unwrap();
        let stderr = crate::util::failed(&output, 3);
        assert!(
            stderr.contains("--store vault needs a Vault address: set --vault-addr"),
            "{stderr}"
        );

        let output = sandbox
            .amtoken()
            .env("AMTOKEN_STORE", "vault")
            .env("VAULT_TOKEN", "hvs.never-sent")
            .env("VAULT_ADDR", "http://vault.example.com:8200")
            .args(command)
            .output()
            .unwrap();
        let stderr = crate::util::failed(&output, 3);
        assert!(
            stderr
                .contains("invalid Vault address \"http://vault.example.com:8200\" (--vault-addr"),
            "{stderr}"
        );
        assert!(stderr.contains("HTTPS is needed"), "{stderr}");
        assert!(!stderr.contains("hvs.never-sent"));
    }
}

/// A Vault login method without what it needs is a settings error (3) that names the setting,
/// before anything is sent; the secret id is never taken from the config file.
#[test]
fn a_vault_login_without_its_credentials_is_a_settings_error() {
    let vault = httpmock::MockServer::start();
    let anything = vault.mock(|when, then| {
        when.any_request();
        then.status(200).body("{}");
    });
    let sandbox = Sandbox::new();
    for (env, expected) in [
        (
            &[("AMTOKEN_VAULT_AUTH", "approle")][..],
            "--vault-auth approle needs a role id",
        ),
        (
            &[
                ("AMTOKEN_VAULT_AUTH", "approle"),
                ("AMTOKEN_VAULT_ROLE_ID", "r"),
            ],
            "--vault-auth approle needs a secret id",
        ),
        (
            &[("AMTOKEN_VAULT_AUTH", "jwt"), ("AMTOKEN_VAULT_ROLE", "ci")],
            "--vault-auth jwt needs an identity token",
        ),
        (
            &[("AMTOKEN_VAULT_AUTH", "kubernetes")],
            "--vault-auth kubernetes needs a role",
        ),
        // Issue 27.16: credentials that cannot be read, or a URL the token would leak to.
        (
            &[
                ("AMTOKEN_VAULT_AUTH", "jwt"),
                ("AMTOKEN_VAULT_ROLE", "ci"),
                ("AMTOKEN_VAULT_JWT_FILE", "/nonexistent/identity.jwt"),
            ],
            "--vault-auth jwt cannot read --vault-jwt-file /nonexistent/identity.jwt",
        ),
        (
            &[
                ("AMTOKEN_VAULT_AUTH", "kubernetes"),
                ("AMTOKEN_VAULT_ROLE", "app"),
            ],
            "--vault-auth kubernetes cannot read the service-account token /var/run/secrets/kubernetes.io/serviceaccount/token",
        ),
        (
            &[
                ("AMTOKEN_VAULT_AUTH", "jwt"),
                ("AMTOKEN_VAULT_ROLE", "ci"),
                (
                    "ACTIONS_ID_TOKEN_REQUEST_URL",
                    "http://token.actions.example/id",
                ),
                ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "runner-bearer-never-sent"),
            ],
            "--vault-auth jwt cannot use ACTIONS_ID_TOKEN_REQUEST_URL: refusing plain http",
        ),
        (
            &[
                ("AMTOKEN_VAULT_AUTH", "approle"),
                ("AMTOKEN_VAULT_ROLE_ID", "r"),
                ("AMTOKEN_VAULT_SECRET_ID_FILE", "/nonexistent/secret-id"),
            ],
            "--vault-auth approle cannot read --vault-secret-id-file /nonexistent/secret-id",
        ),
    ] {
        let output = sandbox
            .amtoken()
            .env("AMTOKEN_STORE", "vault")
            .env("AMTOKEN_VAULT_ADDR", vault.base_url())
            .envs(env.iter().copied())
            .arg("token")
            .output()
            .unwrap();
        let stderr = crate::util::failed(&output, 3);
        assert!(stderr.contains(expected), "{stderr}");
    }
    let config = config(&sandbox, "[profiles.default]\nvault_secret_id = \"s\"\n");
    let output = sandbox
        .amtoken()
        .env("AMTOKEN_STORE", "vault")
        .env("AMTOKEN_VAULT_ADDR", vault.base_url())
        .arg("--config")
        .arg(&config)
        .arg("token")
        .output()
        .unwrap();
    let stderr = crate::util::failed(&output, 3);
    assert!(stderr.contains("vault_secret_id"), "{stderr}");
    anything.assert_calls(0);
}

/// `--vault-auth kubernetes` logs in with the service-account token at
/// `auth/{mount}/login`, then reads the secret with the token that login returned.
#[test]
fn a_kubernetes_login_sends_the_service_account_token_and_uses_the_token_it_gets() {
    let vault = httpmock::MockServer::start();
    let login = vault.mock(|when, then| {
        when.method("POST")
            .path("/v1/auth/k8s-prod/login")
            .json_body(serde_json::json!({ "role": "amtoken", "jwt": "sa-token-from-the-pod" }));
        then.status(200).json_body(serde_json::json!({
            "auth": { "client_token": "s.from-login", "lease_duration": 600, "renewable": true }
        }));
    });
    let read = vault.mock(|when, then| {
        when.method("GET")
            .path("/v1/secret/data/amtoken/default")
            .header("x-vault-token", "s.from-login");
        then.status(404)
            .json_body(serde_json::json!({ "errors": [] }));
    });
    let sandbox = Sandbox::new();
    let token_file = sandbox.path("sa-token");
    crate::util::write_private(&token_file, "sa-token-from-the-pod\n");
    let output = sandbox
        .amtoken()
        .env("AMTOKEN_STORE", "vault")
        .env("AMTOKEN_VAULT_ADDR", vault.base_url())
        .env("AMTOKEN_VAULT_AUTH", "kubernetes")
        .env("AMTOKEN_VAULT_AUTH_MOUNT", "k8s-prod")
        .env("AMTOKEN_VAULT_ROLE", "amtoken")
        .env("AMTOKEN_VAULT_JWT_FILE", &token_file)
        .arg("token")
        .output()
        .unwrap();
    let stderr = crate::util::failed(&output, 4);
    assert!(!stderr.contains("sa-token-from-the-pod") && !stderr.contains("s.from-login"));
    login.assert_calls(1);
    read.assert_calls(1);
}

/// A fleet reader needs the path the refreshers publish at.
#[test]
fn a_reader_without_an_access_path_is_a_settings_error() {
    let sandbox = Sandbox::new();
    let output = sandbox
        .amtoken()
        .env("AMTOKEN_STORE", "vault")
        .env("AMTOKEN_VAULT_ADDR", "http://127.0.0.1:1")
        .env("AMTOKEN_FLEET_ROLE", "reader")
        .arg("token")
        .output()
        .unwrap();
    let stderr = crate::util::failed(&output, 3);
    assert!(
        stderr.contains("--fleet-role reader needs --store vault and --vault-access-path"),
        "{stderr}"
    );
}
