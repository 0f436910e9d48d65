//! One module per subcommand; each exposes `run`. What several share lives in `shared`.

pub mod completions;
pub mod decode;
pub mod exchange;
pub mod refresh;
mod shared;
pub mod status;
pub mod token;
