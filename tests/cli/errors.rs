//! How every failure looks: one line, the documented exit code, nothing on stdout.

use crate::util::{Sandbox, outputs};

#[test]
fn an_error_is_one_line_without_a_backtrace_even_with_rust_backtrace_set() {
    let output = Sandbox::new()
        .amtoken()
        .args(["decode", "not-a-token"])
        .env("RUST_BACKTRACE", "1")
        .env("RUST_LIB_BACKTRACE", "1")
        .output()
        .unwrap();
    let (stdout, stderr) = outputs(&output);
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "amtoken: error: failed to decode token: not a JWT: this is an opaque token (no dots), which only the server that issued it can read\n"
    );
}

#[test]
fn a_usage_error_exits_2() {
    Sandbox::new()
        .amtoken()
        .args(["decode", "--no-such-flag"])
        .assert()
        .code(2)
        .stdout("");
    Sandbox::new()
        .amtoken()
        .arg("no-such-command")
        .assert()
        .code(2)
        .stdout("");
}
