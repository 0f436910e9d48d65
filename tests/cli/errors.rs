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
        "amtoken: error: failed to decode token: expected 3 segments separated by dots (header.payload.signature), found 1\n"
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
