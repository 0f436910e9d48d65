//! `amtoken api` and `amtoken exec` against the API stand-in of tests/oidc/api.mjs, which checks
//! every bearer token with the real provider's keys: the token must really be valid.

use std::process::Output;

use httpmock::MockServer;

use crate::provider;
use crate::util::{Sandbox, outputs};

const CLIENT: &str = "amtoken-api";

fn api_url() -> String {
    std::env::var("AMTOKEN_TEST_API_URL").expect("run with `bash tests/run`")
}

/// A sandbox logged in to the provider as [`CLIENT`].
fn logged_in() -> Sandbox {
    provider::logged_in(CLIENT)
}

fn api(sandbox: &Sandbox, args: &[&str]) -> Output {
    provider::amtoken(sandbox, CLIENT)
        .env("AMTOKEN_API_URL", api_url())
        .arg("api")
        .args(args)
        .output()
        .unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    let (stdout, stderr) = outputs(output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("{error}: {stdout}"))
}

fn stats(route: &str) -> u64 {
    let stats: serde_json::Value = reqwest::blocking::get(format!("{}/test/stats", api_url()))
        .unwrap()
        .json()
        .unwrap();
    stats[route].as_u64().unwrap_or(0)
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn requests_carry_the_token_the_fields_and_the_headers_as_sent() {
    let sandbox = logged_in();
    let ping = json(&api(&sandbox, &["/ping"]));
    assert_eq!(ping, serde_json::json!({"pong": true}));
    let companies = json(&api(&sandbox, &["companies"]));
    assert_eq!(companies["payload"][1]["companyId"], "c2");

    let echo = json(&api(
        &sandbox,
        &[
            "echo",
            "-f",
            "name=x",
            "-F",
            "count=3",
            "-F",
            "flag=true",
            "-F",
            "none=null",
            "-H",
            "X-Test: yes",
        ],
    ));
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["path"], "/api/v1/echo");
    assert_eq!(echo["accept"], "application/json");
    assert_eq!(echo["contentType"], "application/json");
    assert_eq!(echo["test"], "yes");
    assert!(echo["userAgent"].as_str().unwrap().starts_with("amtoken/"));
    let body: serde_json::Value = serde_json::from_str(echo["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"name": "x", "count": 3, "flag": true, "none": null})
    );

    let get = json(&api(
        &sandbox,
        &[
            "echo",
            "-X",
            "GET",
            "-f",
            "requestStatus=Approved",
            "-F",
            "limit=10",
        ],
    ));
    assert_eq!(get["method"], "GET");
    assert_eq!(
        get["query"],
        serde_json::json!({"requestStatus": "Approved", "limit": "10"})
    );
    assert_eq!(get["body"], serde_json::Value::Null);

    let input = sandbox.path("body.json");
    std::fs::write(&input, r#"{"raw": [1, 2]}"#).unwrap();
    let put = json(&api(
        &sandbox,
        &["-X", "PUT", "echo", "--input", input.to_str().unwrap()],
    ));
    assert_eq!(
        (put["method"].as_str(), put["body"].as_str()),
        (Some("PUT"), Some(r#"{"raw": [1, 2]}"#))
    );

    let output = api(&sandbox, &["-i", "/ping"]);
    let (stdout, _) = outputs(&output);
    assert!(stdout.starts_with("HTTP/1.1 200 OK\r\n"), "{stdout}");
    assert!(
        stdout.contains("content-type: application/json"),
        "{stdout}"
    );
    assert!(stdout.ends_with("{\"pong\":true}"), "{stdout}");

    let output = api(&sandbox, &["/ping", "-H", "Authorization: Bearer mine"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn a_401_refreshes_once_and_retries_with_the_new_token() {
    let sandbox = logged_in();
    let before = provider::grants(CLIENT, "refresh_token");
    let output = api(&sandbox, &["refuse-token/first"]);
    assert_eq!(json(&output), serde_json::json!({"ok": true}));
    assert_eq!(provider::grants(CLIENT, "refresh_token"), before + 1);

    let output = api(&sandbox, &["always-401"]);
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(11), "{stderr}");
    assert!(
        stdout.contains("never"),
        "the body still goes to stdout: {stdout}"
    );
    assert!(
        stderr.starts_with("amtoken: error: GET /api/v1/always-401: 401 Unauthorized: Unauthorized: never (Unauthorized)"),
        "{stderr}"
    );
    assert_eq!(
        provider::grants(CLIENT, "refresh_token"),
        before + 2,
        "one refresh, not a loop"
    );
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn busy_and_unavailable_answers_are_waited_out_within_bounds() {
    let sandbox = logged_in();
    let output = api(&sandbox, &["busy/a?times=2&after=1"]);
    let (_, stderr) = outputs(&output);
    assert_eq!(json(&output)["attempts"], 3);
    assert_eq!(
        stderr
            .matches("429 Too Many Requests; waiting 1s before retry")
            .count(),
        2,
        "{stderr}"
    );

    let output = api(&sandbox, &["busy/date?times=1&after=1&date"]);
    assert_eq!(json(&output)["attempts"], 2);

    let output = api(&sandbox, &["unavailable/a"]);
    assert_eq!(json(&output)["attempts"], 2);

    // A POST is retried on 429 (nothing was done) but not on 503.
    let output = api(&sandbox, &["-X", "POST", "busy/post?times=1&after=1"]);
    assert_eq!(json(&output)["method"], "POST");

    // A server that stays at 429: bounded retries, then 11 with the body.
    let output = api(
        &sandbox,
        &["busy/forever?times=100&after=1", "--retries", "2"],
    );
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(11), "{stderr}");
    assert_eq!(stderr.matches("waiting 1s").count(), 2, "{stderr}");
    assert!(stdout.contains("RateLimited"), "{stdout}");
    // --max-wait is the bound on the total wait.
    let output = api(
        &sandbox,
        &["busy/long?times=1&after=120", "--max-wait", "5s"],
    );
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(11), "{stderr}");
    assert!(stderr.contains("past --max-wait 5s: giving up"), "{stderr}");
    // Issue 18: a Retry-After too large for any clock is a long wait, not a crash, and not
    // the 1 s backoff of a missing one.
    for after in ["18446744073709551615", "99999999999999999999999"] {
        let output = api(
            &sandbox,
            &[
                &format!("busy/huge-{}?times=1&after={after}", after.len()),
                "--max-wait",
                "5s",
            ],
        );
        let (_, stderr) = outputs(&output);
        assert_eq!(output.status.code(), Some(11), "{stderr}");
        assert!(stderr.contains("past --max-wait 5s: giving up"), "{stderr}");
    }
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn paginate_walks_every_page_as_an_array_or_json_lines() {
    let sandbox = logged_in();
    let items = json(&api(&sandbox, &["pages", "--paginate"]));
    let names: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    let output = api(&sandbox, &["pages", "--paginate", "--jsonl"]);
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(stdout.lines().count(), 5);
    assert_eq!(stdout.lines().next(), Some(r#"{"name":"a"}"#));
    assert_eq!(stderr, "", "no progress when stderr is not a terminal");
    let many = json(&api(&sandbox, &["many?total=250&limit=100", "--paginate"]));
    assert_eq!(many.as_array().unwrap().len(), 250);

    // Issue 18: tokens that cycle A, B, A are stopped at the first repeat; tokens that grow
    // for ever at --max-pages. What was printed still parses, and the exit is 11.
    let output = api(&sandbox, &["cycle", "--paginate"]);
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(11), "{stderr}");
    assert!(
        stderr.contains("page 3: the server sent a continuationToken it had sent before (\"A\")"),
        "{stderr}"
    );
    let printed: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(printed.as_array().unwrap().len(), 3);
    let output = api(&sandbox, &["growing", "--paginate", "--max-pages", "25"]);
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(11), "{stderr}");
    assert!(
        stderr.contains("stopped after 25 pages (--max-pages) with more to come"),
        "{stderr}"
    );
    assert_eq!(stats("growing"), 25);
    let printed: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(printed.as_array().unwrap().len(), 25);
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn problem_details_make_one_error_line_and_the_body_goes_to_stdout() {
    let sandbox = logged_in();
    let output = api(&sandbox, &["problem"]);
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(11));
    assert!(stdout.contains("\"CompanyDisabled\""), "{stdout}");
    assert_eq!(
        stderr,
        "amtoken: error: GET /api/v1/problem: 400 Bad Request: Bad Request: The c1 is disabled. (CompanyDisabled)\n"
    );
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn another_origin_a_body_over_the_cap_and_a_slow_server_are_refused() {
    let sandbox = logged_in();
    let elsewhere = MockServer::start();
    let trap = elsewhere.mock(|_, then| {
        then.status(200);
    });
    let output = api(&sandbox, &[&elsewhere.url("/api/v1/companies")]);
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("refusing to send the token to"), "{stderr}");
    trap.assert_calls(0);

    let output = api(&sandbox, &["big"]);
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(11), "{stderr}");
    assert!(stderr.contains("larger than 16 MiB"), "{stderr}");
    assert_eq!(stdout, "");

    let output = api(&sandbox, &["slow?ms=5000", "--timeout", "1s"]);
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains("timed out"), "{stderr}");
    assert!(stats("slow") >= 1);
}

#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn exec_hands_the_token_to_the_command_through_its_environment_only() {
    let sandbox = logged_in();
    let seen = sandbox.path("seen");
    let argvs = sandbox.path("argvs");
    let output = provider::amtoken(&sandbox, CLIENT)
        .env("AMTOKEN_API_URL", api_url())
        .env("SEEN", &seen)
        .env("ARGVS", &argvs)
        .args([
            "exec",
            "--",
            "sh",
            "-c",
            r#"printf '%s\n%s\n%s\n' "$AMTOKEN_ACCESS_TOKEN" "$AMTOKEN_EXPIRES_AT" "$AMTOKEN_API_URL" > "$SEEN"; cat /proc/[0-9]*/cmdline > "$ARGVS" 2>/dev/null; read line; echo "got $line"; exit 7"#,
        ])
        .write_stdin("hello\n")
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(7), "{stderr}");
    assert_eq!(stdout, "got hello\n", "standard streams pass through");
    let seen = std::fs::read_to_string(&seen).unwrap();
    let lines: Vec<&str> = seen.lines().collect();
    let token = lines[0];
    assert!(token.starts_with("eyJ"));
    assert!(lines[1].ends_with('Z'));
    assert_eq!(lines[2], api_url());
    let argvs = String::from_utf8_lossy(&std::fs::read(&argvs).unwrap()).into_owned();
    assert!(
        !argvs.contains(token),
        "a process has the token on its argv"
    );

    // A signal's death is 128 + its number.
    let output = provider::amtoken(&sandbox, CLIENT)
        .args(["exec", "--", "sh", "-c", "kill -TERM $$"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(128 + 15));
}

#[test]
fn exec_with_nothing_stored_is_exit_4_and_runs_nothing() {
    let sandbox = Sandbox::new();
    let marker = sandbox.path("ran");
    let output = sandbox
        .amtoken()
        .env("AMTOKEN_STORE", "file")
        .args(["exec", "--", "touch"])
        .arg(&marker)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{}", outputs(&output).1);
    assert!(!marker.exists());
    let output = sandbox.amtoken().args(["exec"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}
