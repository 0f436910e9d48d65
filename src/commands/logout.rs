//! `amtoken logout [--revoke]`: forgets the profile's tokens, revoking the refresh token first
//! when asked.

use crate::cli::LogoutArgs;
use crate::config::Settings;
use crate::error::Result;
use crate::output;
use crate::session::{Forgotten, Revocation, Session};

/// Runs `amtoken logout`.
pub fn run(args: &LogoutArgs, settings: &Settings) -> Result<()> {
    let session = Session::open(settings);
    let forgotten = session.forget(args.revoke)?;
    match &forgotten.revocation {
        Revocation::Revoked(endpoint) => {
            output::note(format_args!("revoked the refresh token at {endpoint}"))
        }
        Revocation::Unsupported(why) => output::warn(format_args!(
            "the refresh token was not revoked: {why}; it was forgotten here all the same"
        )),
        Revocation::NothingStored | Revocation::NotAsked => {}
    }
    let what = match forgotten {
        Forgotten {
            record: true,
            cache: true,
            ..
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
        "logged out of profile {:?}: {what}",
        settings.profile
    ));
    Ok(())
}
