//! The fleet lease (docs/DESIGN.md, "Fleet lease"): many machines share one rotating refresh token
//! in one Vault secret, and exactly one of them spends it per expiry.
//!
//! 1. Read the secret and its version; a shared access token that will do is used as is.
//! 2. A live lease of another holder: poll with jittered backoff until a new version appears or
//!    the lease runs out.
//! 3. Otherwise take the lease (a random holder id, until now + 2 × `--timeout` + 10 s: the
//!    lease write, the refresh request, the clock skew and slack) with a check-and-set write; a
//!    lost race is normal and retried.
//! 4. The holder spends the refresh token only while a whole request deadline plus the clock
//!    skew is left on its lease, counted after the lease write returned (else it takes the
//!    lease anew); it writes the rotated one, the new access token and an empty lease with a
//!    check-and-set on its own lease version. A newer token in this machine's rescue file is
//!    adopted here, under the lease.
//! 5. If that write loses, re-read: when the secret still holds the token this process spent,
//!    its successor is the live one — write it on the version now read; otherwise keep it in
//!    the rescue file and say so.
//! 6. Publish for readers: the new access token alone at `--vault-access-path`, with the
//!    shared secret's version it was written at; a check-and-set that never replaces a token
//!    of a newer version (two refreshers may publish out of order), best effort (the refresh
//!    is stored already; a failure is said, naming the path).
//!
//! Readers (`--fleet-role reader`) read only that path: a published token that will do is
//! used; else they poll with backoff, up to `--lock-timeout`, for a refresher to publish one.
//! A published token that claims to live longer than [`super::LONGEST_LIFETIME`] is refused.
//!
//! Nothing at the shared path: the seed (`AMTOKEN_REFRESH_TOKEN`) is written there when there
//! is one, else not logged in. The secret is read once per local-cache miss.

use std::time::{Duration, Instant};

use chrono::Utc;

use super::{Freshness, Identity, Provenance, Session};
use crate::backoff::Backoff;
use crate::error::{Context as _, Error, Kind, Result};
use crate::output;
use crate::store::{Published, SharedState, SharedStore, StoreError, Version};
use crate::token::AccessToken;

/// How far the clocks of two machines may differ: a machine whose clock is ahead of the
/// holder's by less than this never takes a lease while the holder may still be spending.
const CLOCK_SKEW: Duration = Duration::from_secs(5);
/// The holder's own time between reading its lease and sending the refresh.
const LEASE_SLACK: Duration = Duration::from_secs(5);
/// How much longer than `--timeout` a request may take (the transport reads an answer that
/// is waiting after its deadline, and the process takes its time around the request).
const REQUEST_OVERRUN: Duration = Duration::from_secs(1);
/// The longest pause between two reads while another machine refreshes.
const MAX_POLL: Duration = Duration::from_secs(1);

