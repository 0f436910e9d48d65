//! The CLI tests: the real `amtoken` binary, one module per command.

mod completions;
mod decode;
mod errors;
mod refresh;
mod util;
