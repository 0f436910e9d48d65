//! One module per subcommand; each exposes `run`.

pub mod completions;
pub mod decode;
