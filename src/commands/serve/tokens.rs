//! The tokens `serve` hands out. A token with time left is answered from memory — the keeper's
//! sink — by whichever runtime thread got the request; all else goes to one worker thread that
//! owns the keeper (and so the session): it renews when the token is due, request or not, and
//! requests that arrive while it refreshes wait for that one refresh, through the same profile
//! lock or fleet lease as any other amtoken. During the keeper's failure pause requests get the
//! failure at once instead of each asking the authorization server again.

use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;

use super::metrics::Metrics;
use crate::config::Settings;
use crate::keeper::{Failure, Keeper, Sink, SystemClock, alive, wait_until};
use crate::session::Session;
use crate::token::AccessToken;

type Reply = oneshot::Sender<Result<AccessToken, Failure>>;

/// The token in hand and when it is due for renewal — the keeper's in-memory sink, read by
/// every request — and why there is none, when renewing failed.
#[derive(Default)]
struct Held {
    token: Option<(AccessToken, DateTime<Utc>)>,
    failure: Option<Failure>,
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
    metrics: Arc<Metrics>,
}

/// A token source and the worker that must run for it to answer.
pub fn source(min_ttl: Duration, metrics: Arc<Metrics>) -> (Tokens, Worker) {
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
            metrics,
        },
    )
}

impl Held {
    /// The token in hand until it is due for renewal — and never with less than the shortest
    /// interval left, which comes first for a token that lives less than that.
    fn fresh(&self, now: DateTime<Utc>) -> Option<AccessToken> {
        let (token, due) = self.token.as_ref()?;
        (now < *due && alive(token, now)).then(|| token.clone())
    }
}

fn lock(held: &Mutex<Held>) -> std::sync::MutexGuard<'_, Held> {
    held.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The keeper's sink: the token every request reads.
struct Memory(Arc<Mutex<Held>>);

impl Sink for Memory {
    fn publish(&self, token: &AccessToken, due: DateTime<Utc>) -> crate::error::Result<()> {
        lock(&self.0).token = Some((token.clone(), due));
        Ok(())
    }
}

impl Tokens {
    /// Whether a token can be handed out now without asking anyone (`/readyz`); else why not.
    pub fn ready(&self) -> Result<(), Failure> {
        let held = lock(&self.held);
        if held.fresh(Utc::now()).is_some() {
            return Ok(());
        }
        Err(held.failure.clone().unwrap_or_else(|| Failure {
            kind: crate::error::Kind::Network,
            message: "no token yet: the first renewal has not finished".into(),
            retry_after: Some(Duration::from_secs(1)),
        }))
    }

    /// A token with time left, renewed first when it is due.
    pub async fn get(&self) -> Result<AccessToken, Failure> {
        if let Some(token) = lock(&self.held).fresh(Utc::now()) {
            return Ok(token);
        }
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(reply)
            .map_err(|_| Failure::stopped("serve"))?;
        answer
            .await
            .unwrap_or_else(|_| Err(Failure::stopped("serve")))
    }
}

impl Worker {
    /// Counts what the keeper did, and keeps its failure for `/readyz`.
    fn account(&self, keeper: &mut Keeper<'_>, answer: &Result<AccessToken, Failure>) {
        let now = Utc::now();
        if let Some(renewal) = keeper.take_renewal() {
            self.metrics.renewal(&renewal, now);
        }
        self.metrics.vault_logins(crate::store::vault_logins());
        let mut held = lock(&self.held);
        match answer {
            Ok(token) => {
                self.metrics.token_expires(token.expires_at);
                held.failure = None;
            }
            Err(failure) => held.failure = Some(failure.clone()),
        }
    }

    /// Keeps the token fresh — renewing when it is due, without waiting for a request — and
    /// answers requests until every [`Tokens`] handle is gone.
    pub fn run(self, settings: &Settings) {
        let mut keeper = Keeper::new(
            Session::open(settings),
            self.min_ttl,
            ("serve", "the token served"),
            settings.verbose,
        );
        keeper.add_sink(Box::new(Memory(Arc::clone(&self.held))));
        loop {
            let mut waiting = Vec::new();
            let reached = wait_until(keeper.next_due(), &SystemClock, |slice| {
                match self.requests.recv_timeout(slice) {
                    Ok(reply) => {
                        waiting.push(reply);
                        false
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => true,
                    Err(mpsc::RecvTimeoutError::Disconnected) => false,
                }
            });
            if !reached && waiting.is_empty() {
                // Every handle is gone: serve is stopping.
                return;
            }
            // Everyone who asked meanwhile gets the same answer: one refresh for all.
            waiting.extend(self.requests.try_iter());
            let answer = keeper.token();
            self.account(&mut keeper, &answer);
            for reply in waiting {
                let _ = reply.send(answer.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn held(expires_in: i64, due_in: i64, now: DateTime<Utc>) -> Held {
        let token = AccessToken {
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
        assert!(held(2, 3, now).fresh(now).is_some());
        assert!(
            held(2, 3, now)
                .fresh(now + chrono::Duration::seconds(1) + chrono::Duration::milliseconds(1))
                .is_none()
        );
    }
}
