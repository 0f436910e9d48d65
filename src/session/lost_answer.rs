//! A refresh whose answer never came (a timeout, a broken connection after the request went
//! out) may have spent the refresh token: that is noted, so that a refusal of the same token
//! later says why rather than looking like an unexplained `invalid_grant`.

use chrono::{DateTime, Utc};

use super::Session;
use crate::output;
use crate::store::Record;

/// A refresh whose answer never arrived: which refresh token it sent, and when.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct LostAnswer {
    refresh_token_sha256: String,
    #[serde(with = "crate::text::rfc3339_serde")]
    at: DateTime<Utc>,
}

impl Session<'_> {
    pub(super) fn remember_lost_answer(&self, record: &Record) {
        let lost = LostAnswer {
            refresh_token_sha256: crate::text::sha256_hex(record.refresh_token.expose(), None),
            at: Utc::now(),
        };
        let path = self.settings.paths.lost_answer_file(&self.settings.profile);
        if let Err(error) =
            crate::files::write_file(&path, &lost, crate::files::Durability::Durable)
        {
            output::warn(format_args!("cannot note the lost answer: {error}"));
        }
    }

    /// When the answer to a refresh with `record`'s token was lost, if it was.
    pub(super) fn lost_answer_for(&self, record: &Record) -> Option<DateTime<Utc>> {
        let path = self.settings.paths.lost_answer_file(&self.settings.profile);
        let lost: LostAnswer = crate::files::read_file(&path).ok().flatten()?;
        (lost.refresh_token_sha256 == crate::text::sha256_hex(record.refresh_token.expose(), None))
            .then_some(lost.at)
    }

    pub(super) fn forget_lost_answer(&self) {
        let path = self.settings.paths.lost_answer_file(&self.settings.profile);
        let _ = crate::files::remove_file(&path, "remove");
    }
}