impl Session<'_> {
    /// A valid token from the shared secret, refreshing under the fleet lease when needed.
    /// Runs under the local profile lock, which keeps this machine's processes apart.
    pub(super) fn fleet_token(
        &self,
        shared: &dyn SharedStore,
        freshness: Freshness<'_>,
    ) -> Result<(AccessToken, Provenance)> {
        let lease_length = self.lease_length();
        let deadline = Instant::now() + self.settings.lock_timeout + lease_length;
        let holder = lease_holder_id()?;
        let mut poll = Backoff::new(Duration::from_millis(50), MAX_POLL);
        let mut seeded = false;
        let location = self.store.location();
        let out_of_time = |message: String| {
            Error::msg(Kind::LockTimeout, message).hint("try again later, or raise --lock-timeout")
        };
        loop {
            let Some((state, version)) = shared
                .read_shared()
                .context("failed to read the shared secret")?
            else {
                if self.seed.is_none() || seeded {
                    return Err(Error::msg(
                        Kind::NotLoggedIn,
                        format!("not logged in: nothing is stored at {location}"),
                    )
                    .hint(super::LOG_IN));
                }
                // Seeds the shared secret, then reads it again like any other.
                self.seed_store()?;
                seeded = true;
                continue;
            };
            if let Some(mismatch) = self.mismatch(&state.record.issuer, &state.record.client_id) {
                return Err(Error::msg(
                    Kind::InvalidInput,
                    format!("the shared refresh token was {mismatch}"),
                ));
            }
            let now = Utc::now();
            if let Some(access) = state.access()
                && freshness.allows(&access, now)
            {
                self.cache_locally(&access);
                return Ok((access, Provenance::Cached));
            }
            let leased_by_other = match (&state.lease_holder, state.lease_until) {
                (Some(other), Some(until)) => *other != holder && until > now,
                _ => false,
            };
            if leased_by_other {
                if Instant::now() >= deadline {
                    return Err(out_of_time(format!(
                        "another machine ({}) has held the refresh lease of {location} for too long",
                        state.lease_holder.as_deref().unwrap_or("?"),
                    )));
                }
                poll.sleep();
                continue;
            }
            let mut leased = state.clone();
            leased.lease_holder = Some(holder.clone());
            let until =
                now + chrono::Duration::from_std(lease_length).unwrap_or(chrono::Duration::MAX);
            leased.lease_until = Some(until);
            let writing = Instant::now();
            match shared.write_shared(&leased, Some(&version)) {
                Ok(lease_version) => {
                    // Counted from after the write returned, by both clocks: the wall clock
                    // that the others judge the lease by, and the monotonic one (a clock that
                    // jumps back must not stretch it).
                    let left = (until - Utc::now())
                        .to_std()
                        .unwrap_or_default()
                        .min(lease_length.saturating_sub(writing.elapsed()));
                    if left < self.spend_allowance() {
                        // Too little left to spend safely (a slow write, a pause): take it anew.
                        if Instant::now() >= deadline {
                            return Err(out_of_time(format!(
                                "the refresh lease of {location} kept running short before this process could spend the token (is Vault slow?)"
                            )));
                        }
                        continue;
                    }
                    return self.refresh_as_lease_holder(shared, leased, lease_version);
                }
                // Another machine wrote first: read again.
                Err(StoreError::Conflict { .. }) => {
                    if Instant::now() >= deadline {
                        return Err(out_of_time(format!(
                            "other machines kept winning the refresh lease of {location}"
                        )));
                    }
                    std::thread::sleep(crate::backoff::spread(Duration::from_millis(20)));
                }
                Err(error) => {
                    return Err(Error::from(error).context("failed to take the refresh lease"));
                }
            }
        }
    }

    /// A reader's token (`--fleet-role reader`): the one published at the access path, once it
    /// will do; never the refresh token. Waits, up to `--lock-timeout`, for a refresher to
    /// publish a fresh one.
    pub(super) fn reader_token(
        &self,
        shared: &dyn SharedStore,
        freshness: Freshness<'_>,
    ) -> Result<(AccessToken, Provenance)> {
        let deadline = Instant::now() + self.settings.lock_timeout;
        let mut poll = Backoff::new(Duration::from_millis(50), MAX_POLL);
        loop {
            let published = shared
                .read_published()
                .context("failed to read the published access token")?
                .map(|(published, _)| published.token);
            if let Some(token) = &published {
                if let Some(mismatch) = self.mismatch(&token.issuer, &token.client_id) {
                    return Err(Error::msg(
                        Kind::InvalidInput,
                        format!("the published access token was {mismatch}"),
                    ));
                }
                let now = Utc::now();
                if token.expires_at > now + super::longest_lifetime() {
                    return Err(Error::msg(
                        Kind::ServerRefused,
                        format!(
                            "the access token published at {} claims to be valid until {}, longer than any access token lives ({}): it is not used",
                            shared.published_location(),
                            output::rfc3339(token.expires_at),
                            humantime::format_duration(super::LONGEST_LIFETIME)
                        ),
                    )
                    .hint("a refresher publishes a new one at its next refresh: run `amtoken refresh --force` with --fleet-role refresher"));
                }
                if freshness.allows(token, now) {
                    self.cache_locally(token);
                    return Ok((token.clone(), Provenance::Cached));
                }
            }
            if Instant::now() >= deadline {
                let what = match published {
                    Some(_) => "no fresh access token",
                    None => "no access token",
                };
                return Err(Error::msg(
                    Kind::LockTimeout,
                    format!(
                        "{what} was published for readers at {} within {}s",
                        shared.published_location(),
                        self.settings.lock_timeout.as_secs()
                    ),
                )
                .hint(
                    "a runner with --fleet-role refresher (and write access to --vault-access-path) must run before the token expires; or raise --lock-timeout",
                ));
            }
            poll.sleep();
        }
    }

    /// Step 6: publishes `token`, written into the shared secret at `version`, for readers —
    /// unless a token of a newer version is there already. Best effort: said, never fatal.
    pub(super) fn publish_for_readers(
        &self,
        shared: &dyn SharedStore,
        token: &AccessToken,
        version: &Version,
    ) {
        if self.settings.vault.access_path.is_none() {
            return;
        }
        let source_version = version.number().unwrap_or_default();
        let published = Published {
            token: token.clone(),
            source_version,
        };
        let mut outcome = Ok(());
        for _ in 0..5 {
            outcome = shared.read_published().and_then(|current| match current {
                Some((current, _)) if current.source_version >= source_version => Ok(()),
                current => shared
                    .write_published(&published, current.as_ref().map(|(_, version)| version))
                    .map(|_| ()),
            });
            if !matches!(outcome, Err(StoreError::Conflict { .. })) {
                break;
            }
        }
        if let Err(error) = outcome {
            output::warn(format_args!(
                "the access token was not published for readers at {}: {error}",
                shared.published_location()
            ));
        }
    }

    /// How long a lease lasts: its own write, the refresh request, the clock skew, the slack.
    /// A holder that died is taken over after it.
    fn lease_length(&self) -> Duration {
        self.settings.timeout * 2 + CLOCK_SKEW + LEASE_SLACK
    }

    /// What must be left on the lease to spend the refresh token: one whole request deadline,
    /// and the clock skew another machine may have.
    fn spend_allowance(&self) -> Duration {
        self.settings.timeout + REQUEST_OVERRUN + CLOCK_SKEW
    }

    /// Steps 4 and 5: adopt a newer rescued token, spend the refresh token, then write what
    /// came back; conflicts are re-read for at most a lease's length.
    fn refresh_as_lease_holder(
        &self,
        shared: &dyn SharedStore,
        leased: SharedState,
        lease_version: Version,
    ) -> Result<(AccessToken, Provenance)> {
        let (leased, lease_version) = self.adopt_rescued(shared, leased, lease_version)?;
        let spent = leased.record.clone();
        let reply = match self.request_refresh(&spent) {
            Ok(reply) => reply,
            Err(error) => {
                // Let the others try at once rather than after the lease.
                let mut released = leased;
                released.lease_holder = None;
                released.lease_until = None;
                let _ = shared.write_shared(&released, Some(&lease_version));
                if error.kind() == Kind::ReauthorizationNeeded {
                    // A machine paused past its lease may have spent this token and be about
                    // to write its successor (step 5): wait for that before giving up.
                    if let Some(found) = self.await_successor(shared, &spent) {
                        return Ok((found, Provenance::Cached));
                    }
                }
                return Err(error);
            }
        };
        let issued = self.read_issued(
            &Identity::of(&spent),
            reply,
            (&spent.scope, super::Chain::Continues(spent.authorized_at)),
        );
        let record = issued.record.clone().unwrap_or_else(|| spent.clone());
        let state = SharedState::new(record.clone(), issued.token.as_ref().ok());
        let mut expected = lease_version;
        let deadline = Instant::now() + self.lease_length();
        loop {
            match shared.write_shared(&state, Some(&expected)) {
                Ok(version) => {
                    let token = issued.token.context("failed to refresh the access token")?;
                    self.publish_for_readers(shared, &token, &version);
                    self.cache_locally(&token);
                    return Ok((token, Provenance::Refreshed));
                }
                Err(StoreError::Conflict { .. }) if Instant::now() < deadline => {
                    // Step 5: someone wrote while this process refreshed (its lease ran out).
                    let current = shared
                        .read_shared()
                        .context("failed to read the shared secret again")?;
                    match current {
                        Some((now_stored, version))
                            if now_stored.record.refresh_token == spent.refresh_token =>
                        {
                            expected = version;
                        }
                        _ => break,
                    }
                }
                Err(StoreError::Conflict { .. }) => break,
                Err(error) => {
                    return Err(self.rescue(&record, Error::from(error)));
                }
            }
        }
        // The shared secret moved on without this token (another login, say): keep it in the
        // rescue file; the access token it came with is still good.
        let token = issued.token.context("failed to refresh the access token")?;
        let rescue = self.settings.paths.rescue_file(&self.settings.profile);
        crate::store::write_rescue(&rescue, &record)
            .map_err(Error::from)
            .context(
                "failed to keep the new refresh token, which the shared secret did not take",
            )?;
        output::warn(format_args!(
            "another machine replaced the shared refresh token while this one refreshed; the new refresh token was saved to the rescue file {}",
            rescue.display()
        ));
        self.cache_locally(&token);
        Ok((token, Provenance::Refreshed))
    }

    /// Under the lease: a refresh token this machine kept in its rescue file that is not older
    /// than the shared one (and of the same issuer and client) is written into the secret,
    /// keeping the lease, and spent instead. An older one is left alone: it never replaces a
    /// newer shared token.
    fn adopt_rescued(
        &self,
        shared: &dyn SharedStore,
        leased: SharedState,
        lease_version: Version,
    ) -> Result<(SharedState, Version)> {
        let rescue_path = self.settings.paths.rescue_file(&self.settings.profile);
        let Some(rescued) = crate::store::read_rescue(&rescue_path)? else {
            return Ok((leased, lease_version));
        };
        if rescued.obtained_at < leased.record.obtained_at
            || Identity::of(&rescued) != Identity::of(&leased.record)
        {
            return Ok((leased, lease_version));
        }
        let adopted = SharedState {
            record: rescued,
            access_token: None,
            token_type: None,
            expires_at: None,
            ..leased
        };
        let version = shared
            .write_shared(&adopted, Some(&lease_version))
            .context("failed to move the rescued refresh token into the shared secret")?;
        crate::store::remove_rescue(&rescue_path)?;
        output::note(format_args!(
            "moved the rescued refresh token from {} into {}",
            rescue_path.display(),
            self.store.location()
        ));
        Ok((adopted, version))
    }

    /// Polls the shared secret, for as long as a lease lasts, for a successor of the refresh
    /// token `spent` with an unexpired access token: the best there is once `spent` is dead.
    fn await_successor(
        &self,
        shared: &dyn SharedStore,
        spent: &crate::store::Record,
    ) -> Option<AccessToken> {
        let deadline = Instant::now() + self.lease_length();
        let mut poll = Backoff::new(Duration::from_millis(100), MAX_POLL);
        while Instant::now() < deadline {
            poll.sleep();
            let Ok(Some((state, _))) = shared.read_shared() else {
                continue;
            };
            if state.record.refresh_token != spent.refresh_token
                && let Some(access) = state.access()
                && access.seconds_left(Utc::now()) > 0
            {
                output::note(format_args!(
                    "another machine had spent the refresh token; using the token it stored"
                ));
                self.cache_locally(&access);
                return Some(access);
            }
        }
        None
    }
}

/// A random id for this process's lease.
fn lease_holder_id() -> Result<String> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|error| Error::msg(Kind::Internal, error))?;
    Ok(format!("{}-{}", std::process::id(), hex::encode(bytes)))
}
