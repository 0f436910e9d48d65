//! The token keeper of the long-running commands (as Vault agent has one auth handler feeding
//! its sinks): it holds a session's access token, renews it when due — `--min-ttl` before its
//! expiry, or halfway through a short life ([`renewal_time`]) — and hands each new one to every
//! sink: `exec`'s token file, `serve`'s in-memory token. Renewal timing, the failure pause
//! (1 s doubling to a minute, spread; never past the expiry of the token in hand) and the one
//! failure line live here once, never in a sink.
//!
//! Time: the wall clock decides whether a token is alive and when it is due; waits are taken in
//! slices of at most [`SLICE`] and checked against the wall clock after each, so a suspend or a
//! clock jump is noticed within a slice, not after a whole monotonic sleep.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::backoff::Backoff;
use crate::error::{Error, Kind, Result};
use crate::output;
use crate::session::{Freshness, Provenance, SHORTEST_INTERVAL, Session, renewal_time};
use crate::text::rfc3339;
use crate::token::AccessToken;

/// The first pause after a failure; each next one is twice as long, up to the longest.
const FIRST_PAUSE: Duration = Duration::from_secs(1);
const LONGEST_PAUSE: Duration = Duration::from_secs(60);
/// The longest single sleep: the wall clock is looked at again after each.
pub const SLICE: Duration = Duration::from_secs(1);

/// Where a kept token goes each time it is renewed.
pub trait Sink {
    /// Hands on `token`, due for renewal at `due`. A failure counts as a failed renewal.
    fn publish(&self, token: &AccessToken, due: DateTime<Utc>) -> Result<()>;
}

/// What one renewal attempt came to, for a keeper's owner to count (`serve`'s metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renewal {
    /// This process ran the refresh grant.
    Refreshed,
    /// Another process had renewed it: taken as it was.
    Taken,
    /// It failed, of this kind.
    Failed(Kind),
}

/// Why there is no token to hand out, as a request or a log line says it.
#[derive(Debug, Clone)]
pub struct Failure {
    pub kind: Kind,
    /// The one-line message, with its hint: `message (hint)`.
    pub message: String,
    /// When asking again may help.
    pub retry_after: Option<Duration>,
}

impl Failure {
    fn from_error(error: &Error, retry_after: Duration) -> Self {
        let message = match error.hint_text() {
            Some(hint) => format!("{} ({hint})", error.message()),
            None => error.message(),
        };
        Failure {
            kind: error.kind(),
            message,
            retry_after: Some(retry_after),
        }
    }

    /// The keeper has stopped.
    pub fn stopped(label: &str) -> Self {
        Failure {
            kind: Kind::Internal,
            message: format!("{label} is stopping"),
            retry_after: None,
        }
    }
}

/// A failure and the pause it imposes.
struct Paused {
    failure: Failure,
    /// The pause ends when either clock says so: the monotonic one (a wall clock set back must
    /// not stretch it) or the wall clock (a suspend must not either).
    until: Instant,
    until_wall: DateTime<Utc>,
}

/// Keeps one session's access token fresh for a long-running command.
pub struct Keeper<'a> {
    session: Session<'a>,
    min_ttl: Duration,
    /// Who keeps it, for messages: `exec`, `serve`.
    label: &'static str,
    /// Who holds the token, for messages: `COMMAND's token`, `the token served`.
    holder: &'static str,
    verbose: bool,
    held: Option<(AccessToken, DateTime<Utc>)>,
    paused: Option<Paused>,
    backoff: Backoff,
    /// The last failure line said, so that the same one is not said again past the expiry.
    last_said: Option<String>,
    /// What the last renewal attempt came to, until taken.
    last_renewal: Option<Renewal>,
    sinks: Vec<Box<dyn Sink + 'a>>,
}

impl<'a> Keeper<'a> {
    /// A keeper of `session`'s token, renewing `min_ttl` before expiry.
    pub fn new(
        session: Session<'a>,
        min_ttl: Duration,
        (label, holder): (&'static str, &'static str),
        verbose: bool,
    ) -> Self {
        Keeper {
            session,
            min_ttl,
            label,
            holder,
            verbose,
            held: None,
            paused: None,
            backoff: Backoff::new(FIRST_PAUSE, LONGEST_PAUSE),
            last_said: None,
            last_renewal: None,
            sinks: Vec::new(),
        }
    }

    /// Adds a sink; it gets every token from the next renewal on.
    pub fn add_sink(&mut self, sink: Box<dyn Sink + 'a>) {
        self.sinks.push(sink);
    }

    /// When the keeper next wants to act: the token's renewal time, the end of a failure pause,
    /// or now when it holds nothing.
    pub fn next_due(&self) -> DateTime<Utc> {
        let due = self.held.as_ref().map(|(_, due)| *due);
        match (&self.paused, due) {
            (Some(paused), Some(due)) => due.max(paused.until_wall),
            (Some(paused), None) => paused.until_wall,
            (None, Some(due)) => due,
            (None, None) => Utc::now(),
        }
    }

