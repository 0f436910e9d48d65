//! Tokens in CI logs (issue 29.2): on GitHub Actions every token amtoken prints or writes is
//! first registered with the runner's `::add-mask::` (on stderr: a `$(…)` capture gets the
//! token alone), and `-o github-env` / `-o github-output` hand it to the job's next steps
//! without printing it.

use crate::util::{Sandbox, outputs};

const ISSUER: &str = "https://id.example.test";
const ACCESS_TOKEN: &str = "at-for-the-ci-log";

fn sandbox() -> Sandbox {
    Sandbox::cached_at(ISSUER, ACCESS_TOKEN)
}

#[test]
fn on_github_actions_a_printed_token_is_masked_first_and_stdout_holds_the_token_alone() {
    let sandbox = sandbox();
    for (command, expected) in [
        ("token", format!("{ACCESS_TOKEN}\n")),
        ("header", format!("Authorization: Bearer {ACCESS_TOKEN}\n")),
    ] {
        let output = sandbox
            .amtoken_for(ISSUER)
            .env("GITHUB_ACTIONS", "true")
            .arg(command)
            .output()
            .unwrap();
        let (stdout, stderr) = outputs(&output);
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        assert_eq!(stdout, expected);
        assert_eq!(stderr, format!("::add-mask::{ACCESS_TOKEN}\n"));
    }
    // Off GitHub Actions, and with --no-mask, no workflow command.
    for env in [("GITHUB_ACTIONS", "false"), ("AMTOKEN_NO_MASK", "true")] {
        let output = sandbox
            .amtoken_for(ISSUER)
            .env("GITHUB_ACTIONS", "true")
            .env(env.0, env.1)
            .arg("token")
            .output()
            .unwrap();
        let (stdout, stderr) = outputs(&output);
        assert_eq!(stdout, format!("{ACCESS_TOKEN}\n"));
        assert!(!stderr.contains("add-mask"), "{env:?}: {stderr}");
    }
    let output = sandbox
        .amtoken_for(ISSUER)
        .env("GITHUB_ACTIONS", "true")
        .args(["token", "--no-mask"])
        .output()
        .unwrap();
    assert!(!outputs(&output).1.contains("add-mask"));
}

#[test]
fn github_env_and_output_get_the_token_in_heredoc_form_and_nothing_is_printed() {
    let sandbox = sandbox();
    for (format, variable) in [
        ("github-env", "GITHUB_ENV"),
        ("github-output", "GITHUB_OUTPUT"),
    ] {
        let file = sandbox.path(&format!("{variable}.txt"));
        std::fs::write(&file, "EARLIER=1\n").unwrap();
        let output = sandbox
            .amtoken_for(ISSUER)
            .env("GITHUB_ACTIONS", "true")
            .env(variable, &file)
            .args(["token", "-o", format])
            .output()
            .unwrap();
        let (stdout, stderr) = outputs(&output);
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        assert_eq!(stdout, "", "no token on stdout");
        assert_eq!(stderr, format!("::add-mask::{ACCESS_TOKEN}\n"));
        let written = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = written.lines().collect();
        assert_eq!(lines[0], "EARLIER=1", "appended, not replaced");
        let delimiter = lines[1].strip_prefix("AMTOKEN_ACCESS_TOKEN<<").unwrap();
        assert!(
            delimiter.starts_with("ghadelimiter_") && delimiter.len() > 40,
            "{delimiter}"
        );
        assert_eq!(lines[2], ACCESS_TOKEN);
        assert_eq!(lines[3], delimiter);
        assert!(lines[4].starts_with("AMTOKEN_EXPIRES_AT=20"), "{written}");
        assert_eq!(lines.len(), 5);
    }
    // Outside a runner there is no file to write.
    let output = sandbox
        .amtoken_for(ISSUER)
        .args(["token", "-o", "github-output"])
        .output()
        .unwrap();
    let stderr = crate::util::failed(&output, 3);
    assert!(stderr.contains("needs $GITHUB_OUTPUT"), "{stderr}");
    assert!(!stderr.contains(ACCESS_TOKEN));
}

#[test]
fn exec_masks_the_token_it_hands_to_its_command() {
    let sandbox = sandbox();
    let output = sandbox
        .amtoken_for(ISSUER)
        .env("GITHUB_ACTIONS", "true")
        .env("XDG_RUNTIME_DIR", sandbox.path("run"))
        .args([
            "exec",
            "--",
            "sh",
            "-c",
            "echo \"$AMTOKEN_ACCESS_TOKEN\" >&2",
        ])
        .output()
        .unwrap();
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        [format!("::add-mask::{ACCESS_TOKEN}").as_str(), ACCESS_TOKEN],
        "masked before COMMAND ran"
    );
}
