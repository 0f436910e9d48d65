//! `amtoken token` and `amtoken header`: a valid access token for scripts, refreshing only when
//! less than --min-ttl is left. Never prompts.

use crate::cli::TokenArgs;
use crate::config::Settings;
use crate::error::Result;
use crate::output::TokenFormat;
use crate::session::{Freshness, Session};

/// Runs `amtoken token` (`default_format` raw) or `amtoken header` (`default_format` header).
pub fn run(args: &TokenArgs, settings: &Settings, default_format: TokenFormat) -> Result<()> {
    let (token, _) = Session::open(settings).token(Freshness::AtLeast(args.min_ttl))?;
    super::print_token(settings, &token, args.output.unwrap_or(default_format))
}
