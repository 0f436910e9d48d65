//! `amtoken exec` as a parent (issue 18): what COMMAND inherits, and what becomes of the
//! signals sent to amtoken. The token comes from a fresh cache: no server needed.

use std::io::{BufRead as _, BufReader};
use std::process::Stdio;

use crate::util::{Sandbox, outputs};

const ISSUER: &str = "https://id.example.test";
const ACCESS_TOKEN: &str = "at-cached-for-exec";

fn sandbox() -> Sandbox {
    Sandbox::cached_at(ISSUER, ACCESS_TOKEN)
}

#[test]
fn exec_hands_on_the_access_token_but_never_amtokens_own_credentials() {
    let sandbox = sandbox();
    let mut command = sandbox.amtoken_for(ISSUER);
    // Every credential amtoken defines (issue 27.5: the AppRole pair and GitHub's OIDC
    // request too), from the one list the settings keep.
    let withheld: Vec<&str> = amtoken::cli::settings::withheld_variables().collect();
    assert!(withheld.contains(&"AMTOKEN_VAULT_ROLE_ID"), "{withheld:?}");
    for name in &withheld {
        command.env(name, format!("{name}-withheld"));
    }
    let output = command
        .env("UNRELATED", "kept")
        .args(["exec", "--", "env"])
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains(&format!("AMTOKEN_ACCESS_TOKEN={ACCESS_TOKEN}\n")));
    assert!(stdout.contains("UNRELATED=kept\n"));
    for name in withheld {
        assert!(
            !stdout.contains(&format!("{name}=")),
            "COMMAND got {name}: {stdout}"
        );
        assert!(
            !stdout.contains("-withheld"),
            "COMMAND got a credential: {stdout}"
        );
    }
}

/// `amtoken exec -- sh -c SCRIPT`, running, with its stdout to read.
fn spawn_exec(
    sandbox: &Sandbox,
    script: &str,
) -> (std::process::Child, BufReader<std::process::ChildStdout>) {
    let mut child = sandbox
        .std_amtoken_at(ISSUER)
        .args(["exec", "--", "sh", "-c", script])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    (child, stdout)
}

/// `kill -SIGNAL` the process.
fn send(child: &std::process::Child, signal: &str) {
    let sent = std::process::Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
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
        let (mut child, mut stdout) = spawn_exec(&sandbox, &script);
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert_eq!(line, "ready\n");
        send(&child, signal);
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
    // Issue 27.11: the test gives amtoken a disposition of its own choosing, whatever this
    // test run inherited (`cmd &` in a non-interactive shell ignores SIGQUIT), and COMMAND
    // must hold exactly that.
    for (given, ignored) in [(libc::SIG_DFL, false), (libc::SIG_IGN, true)] {
        let (stdout, stderr, code) =
            exec_with_signal(libc::SIGQUIT, given, "grep SigIgn /proc/self/status");
        assert_eq!(code, Some(0), "{stderr}");
        let mask =
            u64::from_str_radix(stdout.trim().trim_start_matches("SigIgn:").trim(), 16).unwrap();
        assert_eq!(
            mask & (1 << (libc::SIGQUIT - 1)) != 0,
            ignored,
            "SIGQUIT given {}: {stdout}",
            if ignored { "ignored" } else { "default" }
        );
    }
}

/// Issue 27.11: amtoken started with SIGCHLD ignored (children then reap themselves and
/// waitpid fails with ECHILD) still waits for COMMAND and hands on its exit code.
#[test]
fn an_inherited_ignored_sigchld_does_not_break_exec() {
    let (_, stderr, code) = exec_with_signal(libc::SIGCHLD, libc::SIG_IGN, "exit 7");
    assert_eq!(code, Some(7), "{stderr}");
}

