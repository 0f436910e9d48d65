//! Many processes at once: one refresh for all of them, and a lock holder killed mid-refresh.

use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use httpmock::MockServer;

use crate::provider;
use crate::util::{REFRESH_TOKEN, Sandbox, outputs, read_json, token_response};

const PROCESSES: usize = 32;

/// Makes the cached access token look nearly expired, so every `amtoken token` wants a refresh.
fn age_cache(sandbox: &Sandbox, profile: &str) {
    let path = sandbox.cache_file(profile);
    let mut cache = read_json(&path);
    let soon = chrono::Utc::now() + chrono::Duration::seconds(60);
    cache["expires_at"] = soon
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        .into();
    crate::util::write_private(&path, &cache.to_string());
}

fn run_together(sandbox: &Sandbox, client_id: &str, profile: &str, store: &str) -> Vec<Output> {
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            let mut command = sandbox.std_amtoken();
            command
                .env("AMTOKEN_ISSUER", provider::issuer())
                .env("AMTOKEN_CLIENT_ID", client_id)
                .env("AMTOKEN_CLIENT_SECRET", provider::secret_of(client_id))
                .env("AMTOKEN_STORE", store)
                .env("AMTOKEN_PROFILE", profile)
                .args(["token", "--lock-timeout", "60s"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|child| child.wait_with_output().unwrap())
        .collect()
}

fn one_refresh_for_many_processes(store: &str) {
    let client_id = &format!("amtoken-many-{store}");
    let sandbox = Sandbox::new();
    let profile = format!("many-{store}-{}", std::process::id());
    let callback = provider::authorize(client_id, "s", &[]);
    provider::amtoken(&sandbox, client_id)
        .env("AMTOKEN_STORE", store)
        .env("AMTOKEN_PROFILE", &profile)
        .args(["exchange", "--code", &callback])
        .assert()
        .success();
    age_cache(&sandbox, &profile);

    let before = provider::grants(client_id, "refresh_token");
    let errors_before = provider::grants(client_id, "errors");
    let outputs_: Vec<Output> = run_together(&sandbox, client_id, &profile, store);
    for output in &outputs_ {
        assert_eq!(output.status.code(), Some(0), "{}", outputs(output).1);
    }
    let tokens: Vec<String> = outputs_.iter().map(|output| outputs(output).0).collect();
    assert!(tokens[0].starts_with("eyJ"), "{}", tokens[0]);
    assert!(
        tokens.iter().all(|token| token == &tokens[0]),
        "all print the same token"
    );
    assert_eq!(
        provider::grants(client_id, "refresh_token") - before,
        1,
        "exactly one refresh at the server"
    );
    assert_eq!(
        provider::grants(client_id, "errors"),
        errors_before,
        "no refresh token spent twice"
    );
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn many_processes_share_one_refresh_with_the_file_store() {
    one_refresh_for_many_processes("file");
}

#[test]
#[ignore = "needs the test keychain and provider: run `bash tests/run`"]
fn many_processes_share_one_refresh_with_the_keychain() {
    let _keychain = crate::util::keychain_exclusive();
    one_refresh_for_many_processes("keyring");
}

#[test]
fn a_lock_holder_killed_mid_refresh_blocks_nobody_and_leaves_the_store_readable() {
    let server = MockServer::start();
    let mut slow = server.mock(|when, then| {
        when.path("/connect/token");
        then.status(200)
            .json_body(token_response("rt-never-delivered"))
            .delay(Duration::from_secs(60));
    });
    let sandbox = Sandbox::logged_in_at(&server.base_url());
    let mut holder = sandbox
        .std_amtoken()
        .env("AMTOKEN_ISSUER", server.base_url())
        .env("AMTOKEN_CLIENT_ID", crate::util::CLIENT_ID)
        .env("AMTOKEN_STORE", "file")
        .args(["refresh", "--force", "--timeout", "90s"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Its request has arrived, so it holds the lock; then it dies without a word.
    let deadline = Instant::now() + Duration::from_secs(30);
    while slow.calls() == 0 {
        assert!(
            Instant::now() < deadline,
            "the first refresh never reached the server"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    holder.kill().unwrap();
    holder.wait().unwrap();

    assert_eq!(
        sandbox.stored_refresh_token("default"),
        REFRESH_TOKEN,
        "the store is intact"
    );
    slow.delete();
    let healthy = server.mock(|when, then| {
        when.path("/connect/token")
            .form_urlencoded_tuple("refresh_token", REFRESH_TOKEN);
        then.status(200).json_body(token_response("rt-after-kill"));
    });
    let output = sandbox.run_at(&server.base_url(), &["token", "--lock-timeout", "10s"]);
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
    healthy.assert_calls(1);
    assert_eq!(sandbox.stored_refresh_token("default"), "rt-after-kill");
}
