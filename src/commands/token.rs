//! `amtoken token` and `amtoken header`: a valid access token for scripts, refreshing only when
//! less than --min-ttl is left. Never prompts.

use chrono::Utc;

use crate::cli::{OutputFormat, TokenArgs};
use crate::commands::shared;
use crate::config::Settings;
use crate::error::Result;
use crate::output;

/// Runs `amtoken token` (`default_format` raw) or `amtoken header` (`default_format` header).
pub fn run(args: &TokenArgs, settings: &Settings, default_format: OutputFormat) -> Result<()> {
    let (token, _) = shared::valid_token(settings, args.min_ttl, false)?;
    let format = args.output.unwrap_or(default_format);
    output::print(&shared::render_token(
        format,
        &token,
        &settings.profile,
        Utc::now(),
    ))?;
    Ok(())
}