/// `amtoken exec -- sh -c SCRIPT` started with `signal`'s disposition set to `given`.
fn exec_with_signal(
    signal: libc::c_int,
    given: libc::sighandler_t,
    script: &str,
) -> (String, String, Option<i32>) {
    use std::os::unix::process::CommandExt as _;
    let sandbox = sandbox();
    let mut command = sandbox.std_amtoken_at(ISSUER);
    command.args(["exec", "--", "sh", "-c", script]);
    // SAFETY: signal(2) is async-signal-safe; it sets one disposition of the child.
    unsafe {
        command.pre_exec(move || {
            libc::signal(signal, given);
            Ok(())
        });
    }
    let output = command.output().unwrap();
    let (stdout, stderr) = outputs(&output);
    (stdout, stderr, output.status.code())
}

/// Issue 27.12: a token directory left by an `exec` that was killed (SIGKILL: no clean-up) is
/// swept by the next `exec`; one of a live `exec` is left alone.
#[test]
fn a_killed_execs_token_file_is_swept_by_the_next_one() {
    let sandbox = sandbox();
    let runtime = sandbox.path("run/amtoken");
    std::fs::create_dir_all(&runtime).unwrap();
    // A pid that is not running: a child that has ended and been reaped.
    let mut ended = std::process::Command::new("true").spawn().unwrap();
    let dead = ended.id();
    ended.wait().unwrap();
    let left = runtime.join(format!("exec-default-{dead}-AbC123"));
    std::fs::create_dir(&left).unwrap();
    crate::util::write_private(&left.join("token"), "at-left-behind");
    let live = runtime.join(format!("exec-default-{}-XyZ789", std::process::id()));
    std::fs::create_dir(&live).unwrap();
    let output = sandbox
        .amtoken_for(ISSUER)
        .env("XDG_RUNTIME_DIR", sandbox.path("run"))
        .args(["exec", "--", "true"])
        .output()
        .unwrap();
    let (_, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!left.exists(), "the dead run's token file is still there");
    assert!(live.exists(), "a live run's directory was removed");
}

