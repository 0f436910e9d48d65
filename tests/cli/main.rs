//! The CLI tests: the real `amtoken` binary, one module per command. Tests that need the real
//! OpenID Connect provider or keychain are `#[ignore]`d for a plain `cargo test`; `bash tests/run`
//! starts both and runs them.

// Test helpers may unwrap and print: a panic is a test failure with its message.
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::print_stderr)]

mod api;
mod ci_logs;
mod completions;
mod concurrency;
mod crashes;
mod decode;
mod doctor;
mod errors;
mod exchange;
mod exec;
mod faults;
mod fleet;
mod keychain;
mod leaks;
mod login;
mod logout;
mod long_running;
mod man;
mod provider;
mod readme;
mod refresh;
mod serve;
mod settings;
mod status;
mod tls;
mod token;
mod util;
mod vault_login;
mod verify;