    /// The token in hand until it is due (never past its expiry); else a renewed one; while a
    /// failure pause lasts, or when renewing fails, the one in hand as long as it is unexpired
    /// (a refusal would help no one while it still works); else the failure.
    pub fn token(&mut self) -> Result<AccessToken, Failure> {
        let now = Utc::now();
        if let Some((token, due)) = &self.held
            && now < *due
            && alive(token, now)
        {
            return Ok(token.clone());
        }
        let outcome = match self.pause_left() {
            Some(failure) => Err(failure),
            None => self.renew(),
        };
        outcome.or_else(|failure| match &self.held {
            Some((token, _)) if alive(token, Utc::now()) => Ok(token.clone()),
            _ => Err(failure),
        })
    }

    /// The failure of a pause still running, with the time left on it.
    fn pause_left(&self) -> Option<Failure> {
        let paused = self.paused.as_ref()?;
        let left = paused.until.saturating_duration_since(Instant::now());
        (!left.is_zero() && Utc::now() < paused.until_wall).then(|| Failure {
            retry_after: Some(left),
            ..paused.failure.clone()
        })
    }

    /// One renewal through the session: a token some other process renewed meanwhile will do
    /// (one refresh per expiry), then every sink.
    fn renew(&mut self) -> Result<AccessToken, Failure> {
        let started = Utc::now();
        let attempt = {
            let freshness = match &self.held {
                Some((token, _)) => Freshness::Except(&token.access_token),
                None => Freshness::AtLeast(self.min_ttl),
            };
            self.session.token(freshness)
        }
        .and_then(|(token, provenance)| {
            self.last_renewal = Some(match provenance {
                Provenance::Refreshed => Renewal::Refreshed,
                Provenance::Cached => Renewal::Taken,
            });
            // A token with under a second of life — counted from when this renewal began, so
            // that a whole-second `exp` does not shorten it — would be renewed again at once,
            // request after request: it is a failure that starts the pause, never an answer.
            if !alive(&token, started) {
                return Err(Error::msg(
                    Kind::ServerRefused,
                    format!(
                        "the access token renewed expires at {}, in less than a second",
                        rfc3339(token.expires_at)
                    ),
                )
                .hint("the server issues tokens too short-lived to keep; check its access-token lifetime"));
            }
            let due = renewal_time(token.expires_at, Utc::now(), self.min_ttl);
            for sink in &self.sinks {
                sink.publish(&token, due)?;
            }
            Ok(token)
        });
        match attempt {
            Ok(token) => {
                if self.paused.is_some() || self.verbose {
                    output::note(format!(
                        "{}: renewed the access token, valid until {}",
                        self.label,
                        rfc3339(token.expires_at)
                    ));
                }
                self.paused = None;
                self.last_said = None;
                self.backoff.reset();
                self.hold(token.clone());
                Ok(token)
            }
            Err(error) => {
                self.last_renewal = Some(Renewal::Failed(error.kind()));
                Err(self.pause(&error))
            }
        }
    }

    /// What the last renewal attempt came to, once: `None` when none was made since.
    pub fn take_renewal(&mut self) -> Option<Renewal> {
        self.last_renewal.take()
    }

    /// Takes `token` in hand (the first one, got as `amtoken token` gets one, so that its
    /// error is the command's own), due for renewal from now.
    pub fn hold(&mut self, token: AccessToken) {
        let due = renewal_time(token.expires_at, Utc::now(), self.min_ttl);
        self.held = Some((token, due));
    }

    /// Starts the pause after a failed renewal, and says so: once a change, and before the
    /// token in hand expires, every time.
    fn pause(&mut self, error: &Error) -> Failure {
        let now = Utc::now();
        let expires_at = self.held.as_ref().map(|(token, _)| token.expires_at);
        let wait = pause_before(self.backoff.next_wait(), now, expires_at);
        let failure = Failure::from_error(error, wait);
        let line = failure_line(self.label, self.holder, &failure.message, expires_at, now);
        let expired = expires_at.is_none_or(|at| at <= now);
        if !expired || self.last_said.as_deref() != Some(line.as_str()) {
            output::note(format!("{line}; retrying {}", human(wait)));
        }
        self.last_said = Some(line);
        self.paused = Some(Paused {
            failure: failure.clone(),
            until: Instant::now() + wait,
            until_wall: now + chrono::TimeDelta::from_std(wait).unwrap_or_default(),
        });
        failure
    }
}

/// Whether `token` may still be handed out at `now`: at least the shortest interval left.
pub fn alive(token: &AccessToken, now: DateTime<Utc>) -> bool {
    token.expires_at - now >= chrono::TimeDelta::from_std(SHORTEST_INTERVAL).unwrap_or_default()
}