/// The token file: COMMAND finds the token in it, 0600 in a 0700 directory of its own, and it
/// is gone, directory and all, once COMMAND has ended.
#[test]
#[cfg(unix)]
fn the_token_file_is_private_and_removed_when_the_command_ends() {
    let sandbox = sandbox();
    let output = sandbox
        .amtoken_for(ISSUER)
        .env("XDG_RUNTIME_DIR", sandbox.path("run"))
        .args([
            "exec",
            "--",
            "sh",
            "-c",
            r#"echo "$AMTOKEN_TOKEN_FILE"; cat "$AMTOKEN_TOKEN_FILE"; echo; stat -c %a "$AMTOKEN_TOKEN_FILE" "$(dirname "$AMTOKEN_TOKEN_FILE")""#,
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    let path = std::path::Path::new(lines[0]);
    assert!(
        path.starts_with(sandbox.path("run/amtoken")),
        "not in the runtime directory: {stdout}"
    );
    assert_eq!(lines[1], ACCESS_TOKEN, "the file holds the token alone");
    assert_eq!(&lines[2..], ["600", "700"]);
    assert!(!path.exists(), "the token file outlived COMMAND");
    assert!(
        !path.parent().unwrap().exists(),
        "its directory outlived COMMAND"
    );
}

/// SIGTERM to amtoken reaches COMMAND; the token file goes when COMMAND has gone.
#[test]
#[cfg(unix)]
fn the_token_file_is_removed_when_a_forwarded_sigterm_ends_the_command() {
    let sandbox = sandbox();
    let (mut child, mut stdout) = spawn_exec(
        &sandbox,
        r#"trap 'exit 42' TERM; echo "$AMTOKEN_TOKEN_FILE"; while :; do sleep 0.05; done"#,
    );
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let path = std::path::PathBuf::from(line.trim_end());
    assert!(path.exists(), "no token file while COMMAND runs: {line}");
    send(&child, "TERM");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(42), "amtoken died of {status:?}");
    assert!(!path.exists(), "the token file outlived COMMAND");
}

/// A renewal that fails while COMMAND runs (the server is gone): a line on stderr that says
/// what failed and when COMMAND's token expires, retries, and COMMAND runs on to its own end
/// and exit code.
#[test]
#[cfg(unix)]
fn a_failed_renewal_is_said_and_retried_and_the_command_runs_on() {
    let unreachable = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let sandbox = Sandbox::logged_in_at(&unreachable);
    sandbox.cache_token("default", &unreachable, ACCESS_TOKEN, 4);
    let output = sandbox
        .amtoken_for(&unreachable)
        .env("XDG_RUNTIME_DIR", sandbox.path("run"))
        .args([
            "exec",
            "--min-ttl",
            "1s",
            "--",
            "sh",
            "-c",
            r#"sleep 5; cat "$AMTOKEN_TOKEN_FILE"; exit 7"#,
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(7), "{stderr}");
    assert_eq!(stdout, ACCESS_TOKEN, "the token file kept the token it had");
    let first = stderr
        .lines()
        .find(|line| line.starts_with("amtoken: exec: failed to refresh the access token: "))
        .unwrap_or_else(|| panic!("no failure line: {stderr}"));
    assert!(first.contains("COMMAND's token expires in "), "{first}");
    assert!(first.contains("; retrying in "), "{first}");
    assert!(
        stderr
            .lines()
            .all(|line| line.starts_with("amtoken: exec: ")),
        "{stderr}"
    );
}

/// The real provider with access tokens that live 2 seconds, and the API stand-in, which
/// checks every token with the provider's keys: a child that reads the token file per call
/// across several expiries has every call accepted, and each renewal is one refresh grant.
#[test]
#[ignore = "needs the test provider: run `bash tests/run`"]
fn the_token_file_stays_valid_across_expiries_with_one_refresh_each() {
    const CLIENT: &str = "amtoken-exec";
    let sandbox = crate::provider::logged_in(CLIENT);
    let refreshes_before = crate::provider::grants(CLIENT, "refresh_token");
    // Reads the file before every call, until it has seen five different tokens.
    let reader = r#"
        const fs = require('fs');
        const file = process.env.AMTOKEN_TOKEN_FILE;
        const seen = new Set();
        const statuses = {};
        const modes = new Set();
        (async () => {
          for (let call = 0; seen.size < 5 && call < 600; call++) {
            const token = fs.readFileSync(file, 'utf8');
            modes.add((fs.statSync(file).mode & 0o777).toString(8));
            seen.add(token);
            const res = await fetch(`${process.env.AMTOKEN_API_URL}/api/v1/companies`,
              { headers: { authorization: `Bearer ${token}` } });
            statuses[res.status] = (statuses[res.status] ?? 0) + 1;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          console.log(JSON.stringify({ distinct: seen.size, statuses, modes: [...modes] }));
        })();
    "#;
    let output = crate::provider::amtoken(&sandbox, CLIENT)
        .env(
            "AMTOKEN_API_URL",
            std::env::var("AMTOKEN_TEST_API_URL").unwrap(),
        )
        .env("XDG_RUNTIME_DIR", sandbox.path("run"))
        .args(["-v", "exec", "--", "node", "-e", reader])
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["distinct"], 5, "{report}");
    let statuses = report["statuses"].as_object().unwrap();
    assert_eq!(
        statuses.keys().collect::<Vec<_>>(),
        ["200"],
        "a call was refused: {report}"
    );
    assert_eq!(report["modes"], serde_json::json!(["600"]));
    // The start's refresh (the token from the exchange has less than --min-ttl left), then
    // one refresh grant per renewal, each announced under -v.
    let renewals = stderr
        .lines()
        .filter(|line| line.starts_with("amtoken: exec: renewed the access token"))
        .count();
    assert!(renewals >= 4, "{stderr}");
    let refreshes = crate::provider::grants(CLIENT, "refresh_token") - refreshes_before;
    assert_eq!(refreshes, 1 + renewals as u64, "{stderr}");
}
