//! An API call with the profile's token: one forced refresh and one retry on 401 (skipped when
//! another process already replaced the refused token), and Retry-After on 429/503 within a
//! number of retries and a total wait.

use std::time::Duration;

use chrono::Utc;

use super::{Freshness, Session};
use crate::api::{self, ApiRequest};
use crate::error::Result;
use crate::http::{Reply, StatusCode, Transport};
use crate::output;
use crate::store::CachedToken;

/// How often and how long to wait on 429 and 503.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub retries: u32,
    pub max_wait: Duration,
}

impl Session<'_> {
    /// Sends `request` with `token`, which is replaced when a 401 made a refresh. The answer
    /// is returned whatever its status: the caller shows it.
    pub fn call_api(
        &self,
        transport: &Transport,
        request: &ApiRequest,
        token: &mut CachedToken,
        policy: RetryPolicy,
    ) -> Result<Reply> {
        let mut refreshed = false;
        let mut retries = 0;
        let mut waited = Duration::ZERO;
        loop {
            let reply = request.send(transport, &token.access_token)?;
            if reply.status == StatusCode::UNAUTHORIZED && !refreshed {
                refreshed = true;
                let (fresh, _) = self.valid_token(Freshness::Except(&token.access_token))?;
                *token = fresh;
                continue;
            }
            if !request.may_retry(reply.status) || retries >= policy.retries {
                return Ok(reply);
            }
            // Without Retry-After: 1 s, 2 s, 4 s, …
            let wait = api::retry_after(&reply, Utc::now())
                .unwrap_or_else(|| Duration::from_secs(1 << retries.min(6)));
            if waited.saturating_add(wait) > policy.max_wait {
                output::note(format_args!(
                    "{} asks to wait {}s more, past --max-wait {}s: giving up",
                    reply.status,
                    wait.as_secs(),
                    policy.max_wait.as_secs()
                ));
                return Ok(reply);
            }
            retries += 1;
            output::note(format_args!(
                "{}; waiting {}s before retry {retries} of {}",
                reply.status,
                wait.as_secs(),
                policy.retries
            ));
            std::thread::sleep(wait);
            waited = waited.saturating_add(wait);
        }
    }
}
