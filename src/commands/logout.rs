//! `amtoken logout`: forgets the profile's tokens.

use crate::cli::LogoutArgs;
use crate::config::Settings;
use crate::error::Result;
use crate::output;
use crate::session::{Forgotten, Session};

/// Runs `amtoken logout`.
pub fn run(_args: &LogoutArgs, settings: &Settings) -> Result<()> {
    let session = Session::open(settings);
    let forgotten = session.forget()?;
    let what = match forgotten {
        Forgotten {
            record: true,
            cache: true,
        } => format!(
            "deleted the refresh token from {} and the cached access token",
            session.store_location()
        ),
        Forgotten { record: true, .. } => {
            format!(
                "deleted the refresh token from {}",
                session.store_location()
            )
        }
        Forgotten { cache: true, .. } => "deleted the cached access token".to_string(),
        Forgotten { .. } => "nothing was stored".to_string(),
    };
    output::note(format_args!(
        "amtoken: logged out of profile {:?}: {what}",
        settings.profile
    ));
    Ok(())
}
