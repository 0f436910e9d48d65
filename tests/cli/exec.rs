//! `amtoken exec` as a parent (issue 18): what COMMAND inherits, and what becomes of the
//! signals sent to amtoken. The token comes from a fresh cache: no server needed.

use std::io::{BufRead as _, BufReader};
use std::process::Stdio;

use crate::util::{Sandbox, outputs};

const ISSUER: &str = "https://id.example.test";
const ACCESS_TOKEN: &str = "at-cached-for-exec";

fn sandbox() -> Sandbox {
    let sandbox = Sandbox::logged_in_at(ISSUER);
    sandbox.cache_token("default", ISSUER, ACCESS_TOKEN, 3600);
    sandbox
}

#[test]
fn exec_hands_on_the_access_token_but_never_amtokens_own_credentials() {
    let sandbox = sandbox();
    let output = sandbox
        .amtoken_for(ISSUER)
        .env("AMTOKEN_REFRESH_TOKEN", "rt-seed-withheld")
        .env("VAULT_TOKEN", "hvs.withheld")
        .env("BAO_TOKEN", "s.withheld")
        .env("UNRELATED", "kept")
        .args(["exec", "--", "env"])
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains(&format!("AMTOKEN_ACCESS_TOKEN={ACCESS_TOKEN}\n")));
    assert!(stdout.contains("UNRELATED=kept\n"));
    for name in [
        "AMTOKEN_CLIENT_SECRET=",
        "AMTOKEN_REFRESH_TOKEN=",
        "VAULT_TOKEN=",
        "BAO_TOKEN=",
    ] {
        assert!(!stdout.contains(name), "COMMAND got {name}: {stdout}");
    }
}

/// SIGTERM and SIGHUP to amtoken reach COMMAND, and amtoken ends with COMMAND's exit code
/// rather than dying and leaving it running with the token.
#[test]
#[cfg(unix)]
fn exec_forwards_term_and_hup_to_the_command_and_waits_for_it() {
    for (signal, code) in [("TERM", 42), ("HUP", 43)] {
        let sandbox = sandbox();
        let script = format!(
            "trap 'echo caught {signal}; exit {code}' {signal}; echo ready; while :; do sleep 0.05; done"
        );
        let mut child = sandbox
            .std_amtoken()
            .env("AMTOKEN_ISSUER", ISSUER)
            .env("AMTOKEN_CLIENT_ID", crate::util::CLIENT_ID)
            .env("AMTOKEN_STORE", "file")
            .args(["exec", "--", "sh", "-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert_eq!(line, "ready\n");
        let sent = std::process::Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = child.wait().unwrap();
        line.clear();
        stdout.read_line(&mut line).unwrap();
        assert_eq!(line, format!("caught {signal}\n"));
        assert_eq!(status.code(), Some(code), "amtoken died of {status:?}");
    }
}

/// amtoken's memory holds tokens: it never dumps core. COMMAND keeps the limit amtoken was
/// given.
#[test]
#[cfg(target_os = "linux")]
fn amtoken_dumps_no_core_but_its_command_keeps_the_core_limit() {
    let sandbox = sandbox();
    let mut command = sandbox.std_amtoken();
    command
        .env("AMTOKEN_ISSUER", ISSUER)
        .env("AMTOKEN_CLIENT_ID", crate::util::CLIENT_ID)
        .env("AMTOKEN_STORE", "file")
        .args([
            "exec",
            "--",
            "sh",
            "-c",
            r#"grep 'core file' "/proc/$PPID/limits"; grep 'core file' /proc/self/limits"#,
        ]);
    // Start amtoken with core dumps allowed, as far as the hard limit lets.
    let amtoken = command.get_program().to_owned();
    let arguments: Vec<_> = command.get_args().map(ToOwned::to_owned).collect();
    let output = std::process::Command::new("sh")
        .args(["-c", r#"ulimit -S -c "$(ulimit -H -c)"; exec "$@""#, "sh"])
        .arg(amtoken)
        .args(arguments)
        .envs(
            command
                .get_envs()
                .filter_map(|(name, value)| value.map(|value| (name, value))),
        )
        .env_remove("AMTOKEN_CLIENT_SECRET")
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let limits: Vec<Vec<&str>> = stdout
        .lines()
        .map(|line| line.split_whitespace().collect())
        .collect();
    assert_eq!(limits.len(), 2, "{stdout}");
    // "Max core file size  <soft> <hard> bytes"
    assert_eq!(limits[0][4], "0", "amtoken may dump core: {stdout}");
    assert_eq!(
        limits[1][4], limits[1][5],
        "COMMAND lost its limit: {stdout}"
    );
}

/// COMMAND starts with SIGQUIT as it would without amtoken: not ignored.
#[test]
#[cfg(target_os = "linux")]
fn the_command_does_not_inherit_an_ignored_sigquit() {
    let sandbox = sandbox();
    let output = sandbox
        .amtoken_for(ISSUER)
        .args(["exec", "--", "sh", "-c", "grep SigIgn /proc/self/status"])
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let mask = u64::from_str_radix(stdout.trim().trim_start_matches("SigIgn:").trim(), 16).unwrap();
    assert_eq!(mask & (1 << (3 - 1)), 0, "SIGQUIT is ignored: {stdout}");
}
