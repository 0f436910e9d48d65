//! `AMTOKEN_REFRESH_TOKEN`: a refresh token that seeds an empty store (CI without a keychain),
//! for one profile only, once. Two phases, so that a run killed in between loses nothing: a
//! claim (named by the token's hash) is written first, then the store, then the claim is
//! marked stored; a claim never marked may be taken again by the same profile.

use chrono::{DateTime, Utc};

use super::{LOG_IN, Session};
use crate::error::{Error, Kind, Result};
use crate::output;
use crate::store::{Loaded, Record};

/// Which profile a seed refresh token was claimed for, when, and whether it reached the store:
/// a claim that never did (the run was killed in between) may be taken again by the same
/// profile, with nothing stored for it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct SeedUse {
    profile: String,
    #[serde(with = "crate::text::rfc3339_serde")]
    at: DateTime<Utc>,
    /// A claim written before amtoken kept this is taken as stored.
    #[serde(default = "stored_by_default")]
    stored: bool,
}

fn stored_by_default() -> bool {
    true
}

impl Session<'_> {
    /// `AMTOKEN_REFRESH_TOKEN` seeds an empty store (CI without a keychain): it is stored at
    /// once, and from then on it rotates like any stored token — for one profile only, once.
    /// Without it: not logged in.
    pub(super) fn seed_store(&self) -> Result<Loaded> {
        let settings = self.settings;
        let Some(seed) = &self.seed else {
            return Err(Error::msg(
                Kind::NotLoggedIn,
                format!(
                    "not logged in: nothing is stored for profile {:?} ({})",
                    settings.profile,
                    self.store.location()
                ),
            )
            .hint(LOG_IN));
        };
        let record = Record {
            refresh_token: seed.clone(),
            issuer: settings.issuer_or_default().to_string(),
            client_id: settings.client_id_or(None)?.to_string(),
            scope: settings.scope.clone(),
            obtained_at: Utc::now(),
            // Where a seed's chain began is not known.
            authorized_at: None,
        };
        // The token works once: claim it for this profile before storing it, so that no other
        // profile (each has its own lock) and no later run after a logout spends it again.
        let claim = settings.paths.seed_file(seed.expose());
        let claimed = |stored| SeedUse {
            profile: settings.profile.clone(),
            at: record.obtained_at,
            stored,
        };
        // Two phases: the claim, then the store write, then the claim marked stored.
        if !crate::files::create_file(&claim, &claimed(false))? {
            let used: Option<SeedUse> = crate::files::read_file(&claim).ok().flatten();
            let retry = used
                .as_ref()
                .is_some_and(|used| used.profile == settings.profile && !used.stored);
            if !retry {
                let (profile, at) = used.map_or_else(
                    || ("another profile".to_string(), String::new()),
                    |used| {
                        (
                            format!("profile {:?}", used.profile),
                            format!(" at {}", output::rfc3339(used.at)),
                        )
                    },
                );
                return Err(Error::msg(
                    Kind::InvalidInput,
                    format!(
                        "not logged in: nothing is stored for profile {:?}, and AMTOKEN_REFRESH_TOKEN was already stored for {profile}{at}: a refresh token works once",
                        settings.profile
                    ),
                )
                .hint("set AMTOKEN_REFRESH_TOKEN to a fresh refresh token for this profile, or log in with `amtoken login`"));
            }
            // Claimed for this profile by a run that died before it stored the token: the
            // token was never spent, so this run stores it.
        }
        let version = match self.store.save(&record, None) {
            Ok(version) => version,
            Err(error) => {
                // Not stored, so not spent: the seed may be tried again.
                let _ = crate::files::remove_file(&claim, "remove");
                return Err(Error::from(error)
                    .context("failed to store the refresh token from AMTOKEN_REFRESH_TOKEN"));
            }
        };
        if let Err(error) =
            crate::files::write_file(&claim, &claimed(true), crate::files::Durability::Durable)
        {
            output::warn(format_args!("cannot mark the seed as stored: {error}"));
        }
        output::note(format_args!(
            "stored the refresh token from AMTOKEN_REFRESH_TOKEN in {}",
            self.store.location()
        ));
        Ok(Loaded { record, version })
    }
}
