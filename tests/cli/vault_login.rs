//! Issue 16: runners that log in to Vault themselves (the OpenBao dev server of
//! tests/services.sh): AppRole, and JWT with the test provider's tokens as CI identity tokens
//! (from a file, and through a stand-in of GitHub Actions' OIDC request). Each test enables its
//! auth method at a mount of its own.

use std::process::Output;

use crate::fleet::{
    FleetRunner, Runner, audited_requests, policy_for_one_path, run_fleet, unique_path, vault_addr,
    vault_token,
};
use crate::provider;
use crate::util::outputs;

const CLIENT: &str = "amtoken-vault";
const AUDIENCE: &str = "https://public-api.approvalmax.com";

/// A call of the Vault API with the root token; its answer.
fn vault(method: reqwest::Method, path: &str, body: serde_json::Value) -> serde_json::Value {
    let response = reqwest::blocking::Client::new()
        .request(method, format!("{}/v1/{path}", vault_addr()))
        .header("X-Vault-Token", vault_token())
        .json(&body)
        .send()
        .unwrap();
    let status = response.status();
    let text = response.text().unwrap();
    assert!(status.is_success(), "{path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

/// Enables `kind` at a fresh mount; its name.
fn enable(kind: &str, path: &str) -> String {
    let mount = format!("{kind}-{}", path.rsplit('-').next().unwrap());
    vault(
        reqwest::Method::POST,
        &format!("sys/auth/{mount}"),
        serde_json::json!({ "type": kind }),
    );
    mount
}

/// A runner whose secret holds a login (written with the root token), and that then has no
/// Vault token of its own.
fn logged_in_runner(path: &str) -> Runner {
    let runner = Runner::new(CLIENT, path);
    runner.login();
    runner
}

/// `amtoken token` as the runner, with no Vault token but what `env` lets it log in for, and
/// no local access-token cache: every run reads the shared secret.
fn run_without_token(runner: &Runner, env: &[(&str, String)]) -> Output {
    let _ = std::fs::remove_file(runner.sandbox.cache_file("default"));
    let mut command = runner.command();
    command.env_remove("VAULT_TOKEN");
    for (name, value) in env {
        command.env(name, value);
    }
    command.args(["token", "--min-ttl", "0s"]).output().unwrap()
}

fn ok(output: &Output) -> String {
    let (stdout, stderr) = outputs(output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    stdout.trim().to_string()
}

fn refused(output: &Output, case: &str) -> String {
    let (stdout, stderr) = outputs(output);
    assert_eq!(output.status.code(), Some(8), "{case}: {stdout} {stderr}");
    stderr
}

/// An AppRole role at a mount of its own, whose tokens (10 minutes) may read and write the
/// secret at `path`, its secret ids each good for `uses` logins (0: any number).
struct AppRole {
    mount: String,
    role_id: String,
}

impl AppRole {
    fn new(path: &str, uses: u32) -> Self {
        short_lived_role(path, &policy_for_one_path(path), "10m", "10m", uses)
    }

    /// A new secret id.
    fn secret_id(&self) -> String {
        vault(
            reqwest::Method::POST,
            &format!("auth/{}/role/runner/secret-id", self.mount),
            serde_json::json!({}),
        )["data"]["secret_id"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

#[test]
#[ignore = "needs OpenBao and the test provider: run `bash tests/run`"]
fn an_approle_runner_logs_in_itself_and_caches_its_vault_token_when_asked() {
    let path = unique_path("approle");
    let runner = logged_in_runner(&path);
    let role = AppRole::new(&path, 2);
    let (mount, role_id) = (role.mount.clone(), role.role_id.clone());
    let new_secret_id = || role.secret_id();
    let approle = |secret_id: &str| {
        vec![
            ("AMTOKEN_VAULT_AUTH", "approle".to_string()),
            ("AMTOKEN_VAULT_AUTH_MOUNT", mount.clone()),
            ("AMTOKEN_VAULT_ROLE_ID", role_id.clone()),
            ("AMTOKEN_VAULT_SECRET_ID", secret_id.to_string()),
        ]
    };

    // A secret id in the environment.
    let secret_id = new_secret_id();
    let token = ok(&run_without_token(&runner, &approle(&secret_id)));
    assert!(token.starts_with("eyJ"), "{token}");

    // A secret id from a file; a wrong one is refused with Vault's reason.
    let file = runner.sandbox.path("secret-id");
    crate::util::write_private(&file, &format!("{}\n", new_secret_id()));
    let mut from_file = approle("");
    from_file.retain(|(name, _)| *name != "AMTOKEN_VAULT_SECRET_ID");
    from_file.push(("AMTOKEN_VAULT_SECRET_ID_FILE", file.display().to_string()));
    assert_eq!(ok(&run_without_token(&runner, &from_file)), token);
    let output = run_without_token(&runner, &approle("not-the-secret-id"));
    let stderr = refused(&output, "a wrong secret id");
    assert!(
        stderr.contains(&format!(
            "Vault refused the approle login at auth/{mount}/login (HTTP "
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("not-the-secret-id"), "{stderr}");

    // With the file cache a secret id good for two logins serves any number of runs: the
    // first logs in, the next ones use the cached token; a cached token Vault no longer
    // takes (revoked here) costs one new login, and the runs go on.
    let mut cached = approle(&new_secret_id());
    cached.push(("AMTOKEN_VAULT_TOKEN_CACHE", "file".to_string()));
    for _ in 0..3 {
        assert_eq!(ok(&run_without_token(&runner, &cached)), token);
    }
    let cache_dir = runner.sandbox.path("cache/amtoken/vault-token");
    let entries: Vec<_> = std::fs::read_dir(&cache_dir).unwrap().collect();
    assert_eq!(entries.len(), 1);
    let cache_file = entries[0].as_ref().unwrap().path();
    assert_eq!(crate::util::mode(&cache_file), 0o600);
    let cached_token = crate::util::read_json(&cache_file)["token"]
        .as_str()
        .unwrap()
        .to_string();
    vault(
        reqwest::Method::POST,
        "auth/token/revoke",
        serde_json::json!({ "token": cached_token }),
    );
    for _ in 0..2 {
        assert_eq!(ok(&run_without_token(&runner, &cached)), token);
    }
    // Both uses of the secret id are spent: once the cache goes, the login is refused.
    std::fs::remove_file(&cache_file).unwrap();
    let stderr = refused(&run_without_token(&runner, &cached), "a spent secret id");
    assert!(stderr.contains("approle login"), "{stderr}");
}

/// The provider's access token for `client` (aud: the API), as a CI identity token.
fn identity_token(client: &str) -> String {
    let sandbox = provider::logged_in(client);
    let output = provider::amtoken(&sandbox, client)
        .args(["token"])
        .output()
        .unwrap();
    ok(&output)
}

#[test]
#[ignore = "needs OpenBao and the test provider: run `bash tests/run`"]
fn a_jwt_runner_logs_in_with_a_ci_identity_token_and_a_wrong_or_expired_one_is_refused() {
    let path = unique_path("jwt");
    let runner = logged_in_runner(&path);
    let policy = policy_for_one_path(&path);
    let mount = enable("jwt", &path);
    let issuer = provider::issuer();
    vault(
        reqwest::Method::POST,
        &format!("auth/{mount}/config"),
        serde_json::json!({
            "jwks_url": format!("{issuer}/.well-known/openid-configuration/jwks"),
            "bound_issuer": issuer,
        }),
    );
    for (role, audience) in [("ci", AUDIENCE), ("elsewhere", "https://other.example")] {
        vault(
            reqwest::Method::POST,
            &format!("auth/{mount}/role/{role}"),
            serde_json::json!({
                "role_type": "jwt",
                "bound_audiences": [audience],
                "user_claim": "sub",
                "token_policies": [policy],
                "token_ttl": "10m",
                "expiration_leeway": -1,
                "clock_skew_leeway": -1,
            }),
        );
    }
    let jwt_file = runner.sandbox.path("identity.jwt");
    crate::util::write_private(&jwt_file, &identity_token("amtoken-post"));
    let jwt_file = jwt_file.display().to_string();
    let jwt = |role: &str| {
        vec![
            ("AMTOKEN_VAULT_AUTH", "jwt"),
            ("AMTOKEN_VAULT_AUTH_MOUNT", mount.as_str()),
            ("AMTOKEN_VAULT_ROLE", role),
            ("AMTOKEN_VAULT_JWT_FILE", jwt_file.as_str()),
        ]
        .into_iter()
        .map(|(name, value)| (name, value.to_string()))
        .collect::<Vec<_>>()
    };
    let run = |pairs: Vec<(&'static str, String)>| run_without_token(&runner, &pairs);
    let token = ok(&run(jwt("ci")));
    assert!(token.starts_with("eyJ"));

    // A token for another audience than the role's.
    let stderr = refused(&run(jwt("elsewhere")), "another audience");
    assert!(
        stderr.contains(&format!(
            "Vault refused the jwt login at auth/{mount}/login"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("aud"), "{stderr}");
    assert_eq!(
        stderr
            .lines()
            .filter(|line| line.starts_with("amtoken: error:"))
            .count(),
        1
    );

    // An expired one: the provider's tokens for amtoken-fleet live 2 seconds.
    crate::util::write_private(
        std::path::Path::new(&jwt_file),
        &identity_token("amtoken-fleet"),
    );
    std::thread::sleep(std::time::Duration::from_secs(3));
    let stderr = refused(&run(jwt("ci")), "an expired token");
    assert!(stderr.contains("expired"), "{stderr}");

    // GitHub Actions: the token comes from the job's OIDC request, for the audience asked.
    let actions = httpmock::MockServer::start();
    let identity = identity_token("amtoken-post");
    let request = actions.mock(|when, then| {
        when.method("GET")
            .path("/token")
            .query_param("api-version", "2.0")
            .query_param("audience", AUDIENCE)
            .header("authorization", "Bearer actions-request-token");
        then.status(200)
            .json_body(serde_json::json!({ "count": 1, "value": identity }));
    });
    let mut github = jwt("ci");
    github.retain(|(name, _)| *name != "AMTOKEN_VAULT_JWT_FILE");
    github.push((
        "ACTIONS_ID_TOKEN_REQUEST_URL",
        format!("{}/token?api-version=2.0", actions.base_url()),
    ));
    github.push((
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        "actions-request-token".into(),
    ));
    github.push(("AMTOKEN_VAULT_JWT_AUDIENCE", AUDIENCE.into()));
    assert_eq!(ok(&run(github)), token);
    request.assert_calls(1);
}

/// The fleet run again (8 runners, 2-second provider tokens), each runner logging in to Vault
/// by AppRole with a secret id of its own and keeping its Vault token in the file cache: one
/// refresh per expiry, no invalid_grant, and one Vault login per runner for the whole run
/// (the server's audit log counts them).
#[test]
#[ignore = "needs OpenBao and the test provider: run `bash tests/run`"]
fn eight_approle_runners_share_one_refresh_per_expiry_and_log_in_once_each() {
    const RUNNERS: usize = 8;
    const EXPIRIES: u64 = 10;
    let client = "amtoken-fleet-approle";
    let path = unique_path("fleet-approle");
    Runner::new(client, &path).login();
    let role = AppRole::new(&path, 0);
    let runners = (0..RUNNERS)
        .map(|_| {
            let runner = Runner::new(client, &path);
            let login = [
                ("AMTOKEN_VAULT_AUTH", "approle".to_string()),
                ("AMTOKEN_VAULT_AUTH_MOUNT", role.mount.clone()),
                ("AMTOKEN_VAULT_ROLE_ID", role.role_id.clone()),
                ("AMTOKEN_VAULT_SECRET_ID", role.secret_id()),
                ("AMTOKEN_VAULT_TOKEN_CACHE", "file".to_string()),
            ];
            FleetRunner::new(move || {
                let mut command = runner.command();
                command.env_remove("VAULT_TOKEN").envs(login.clone()).args([
                    "token",
                    "--min-ttl",
                    "0s",
                    "--lock-timeout",
                    "60s",
                ]);
                command
            })
        })
        .collect();
    let run = run_fleet(
        client,
        EXPIRIES,
        std::time::Duration::from_secs(180),
        runners,
    );
    run.assert_one_refresh_per_expiry(EXPIRIES, |_| true);
    let login_path = format!("auth/{}/login", role.mount);
    let logins = audited_requests()
        .iter()
        .filter(|entry| entry["request"]["path"] == login_path)
        .count();
    assert_eq!(logins, RUNNERS, "Vault logins");
    println!(
        "fleet approle: {RUNNERS} runners, {} token calls, {} refreshes, {logins} Vault logins in {:.1}s",
        run.calls.len(),
        run.refreshes,
        run.elapsed.as_secs_f64()
    );
}

/// An AppRole role whose tokens live `ttl` and can be renewed up to `max_ttl`, allowed `policy`.
fn short_lived_role(path: &str, policy: &str, ttl: &str, max_ttl: &str, uses: u32) -> AppRole {
    let mount = enable("approle", path);
    vault(
        reqwest::Method::POST,
        &format!("auth/{mount}/role/runner"),
        serde_json::json!({
            "token_policies": [policy], "token_ttl": ttl, "token_max_ttl": max_ttl,
            "secret_id_num_uses": uses
        }),
    );
    let role_id = vault(
        reqwest::Method::GET,
        &format!("auth/{mount}/role/runner/role-id"),
        serde_json::Value::Null,
    )["data"]["role_id"]
        .as_str()
        .unwrap()
        .to_string();
    AppRole { mount, role_id }
}

/// Issue 27.2: under `serve`, a Vault token that expires mid-run (TTL 5 s, renewable to 9 s)
/// is renewed, then replaced by a new login; every renewal of the access token goes on.
#[test]
#[ignore = "needs OpenBao and the test provider: run `bash tests/run`"]
fn serve_outlives_its_vault_tokens_by_renewing_and_logging_in_again() {
    const TTL_CLIENT: &str = "amtoken-vault-ttl";
    let path = unique_path("vault-ttl");
    let runner = Runner::new(TTL_CLIENT, &path);
    runner.login();
    let role = short_lived_role(&path, &policy_for_one_path(&path), "5s", "9s", 0);
    let before = provider::grants(TTL_CLIENT, "refresh_token");
    let mut command = runner.command();
    command
        .env_remove("VAULT_TOKEN")
        .env("AMTOKEN_VAULT_AUTH", "approle")
        .env("AMTOKEN_VAULT_AUTH_MOUNT", &role.mount)
        .env("AMTOKEN_VAULT_ROLE_ID", &role.role_id)
        .env("AMTOKEN_VAULT_SECRET_ID", role.secret_id())
        .env("XDG_RUNTIME_DIR", runner.sandbox.path("run"))
        .args(["-v", "serve", "--min-ttl", "3s"]);
    let served = crate::serve::Served::start(command);
    let socket = runner.sandbox.path("run/amtoken/default.sock");
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(16) {
        let answer = crate::serve::over_socket(&socket, &crate::serve::get("/token", &[]));
        assert_eq!(answer.status, 200, "{}", answer.body);
        std::thread::sleep(std::time::Duration::from_millis(700));
    }
    let (status, stderr) = served.stop();
    assert!(status.success(), "{stderr}");
    assert!(!stderr.contains("refused"), "{stderr}");
    assert!(!stderr.contains("failed"), "{stderr}");
    let refreshes = provider::grants(TTL_CLIENT, "refresh_token") - before;
    assert!(refreshes >= 4, "{refreshes} refreshes: {stderr}");
    // Renewed, and logged in again once a renewal could no longer stretch it.
    let renewals = audited_requests()
        .iter()
        .filter(|entry| entry["request"]["path"] == "auth/token/renew-self")
        .count();
    let logins = audited_requests()
        .iter()
        .filter(|entry| entry["request"]["path"] == format!("auth/{}/login", role.mount))
        .count();
    assert!(renewals >= 1, "no renewal in the audit log");
    assert!(
        logins >= 2,
        "{logins} logins: the expired token was never replaced"
    );
}

/// Issue 27.4: a refresher whose policy does not reach the readers' path fails to publish —
/// said, naming the path — and keeps its Vault token: with the file cache, six runs cost one
/// login, not one each (a secret id good for two logins is not used up).
#[test]
#[ignore = "needs OpenBao and the test provider: run `bash tests/run`"]
fn a_publish_the_policy_refuses_keeps_the_vault_token_and_burns_no_secret_id_use() {
    const POLICY_CLIENT: &str = "amtoken-vault-policy";
    let path = unique_path("vault-policy");
    let access = format!("{path}-access");
    let runner = Runner::new(POLICY_CLIENT, &path);
    runner.login();
    let role = short_lived_role(&path, &policy_for_one_path(&path), "10m", "10m", 2);
    let secret_id = role.secret_id();
    for run in 0..6 {
        let output = runner
            .command()
            .env_remove("VAULT_TOKEN")
            .env("AMTOKEN_VAULT_AUTH", "approle")
            .env("AMTOKEN_VAULT_AUTH_MOUNT", &role.mount)
            .env("AMTOKEN_VAULT_ROLE_ID", &role.role_id)
            .env("AMTOKEN_VAULT_SECRET_ID", &secret_id)
            .env("AMTOKEN_VAULT_TOKEN_CACHE", "file")
            .env("AMTOKEN_VAULT_ACCESS_PATH", &access)
            // More than the token lives: every run refreshes, and so publishes.
            .args(["token", "--min-ttl", "2h"])
            .output()
            .unwrap();
        let (stdout, stderr) = outputs(&output);
        assert_eq!(output.status.code(), Some(0), "run {run}: {stderr}");
        assert!(stdout.starts_with("eyJ"), "run {run}: {stdout}");
        assert!(
            stderr.contains(&format!(
                "the access token was not published for readers at secret/data/{access}"
            )),
            "run {run}: {stderr}"
        );
    }
    let logins = audited_requests()
        .iter()
        .filter(|entry| entry["request"]["path"] == format!("auth/{}/login", role.mount))
        .count();
    assert_eq!(logins, 1, "the refused publish cost logins");
}

/// Issue 27.2: a token this run logged in for and keeps nowhere is revoked when it ends.
#[test]
#[ignore = "needs OpenBao and the test provider: run `bash tests/run`"]
fn a_vault_token_kept_only_in_memory_is_revoked_when_the_run_ends() {
    let path = unique_path("vault-revoke");
    let runner = logged_in_runner(&path);
    let policy_name = policy_for_one_path(&path);
    let role = short_lived_role(&path, &policy_name, "10m", "10m", 0);
    let output = run_without_token(
        &runner,
        &[
            ("AMTOKEN_VAULT_AUTH", "approle".to_string()),
            ("AMTOKEN_VAULT_AUTH_MOUNT", role.mount.clone()),
            ("AMTOKEN_VAULT_ROLE_ID", role.role_id.clone()),
            ("AMTOKEN_VAULT_SECRET_ID", role.secret_id()),
        ],
    );
    ok(&output);
    // The run's own token read the secret (the root token's policies are ["root"]).
    let requests = audited_requests();
    let accessor = requests
        .iter()
        .filter(|entry| entry["request"]["path"] == format!("secret/data/{path}"))
        .filter(|entry| {
            entry["auth"]["policies"]
                .as_array()
                .is_some_and(|policies| {
                    policies.iter().any(|policy| policy == policy_name.as_str())
                })
        })
        .find_map(|entry| entry["auth"]["accessor"].as_str().map(str::to_string))
        .expect("the run's token read the secret");
    let revoked = requests.iter().any(|entry| {
        entry["request"]["path"] == "auth/token/revoke-self"
            && entry["auth"]["accessor"] == accessor.as_str()
    });
    assert!(revoked, "the run's Vault token was left alive");
}
