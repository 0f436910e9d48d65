//! The CLI tests: the real `amtoken` binary, one module per command. Tests that need the real
//! OpenID Connect provider or keychain are `#[ignore]`d for a plain `cargo test`; `bash tests/run`
//! starts both and runs them.

mod completions;
mod concurrency;
mod decode;
mod errors;
mod exchange;
mod keychain;
mod provider;
mod refresh;
mod settings;
mod status;
mod tls;
mod token;
mod util;