/// The pause after a failure: `wait`, but never past the expiry of the token in hand, so
/// that the last try comes just before it runs out — and never under the shortest interval.
fn pause_before(wait: Duration, now: DateTime<Utc>, expires_at: Option<DateTime<Utc>>) -> Duration {
    let capped = match expires_at.map(|at| (at - now).to_std()) {
        Some(Ok(left)) if !left.is_zero() => wait.min(left),
        _ => wait,
    };
    capped.max(SHORTEST_INTERVAL)
}

/// `exec: failed to refresh …; COMMAND's token expires in 4m 10s`: the failure (and its hint),
/// then what it means for whoever holds the token.
fn failure_line(
    label: &str,
    holder: &str,
    message: &str,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> String {
    let when = match expires_at {
        Some(at) if at > now => {
            // Rounded up: "in 0s" would read as expired.
            let left = (at - now).num_milliseconds().saturating_add(999) / 1000;
            format!("expires {}", output::relative(left))
        }
        Some(at) => format!("expired at {}", rfc3339(at)),
        None => "is not there yet".to_string(),
    };
    format!("{label}: {message}; {holder} {when}")
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

/// The wall clock, as a value a test can replace.
pub trait Clock {
    fn now(&self) -> DateTime<Utc>;
}

/// The system's wall clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Waits until the wall clock reaches `at`, in slices of at most [`SLICE`]: `wait(d)` sleeps
/// at most `d` and answers `false` when the wait must end (COMMAND ended, serve stops). A
/// suspend or a forward clock jump ends the wait within one slice. Answers whether `at` was
/// reached.
pub fn wait_until(
    at: DateTime<Utc>,
    clock: &impl Clock,
    mut wait: impl FnMut(Duration) -> bool,
) -> bool {
    loop {
        let left = (at - clock.now()).to_std().unwrap_or_default();
        if left.is_zero() {
            return true;
        }
        if !wait(left.min(SLICE)) {
            return false;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn a_pause_never_runs_past_the_expiry_nor_under_a_second() {
        let expiry = Some(at(1000));
        let minute = Duration::from_secs(60);
        assert_eq!(pause_before(minute, at(0), expiry), minute);
        // 10 s before the expiry a 60 s wait becomes 10 s.
        assert_eq!(
            pause_before(minute, at(990), expiry),
            Duration::from_secs(10)
        );
        // Past it, the retries go on at their own pace, never faster than a second.
        assert_eq!(pause_before(minute, at(1010), expiry), minute);
        assert_eq!(
            pause_before(Duration::from_millis(10), at(1010), expiry),
            SHORTEST_INTERVAL
        );
        assert_eq!(pause_before(minute, at(0), None), minute);
    }

    #[test]
    fn the_failure_line_says_what_failed_and_what_it_means_for_the_holder() {
        let message = "failed to refresh the access token: the server is down (try again later)";
        assert_eq!(
            failure_line("exec", "COMMAND's token", message, Some(at(250)), at(0)),
            "exec: failed to refresh the access token: the server is down (try again later); \
             COMMAND's token expires in 4m 10s"
        );
        assert_eq!(
            failure_line("exec", "COMMAND's token", message, Some(at(0)), at(10)),
            "exec: failed to refresh the access token: the server is down (try again later); \
             COMMAND's token expired at 2027-01-15T08:00:00Z"
        );
        assert_eq!(
            failure_line("serve", "the token served", "down", None, at(0)),
            "serve: down; the token served is not there yet"
        );
    }

    /// A wall clock that the test moves.
    struct FakeClock(Cell<DateTime<Utc>>);

    impl Clock for FakeClock {
        fn now(&self) -> DateTime<Utc> {
            self.0.get()
        }
    }

    #[test]
    fn a_wait_notices_a_forward_clock_jump_within_one_slice() {
        // Due in an hour; after the first slice the machine resumes from a two-hour suspend.
        let clock = FakeClock(Cell::new(at(0)));
        let mut slices = Vec::new();
        let reached = wait_until(at(3600), &clock, |slice| {
            slices.push(slice);
            clock.0.set(clock.0.get() + chrono::TimeDelta::hours(2));
            true
        });
        assert!(reached);
        assert_eq!(slices, [SLICE], "one slice, then the jump is seen");
    }

    #[test]
    fn a_wait_goes_slice_by_slice_and_ends_when_told() {
        let clock = FakeClock(Cell::new(at(0)));
        let mut slices = 0;
        let reached = wait_until(at(3), &clock, |slice| {
            slices += 1;
            clock
                .0
                .set(clock.0.get() + chrono::TimeDelta::from_std(slice).unwrap());
            true
        });
        assert!(reached);
        assert_eq!(slices, 3);
        let ended = wait_until(at(100), &clock, |_| false);
        assert!(!ended);
    }
}
