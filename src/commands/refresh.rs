//! `amtoken refresh [--force]`: the refresh_token grant under the profile lock.

use chrono::Utc;

use crate::cli::RefreshArgs;
use crate::commands::shared::{self, Provenance};
use crate::config::Settings;
use crate::error::Result;
use crate::output;

/// Runs `amtoken refresh`.
pub fn run(args: &RefreshArgs, settings: &Settings) -> Result<()> {
    let (token, provenance) = shared::valid_token(settings, args.min_ttl, args.force)?;
    let now = Utc::now();
    let action = match provenance {
        Provenance::Refreshed => "refreshed",
        Provenance::Cached => "no refresh needed (use --force to refresh anyway) for",
    };
    output::note(shared::summary(settings, action, &token, now));
    output::print(&shared::render_token(
        args.output,
        &token,
        &settings.profile,
        now,
    ))?;
    Ok(())
}
