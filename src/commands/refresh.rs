//! `amtoken refresh [--force]`: the refresh_token grant under the profile lock.

use crate::cli::RefreshArgs;
use crate::config::Settings;
use crate::error::Result;
use crate::session::{Freshness, Provenance, Session};

/// Runs `amtoken refresh`.
pub fn run(args: &RefreshArgs, settings: &Settings) -> Result<()> {
    let freshness = if args.force {
        Freshness::Forced
    } else {
        Freshness::AtLeast(args.min_ttl)
    };
    let (token, provenance) = Session::open(settings).token(freshness)?;
    let action = match provenance {
        Provenance::Refreshed => "refreshed",
        Provenance::Cached => "no refresh needed for",
    };
    super::report_tokens(settings, action, &token, args.output)
}
