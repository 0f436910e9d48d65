//! While COMMAND runs: renew the access token before it expires and publish each new one in the
//! token file. Renewal goes through the session like any `amtoken token` (the profile lock or
//! the fleet lease, the same store, the same errors); a failure is one line on stderr and a
//! retry with backoff. COMMAND is never stopped for it: a token that expires is its own 401.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::token_file::TokenFile;
use crate::error::Error;
use crate::output;
use crate::session::{Freshness, Session, renewal_time};
use crate::store::CachedToken;
use crate::text::rfc3339;

/// The first retry after a failure; each next one waits twice as long, up to the longest.
const FIRST_RETRY: Duration = Duration::from_secs(1);
const LONGEST_RETRY: Duration = Duration::from_secs(60);

/// Renews `current` until `ended` says COMMAND has ended.
pub fn keep_fresh(
    session: &Session<'_>,
    min_ttl: Duration,
    mut current: CachedToken,
    file: &TokenFile,
    ended: &Receiver<()>,
    verbose: bool,
) {
    let mut received = Utc::now();
    loop {
        let due = renewal_time(current.expires_at, received, min_ttl);
        if !sleep_until(due, ended) {
            return;
        }
        match renew(session, &current, file, ended, verbose) {
            Some(token) => {
                current = token;
                received = Utc::now();
            }
            None => return,
        }
    }
}

/// One renewal, retried until it succeeds (`Some`) or COMMAND ends (`None`).
fn renew(
    session: &Session<'_>,
    current: &CachedToken,
    file: &TokenFile,
    ended: &Receiver<()>,
    verbose: bool,
) -> Option<CachedToken> {
    let mut failures = 0u32;
    let mut last_said: Option<String> = None;
    loop {
        let attempt = session
            // A token some other process renewed meanwhile will do: one refresh per expiry.
            .valid_token(Freshness::Except(&current.access_token))
            .and_then(|(token, _)| {
                file.publish(&token.access_token)?;
                Ok(token)
            });
        let now = Utc::now();
        match attempt {
            Ok(token) => {
                if failures > 0 || verbose {
                    output::note(format!(
                        "exec: renewed the access token in AMTOKEN_TOKEN_FILE, valid until {}",
                        rfc3339(token.expires_at)
                    ));
                }
                return Some(token);
            }
            Err(error) => {
                let wait = retry_delay(failures, now, current.expires_at);
                let line = failure_line(&error, current.expires_at, now);
                // Past the expiry the retries go on, quietly while nothing changes.
                if now < current.expires_at || last_said.as_deref() != Some(line.as_str()) {
                    output::note(format!("{line}; retrying {}", human(wait)));
                }
                last_said = Some(line);
                failures = failures.saturating_add(1);
                if !sleep_for(wait, ended) {
                    return None;
                }
            }
        }
    }
}

/// `exec: failed to refresh …; COMMAND's token expires in 4m 10s`: the documented message of
/// the failure (and its hint), then what it means for COMMAND.
fn failure_line(error: &Error, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let when = if expires_at > now {
        // Rounded up: "in 0s" would read as expired.
        let left = (expires_at - now).num_milliseconds().saturating_add(999) / 1000;
        format!("expires {}", output::relative(left))
    } else {
        format!("expired at {}", rfc3339(expires_at))
    };
    let hint = error
        .hint_text()
        .map(|hint| format!(" ({hint})"))
        .unwrap_or_default();
    format!("exec: {}{hint}; COMMAND's token {when}", error.message())
}

/// The wait after `failures` failed attempts: doubling from [`FIRST_RETRY`] up to
/// [`LONGEST_RETRY`], and before the expiry never past it, so that the last try comes just
/// before COMMAND's token runs out.
fn retry_delay(failures: u32, now: DateTime<Utc>, expires_at: DateTime<Utc>) -> Duration {
    let doubled = FIRST_RETRY
        .saturating_mul(2u32.saturating_pow(failures))
        .min(LONGEST_RETRY);
    match (expires_at - now).to_std() {
        Ok(left) if !left.is_zero() => doubled.min(left),
        _ => doubled,
    }
}

/// Waits until `at`; `false` when COMMAND ended first.
fn sleep_until(at: DateTime<Utc>, ended: &Receiver<()>) -> bool {
    sleep_for((at - Utc::now()).to_std().unwrap_or_default(), ended)
}

/// Waits `wait`; `false` when COMMAND ended first.
fn sleep_for(wait: Duration, ended: &Receiver<()>) -> bool {
    matches!(ended.recv_timeout(wait), Err(RecvTimeoutError::Timeout))
}

/// `in 4s`, `in 1m 30s`, `in 250ms`.
fn human(wait: Duration) -> String {
    let millis = wait.as_millis();
    if millis < 1000 {
        format!("in {millis}ms")
    } else {
        output::relative(i64::try_from(wait.as_secs()).unwrap_or(i64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn retries_double_up_to_a_minute_and_never_wait_past_the_expiry() {
        let expiry = at(1000);
        let delays: Vec<u64> = (0..9)
            .map(|failures| retry_delay(failures, at(0), expiry).as_secs())
            .collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        // 10 s before the expiry a 60 s wait becomes 10 s.
        assert_eq!(retry_delay(8, at(990), expiry), Duration::from_secs(10));
        // Past it, the retries go on at their own pace.
        assert_eq!(retry_delay(8, at(1010), expiry), Duration::from_secs(60));
        assert_eq!(retry_delay(0, at(1010), expiry), Duration::from_secs(1));
    }

    #[test]
    fn the_failure_line_says_what_failed_and_what_it_means_for_command() {
        let error = Error::msg(crate::error::Kind::Network, "the server is down")
            .context("failed to refresh the access token")
            .hint("try again later");
        assert_eq!(
            failure_line(&error, at(250), at(0)),
            "exec: failed to refresh the access token: the server is down (try again later); \
             COMMAND's token expires in 4m 10s"
        );
        assert_eq!(
            failure_line(&error, at(0), at(10)),
            "exec: failed to refresh the access token: the server is down (try again later); \
             COMMAND's token expired at 2027-01-15T08:00:00Z"
        );
    }
}
