//! The tokens `serve` hands out. A token with time left is answered from memory, by whichever
//! runtime thread got the request; all else goes to one worker thread that owns the session:
//! requests that arrive while it refreshes wait for that one refresh, through the same profile
//! lock or fleet lease as any other amtoken. A failure is remembered for a growing pause
//! (1 s, doubling to a minute), during which requests get it at once instead of each asking
//! the authorization server again.

use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;

use crate::config::Settings;
use crate::error::{Error, Kind};
use crate::output;
use crate::session::{Freshness, Session, renewal_time};
use crate::store::CachedToken;

const FIRST_PAUSE: Duration = Duration::from_secs(1);
const LONGEST_PAUSE: Duration = Duration::from_secs(60);

/// What a request that could not get a token is told.
#[derive(Debug, Clone)]
pub struct Failure {
    pub kind: Kind,
    /// The one-line message, as amtoken would print it (with its hint).
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

    fn stopped() -> Self {
        Failure {
            kind: Kind::Internal,
            message: "serve is stopping".to_string(),
            retry_after: None,
        }
    }
}

type Reply = oneshot::Sender<Result<CachedToken, Failure>>;

#[derive(Default)]
struct Held {
    /// The token in hand, and when it is due for renewal.
    token: Option<(CachedToken, DateTime<Utc>)>,
    /// The last failure, the pause it imposes, and how many there were in a row.
    failure: Option<(Failure, Instant, u32)>,
}

/// The handle the request handlers share.
#[derive(Clone)]
pub struct Tokens {
    held: Arc<Mutex<Held>>,
    requests: mpsc::Sender<Reply>,
}

/// The other end: run by the worker thread.
pub struct Worker {
    held: Arc<Mutex<Held>>,
    requests: mpsc::Receiver<Reply>,
    min_ttl: Duration,
}

/// A token source and the worker that must run for it to answer.
pub fn source(min_ttl: Duration) -> (Tokens, Worker) {
    let held = Arc::new(Mutex::new(Held::default()));
    let (sender, receiver) = mpsc::channel();
    (
        Tokens {
            held: Arc::clone(&held),
            requests: sender,
        },
        Worker {
            held,
            requests: receiver,
            min_ttl,
        },
    )
}

impl Held {
    /// The token in hand until it is due for renewal — and never past its expiry, which comes
    /// first for a token that lives less than the shortest renewal interval.
    fn fresh(&self, now: DateTime<Utc>) -> Option<CachedToken> {
        let (token, due) = self.token.as_ref()?;
        (now < *due && now < token.expires_at).then(|| token.clone())
    }
}

fn lock(held: &Mutex<Held>) -> std::sync::MutexGuard<'_, Held> {
    held.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Tokens {
    /// A token with time left, renewed first when it is due.
    pub async fn get(&self) -> Result<CachedToken, Failure> {
        if let Some(token) = lock(&self.held).fresh(Utc::now()) {
            return Ok(token);
        }
        let (reply, answer) = oneshot::channel();
        self.requests.send(reply).map_err(|_| Failure::stopped())?;
        answer.await.unwrap_or_else(|_| Err(Failure::stopped()))
    }
}

impl Worker {
    /// Answers requests until every [`Tokens`] handle is gone.
    pub fn run(self, settings: &Settings) {
        let session = Session::open(settings);
        while let Ok(first) = self.requests.recv() {
            // Everyone who asked meanwhile gets the same answer: one refresh for all.
            let waiting: Vec<Reply> = std::iter::once(first)
                .chain(self.requests.try_iter())
                .collect();
            let answer = self.answer(&session);
            for reply in waiting {
                let _ = reply.send(answer.clone());
            }
        }
    }

    /// The token in hand while it is fresh; else a renewed one; else, when renewing fails, the
    /// one in hand while it has not expired (a 503 would help no one while it still works).
    fn answer(&self, session: &Session<'_>) -> Result<CachedToken, Failure> {
        let (previous, paused) = {
            let held = lock(&self.held);
            if let Some(token) = held.fresh(Utc::now()) {
                return Ok(token);
            }
            let paused = held.failure.as_ref().and_then(|(failure, until, _)| {
                let left = until.saturating_duration_since(Instant::now());
                (!left.is_zero()).then(|| Failure {
                    retry_after: Some(left),
                    ..failure.clone()
                })
            });
            let previous = held.token.as_ref().map(|(token, _)| token.clone());
            (previous, paused)
        };
        let renewed = match paused {
            Some(failure) => Err(failure),
            None => self.renew(session, previous.as_ref()),
        };
        renewed.or_else(|failure| match previous {
            Some(token) if token.expires_at > Utc::now() => Ok(token),
            _ => Err(failure),
        })
    }

    fn renew(
        &self,
        session: &Session<'_>,
        previous: Option<&CachedToken>,
    ) -> Result<CachedToken, Failure> {
        let freshness = match previous {
            // One another process renewed meanwhile will do.
            Some(previous) => Freshness::Except(&previous.access_token),
            None => Freshness::AtLeast(self.min_ttl),
        };
        let result = session.valid_token(freshness);
        let mut held = lock(&self.held);
        match result {
            Ok((token, _)) => {
                let due = renewal_time(token.expires_at, Utc::now(), self.min_ttl);
                held.token = Some((token.clone(), due));
                held.failure = None;
                Ok(token)
            }
            Err(error) => {
                let failures = held.failure.as_ref().map_or(0, |(_, _, count)| *count);
                let pause = FIRST_PAUSE
                    .saturating_mul(2u32.saturating_pow(failures))
                    .min(LONGEST_PAUSE);
                let failure = Failure::from_error(&error, pause);
                output::note(format!(
                    "serve: {}; asking again in {}s at the earliest",
                    failure.message,
                    pause.as_secs()
                ));
                held.failure = Some((
                    failure.clone(),
                    Instant::now() + pause,
                    failures.saturating_add(1),
                ));
                Err(failure)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn held(expires_in: i64, due_in: i64, now: DateTime<Utc>) -> Held {
        let token = CachedToken {
            access_token: Secret::new("a.b.c"),
            token_type: "Bearer".into(),
            expires_at: now + chrono::Duration::seconds(expires_in),
            scope: String::new(),
            issuer: "https://issuer.example".into(),
            client_id: "client".into(),
        };
        Held {
            token: Some((token, now + chrono::Duration::seconds(due_in))),
            failure: None,
        }
    }

    #[test]
    fn a_token_is_handed_out_until_it_is_due() {
        let now = Utc::now();
        assert!(held(60, 30, now).fresh(now).is_some());
        assert!(
            held(60, 30, now)
                .fresh(now + chrono::Duration::seconds(30))
                .is_none()
        );
    }

    #[test]
    fn a_token_is_never_handed_out_past_its_expiry_even_before_it_is_due() {
        // A token living less than the shortest renewal interval expires before it is due.
        let now = Utc::now();
        assert!(held(1, 2, now).fresh(now).is_some());
        assert!(
            held(1, 2, now)
                .fresh(now + chrono::Duration::seconds(1))
                .is_none()
        );
    }
}
