//! While COMMAND runs: the keeper renews the access token before it expires and its sink, the
//! token file, gets each new one. COMMAND is never stopped for a failed renewal: a token that
//! expires is its own 401.

use std::sync::mpsc::{Receiver, RecvTimeoutError};

use chrono::{DateTime, Utc};

use super::token_file::TokenFile;
use crate::error::Result;
use crate::keeper::{Keeper, Sink, SystemClock, wait_until};
use crate::token::AccessToken;

impl Sink for &TokenFile {
    fn publish(&self, token: &AccessToken, _due: DateTime<Utc>) -> Result<()> {
        Ok(TokenFile::publish(self, &token.access_token)?)
    }
}

/// Renews through `keeper` whenever it is due, until `ended` says COMMAND has ended.
pub fn keep_fresh(keeper: &mut Keeper<'_>, ended: &Receiver<()>) {
    loop {
        let due = keeper.next_due();
        let reached = wait_until(due, &SystemClock, |slice| {
            matches!(ended.recv_timeout(slice), Err(RecvTimeoutError::Timeout))
        });
        if !reached {
            return;
        }
        // The keeper says what failed, and pauses; the loop waits for its next due time.
        let _ = keeper.token();
    }
}
