//! `amtoken refresh [--force]`: the refresh_token grant under the profile lock.

use crate::cli::RefreshArgs;
use crate::commands::shared::{self, Provenance};
use crate::config::Settings;
use crate::error::Result;

/// Runs `amtoken refresh`.
pub fn run(args: &RefreshArgs, settings: &Settings) -> Result<()> {
    let (token, provenance) = shared::valid_token(settings, args.min_ttl, args.force)?;
    let action = match provenance {
        Provenance::Refreshed => "refreshed",
        Provenance::Cached => "no refresh needed for",
    };
    shared::report(settings, action, &token, args.output)
}
