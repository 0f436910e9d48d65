//! A profile's session: "a valid access token, under the profile lock (or the fleet's lease)".
//! Between the commands and the store and OAuth layers: it chooses its strategy once (local,
//! fleet, reader), decides when a cached token will do, refreshes under the lock (re-checking
//! once it holds it, so N waiting processes cause one refresh), keeps what a token endpoint
//! issued (the refresh token first, into the rescue file if the store refuses it), exchanges
//! codes, and forgets.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::Settings;
use crate::error::{Context as _, Error, Kind, Result};
use crate::http::Transport;
use crate::jwt;
use crate::oauth::{ClientCredentials, ErrorCode, Grant, OAuthError, TokenEndpoint, TokenReply};
use crate::output;
use crate::secret::Secret;
use crate::store::{self, CredentialStore, FleetRole, Loaded, Record, SharedState, Version, cache};
use crate::token::AccessToken;

mod authorization;
mod expiry;
mod fleet;
mod lost_answer;
mod revocation;
mod seed;

pub use expiry::{LONGEST_LIFETIME, SHORTEST_INTERVAL, renewal_time};
use expiry::{access_token_expiry, longest_lifetime};
pub use revocation::Revocation;

/// What to do when the stored refresh token is dead.
pub const REAUTHORIZE: &str = "authorize again with `amtoken login`";
/// What to do when nothing is stored yet.
pub const LOG_IN: &str =
    "log in with `amtoken login` (or `amtoken authorize-url`, then `amtoken exchange`)";

/// Which cached token will do.
#[derive(Debug, Clone, Copy)]
pub enum Freshness<'a> {
    /// One with more than this left.
    AtLeast(Duration),
    /// None: refresh now (`refresh --force`).
    Forced,
    /// Any unexpired one but this, which a server refused: N processes that all saw it
    /// refused cause one refresh, not N.
    Except(&'a Secret),
}

impl Freshness<'_> {
    /// Whether `token` will do at `now`.
    pub fn allows(&self, token: &AccessToken, now: DateTime<Utc>) -> bool {
        let left = token.seconds_left(now);
        match self {
            Freshness::AtLeast(min_ttl) => {
                left > i64::try_from(min_ttl.as_secs()).unwrap_or(i64::MAX)
            }
            Freshness::Forced => false,
            Freshness::Except(refused) => left > 0 && token.access_token != **refused,
        }
    }
}

/// How [`Session::token`] came by its token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// The cache already held a fresh one (maybe left by another process while we waited).
    Cached,
    /// This process ran the refresh grant.
    Refreshed,
}

/// The issuer and client a token was obtained for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub issuer: String,
    pub client_id: String,
}

impl Identity {
    /// What `record` was obtained for.
    pub fn of(record: &Record) -> Self {
        Identity {
            issuer: record.issuer.clone(),
            client_id: record.client_id.clone(),
        }
    }
}

/// A stored token that belongs to another issuer or client than the settings name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "obtained from issuer {} for client {}, but the settings name issuer {} and client {}",
    .stored.issuer, .stored.client_id, .configured.issuer, .configured.client_id
)]
pub struct IdentityMismatch {
    pub stored: Identity,
    /// The settings' values, the stored ones standing in where nothing is configured.
    pub configured: Identity,
}

/// Where a new refresh token stands in its chain, for the record's `authorized_at`.
#[derive(Debug, Clone, Copy)]
enum Chain {
    /// A code exchange began it: now, or the access token's `auth_time` when it says.
    Begins,
    /// A refresh continues it, from when it began (if known).
    Continues(Option<DateTime<Utc>>),
}

/// What a token endpoint issued, not yet kept.
struct Issued {
    /// The new record, when the answer carried a refresh token.
    record: Option<Record>,
    token: Result<AccessToken>,
}

/// `30-day`, or humantime's words for a lifetime that is not whole days.
fn lifetime_words(lifetime: Duration) -> String {
    let seconds = lifetime.as_secs();
    if seconds.is_multiple_of(86_400) {
        format!("{}-day", seconds / 86_400)
    } else {
        humantime::format_duration(lifetime).to_string()
    }
}

/// What [`Session::forget`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forgotten {
    /// A stored refresh token was deleted.
    pub record: bool,
    /// A cached access token was deleted.
    pub cache: bool,
    /// What happened at the server.
    pub revocation: Revocation,
}

/// How a session comes by a new access token, chosen once when it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// A store of this machine's (keychain, file): refresh under the profile lock.
    Local,
    /// A fleet's shared secret (Vault): refresh under the fleet lease, then publish for readers
    /// (session/fleet.rs).
    Fleet,
    /// A fleet reader (`--fleet-role reader`): only the access token refreshers publish.
    Reader,
}

/// What is stored for a profile, as `status` shows it: offline, whatever the strategy.
#[derive(Debug, Default)]
pub struct Stored {
    /// The refresh token's record; never known to a reader.
    pub record: Option<Record>,
    /// The access token: the local cache's, the shared secret's, or the published one.
    pub access: Option<AccessToken>,
    /// The shared secret's version (Vault), else `None`.
    pub version: Option<u64>,
    /// Who holds the fleet's refresh lease, and until when.
    pub lease: Option<(String, DateTime<Utc>)>,
    /// Why the local cache could not be read, when it could not.
    pub cache_problem: Option<String>,
}

/// One profile: its settings, its store, how it renews, and how a refresh token may be seeded.
pub struct Session<'a> {
    settings: &'a Settings,
    store: Box<dyn CredentialStore + 'a>,
    strategy: Strategy,
    seed: Option<Secret>,
    transport: std::cell::OnceCell<Transport>,
}

impl<'a> Session<'a> {
    /// The session of the settings' profile, with the store they choose, the strategy that
    /// store and `--fleet-role` imply, and the seed from `AMTOKEN_REFRESH_TOKEN`. Opening
    /// touches nothing.
    pub fn open(settings: &'a Settings) -> Self {
        let seed = std::env::var(crate::cli::settings::REFRESH_TOKEN_SEED)
            .ok()
            .map(|value| value.trim().to_string())
            .filter(|value| !value.is_empty())
            .map(Secret::new);
        Session::over(settings, store::open(&settings.store_settings())).seeded_with(seed)
    }

    /// A session over a given store, without a seed; the strategy follows from the store.
    pub(crate) fn over(settings: &'a Settings, store: Box<dyn CredentialStore + 'a>) -> Self {
        let strategy = match (store.shared().is_some(), settings.fleet_role) {
            (false, _) => Strategy::Local,
            (true, FleetRole::Refresher) => Strategy::Fleet,
            (true, FleetRole::Reader) => Strategy::Reader,
        };
        Session {
            settings,
            store,
            strategy,
            seed: None,
            transport: std::cell::OnceCell::new(),
        }
    }

    /// Seeds an empty store with this refresh token.
    pub(crate) fn seeded_with(self, seed: Option<Secret>) -> Self {
        Session { seed, ..self }
    }

    /// How this session renews.
    pub fn strategy(&self) -> Strategy {
        self.strategy
    }

    /// Where the profile's record lives, for messages.
    pub fn store_location(&self) -> String {
        match (self.strategy, self.store.shared()) {
            (Strategy::Reader, Some(shared)) => shared.published_location(),
            _ => self.store.location(),
        }
    }

    /// The profiles the store holds.
    pub fn stored_profiles(&self) -> Result<Vec<String>> {
        self.store
            .profiles()
            .context("failed to list the stored profiles")
    }

    /// The stored record, as it is: no rescue adoption, no seeding, no checks.
    pub fn stored_record(&self) -> Result<Option<Loaded>> {
        self.store
            .load()
            .context("failed to read the stored refresh token")
    }

    /// What is stored, offline (`status`): the local store and cache; the shared secret for a
    /// fleet (the truth there, not the local cache); the published token for a reader.
    pub fn stored(&self) -> Result<Stored> {
        match (self.strategy, self.store.shared()) {
            (Strategy::Reader, Some(shared)) => Ok(Stored {
                access: shared
                    .read_published()
                    .context("failed to read the published access token")?
                    .map(|(published, _)| published.token),
                ..Stored::default()
            }),
            (_, Some(shared)) => {
                let Some((state, version)) = shared
                    .read_shared()
                    .context("failed to read the shared secret")?
                else {
                    return Ok(Stored::default());
                };
                Ok(Stored {
                    access: state.access(),
                    version: version.number(),
                    lease: state.lease_holder.clone().zip(state.lease_until),
                    record: Some(state.record),
                    cache_problem: None,
                })
            }
            (_, None) => {
                let record = self.stored_record()?.map(|loaded| loaded.record);
                let (access, cache_problem) = match self.cached_token() {
                    Ok(access) => (access, None),
                    Err(error) => (None, Some(error.to_string())),
                };
                Ok(Stored {
                    record,
                    access,
                    cache_problem,
                    ..Stored::default()
                })
            }
        }
    }

    /// What the shared store's credential may do on the profile's paths (Vault), for `doctor`;
    /// empty for a local store.
    pub fn store_capabilities(&self) -> Result<Vec<(String, Vec<String>)>> {
        match self.store.shared() {
            Some(shared) => shared
                .capabilities()
                .context("failed to ask Vault what its token may do"),
            None => Ok(Vec::new()),
        }
    }

    /// The cached access token, as it is.
    pub fn cached_token(&self) -> Result<Option<AccessToken>, store::StoreError> {
        cache::load(&self.settings.paths.cache_file(&self.settings.profile))
    }

    /// The one check that a stored token belongs to these settings: a configured issuer or
    /// client id that differs from the stored one is a mismatch; one not configured is taken
    /// from what is stored.
    pub fn mismatch(&self, issuer: &str, client_id: &str) -> Option<IdentityMismatch> {
        let settings = self.settings;
        let configured = Identity {
            issuer: settings
                .issuer
                .clone()
                .unwrap_or_else(|| issuer.to_string()),
            client_id: settings
                .client_id
                .clone()
                .unwrap_or_else(|| client_id.to_string()),
        };
        (configured.issuer != issuer || configured.client_id != client_id).then(|| {
            IdentityMismatch {
                stored: Identity {
                    issuer: issuer.to_string(),
                    client_id: client_id.to_string(),
                },
                configured,
            }
        })
    }

    /// A valid access token, whatever the strategy: the cached one when `freshness` allows it
    /// (no network, no keychain, no lock: the hot path of `amtoken token`); else, locally, the
    /// refresh grant under the profile lock, so that two processes never spend the same
    /// refresh token; in a fleet, the shared secret under the lease; for a reader, the
    /// published token.
    pub fn token(&self, freshness: Freshness<'_>) -> Result<(AccessToken, Provenance)> {
        if let Some(cached) = self.usable_cache(freshness, Utc::now()) {
            return Ok((cached, Provenance::Cached));
        }
        let shared = self.store.shared();
        if let (Strategy::Reader, Some(shared)) = (self.strategy, shared) {
            return self.reader_token(shared, freshness);
        }
        let _guard = self.store.lock(self.settings.lock_timeout)?;
        // Another process may have refreshed while we waited for the lock.
        if let Some(cached) = self.usable_cache(freshness, Utc::now()) {
            return Ok((cached, Provenance::Cached));
        }
        if let (Strategy::Fleet, Some(shared)) = (self.strategy, shared) {
            return self.fleet_token(shared, freshness);
        }
        let loaded = self.usable_record()?;
        let reply = self.request_refresh(&loaded.record)?;
        let identity = Identity::of(&loaded.record);
        let token = self
            .keep_issued_tokens(
                &identity,
                reply,
                (
                    &loaded.record.scope,
                    Chain::Continues(loaded.record.authorized_at),
                ),
                Some(&loaded.version),
            )
            .context("failed to refresh the access token")?;
        Ok((token, Provenance::Refreshed))
    }

    /// Spends `record`'s refresh token at the token endpoint. Nothing is kept yet.
    fn request_refresh(&self, record: &Record) -> Result<TokenReply> {
        let identity = Identity::of(record);
        let (transport, credentials) = self.grant_client(&identity.client_id)?;
        let token_url = self.settings.token_url_for(&identity.issuer);
        let endpoint = TokenEndpoint {
            transport,
            url: &token_url,
            client: &credentials,
        };
        let reply = endpoint
            .request(&Grant::RefreshToken {
                refresh_token: &record.refresh_token,
            })
            .map_err(|error| self.refresh_failure(error, record))?;
        self.forget_lost_answer();
        Ok(reply)
    }

    /// The authorization_code grant: stores the refresh token, caches the access token. The
    /// second value says whether the server issued a refresh token at all.
    pub fn exchange(
        &self,
        code: &Secret,
        code_verifier: Option<&Secret>,
    ) -> Result<(AccessToken, bool)> {
        let settings = self.settings;
        let identity = Identity {
            issuer: settings.issuer_or_default().to_string(),
            client_id: settings.client_id_or(None)?.to_string(),
        };
        let redirect_uri = settings.require_redirect_uri()?;
        let _guard = self.store.lock(settings.lock_timeout)?;
        // The code is single-use: make sure the store can take the tokens before spending it. A
        // record that cannot be read is replaced all the same: this is a new login.
        let current = match self.store.load() {
            Ok(loaded) => loaded.map(|loaded| loaded.version),
            Err(error @ store::StoreError::File(crate::files::FileError::Corrupt { .. })) => {
                output::warn(format_args!("replacing the unreadable record: {error}"));
                None
            }
            Err(error) => {
                return Err(
                    Error::from(error).context("failed to open the store before the exchange")
                );
            }
        };
        let (transport, credentials) = self.grant_client(&identity.client_id)?;
        let token_url = settings.token_url_for(&identity.issuer);
        let endpoint = TokenEndpoint {
            transport,
            url: &token_url,
            client: &credentials,
        };
        let reply = endpoint
            .request(&Grant::AuthorizationCode {
                code,
                redirect_uri,
                code_verifier,
            })
            .map_err(|error| {
                let refused = error.code() == Some(&ErrorCode::InvalidGrant);
                let error = Error::from(error).context("failed to exchange the authorization code");
                if refused {
                    error.hint(
                        "codes are single-use and expire within minutes: authorize again for a fresh one",
                    )
                } else {
                    error
                }
            })?;
        let issued_refresh_token = reply.refresh_token.is_some();
        let token = self
            .keep_issued_tokens(
                &identity,
                reply,
                (&settings.scope, Chain::Begins),
                current.as_ref(),
            )
            .context("failed to exchange the authorization code")?;
        Ok((token, issued_refresh_token))
    }

    /// Deletes the profile's record, its access-token cache, any rescue file and any pending
    /// authorize request, under the profile lock — after revoking the refresh token at the
    /// server when `revoke` is set. A failed revocation forgets nothing, so it can be tried
    /// again; a server without a revocation endpoint is said and forgotten all the same.
    pub fn forget(&self, revoke: bool) -> Result<Forgotten> {
        let paths = &self.settings.paths;
        let profile = &self.settings.profile;
        let _guard = self.store.lock(self.settings.lock_timeout)?;
        let revocation = if revoke {
            match self.stored_record()? {
                Some(loaded) => self.revoke(&loaded.record)?,
                None => Revocation::NothingStored,
            }
        } else {
            Revocation::NotAsked
        };
        let record = self
            .store
            .delete()
            .context("failed to delete the stored refresh token")?;
        store::remove_rescue(&paths.rescue_file(profile))?;
        self.forget_pending();
        let cache = cache::delete(&paths.cache_file(profile))
            .context("failed to delete the access-token cache")?;
        Ok(Forgotten {
            record,
            cache,
            revocation,
        })
    }

    /// Why a refresh failed, in words that say what became of the refresh token. A request
    /// that may have reached the server but whose answer never came may have spent the token
    /// (it rotates): that is remembered, so that a refusal of the same token later says why.
    fn refresh_failure(&self, error: OAuthError, record: &Record) -> Error {
        const STEP: &str = "failed to refresh the access token";
        let lost_answer = matches!(&error, OAuthError::Http(http) if http.may_have_arrived());
        if lost_answer {
            self.remember_lost_answer(record);
            let message = format!(
                "{error}: the request may have reached the server, so the refresh token may have \
                 been spent without its successor arriving"
            );
            return Error::msg(Kind::Network, message).context(STEP).hint(
                "run the command again; if the server then refuses the refresh token, run `amtoken login`",
            );
        }
        let dead = error.code() == Some(&ErrorCode::InvalidGrant);
        let error = Error::from(error).context(STEP);
        if !dead {
            return error;
        }
        match self.lost_answer_for(record) {
            Some(at) => Error::msg(
                Kind::ReauthorizationNeeded,
                format!(
                    "{}: the refresh at {} lost its answer after the server had spent this refresh token",
                    error.message(),
                    output::rfc3339(at)
                ),
            )
            .hint(REAUTHORIZE),
            None => match self.chain_end(record).filter(|end| *end <= Utc::now()) {
                Some(end) => Error::msg(
                    Kind::ReauthorizationNeeded,
                    format!(
                        "{}: the refresh token probably reached its {} lifetime (the login of {} is good until {})",
                        error.message(),
                        lifetime_words(self.settings.refresh_lifetime),
                        record.authorized_at.map(output::rfc3339).unwrap_or_default(),
                        output::rfc3339(end)
                    ),
                )
                .hint("log in again with `amtoken login`; refreshing cannot extend the chain"),
                None => error.hint(format!("the refresh token was rejected; {REAUTHORIZE}")),
            },
        }
    }

    /// When `record`'s refresh chain ends, so that a person must log in again: its start plus
    /// `--refresh-lifetime`; `None` when its start is not known.
    pub fn chain_end(&self, record: &Record) -> Option<DateTime<Utc>> {
        let lifetime = chrono::Duration::from_std(self.settings.refresh_lifetime).ok()?;
        record.authorized_at.map(|at| at + lifetime)
    }

    /// The cached token when it belongs to these settings and `freshness` allows it.
    fn usable_cache(&self, freshness: Freshness<'_>, now: DateTime<Utc>) -> Option<AccessToken> {
        let cached = match self.cached_token() {
            Ok(cached) => cached?,
            Err(error) => {
                output::warn(format_args!("ignoring the access-token cache: {error}"));
                return None;
            }
        };
        if self.mismatch(&cached.issuer, &cached.client_id).is_some() {
            return None;
        }
        freshness.allows(&cached, now).then_some(cached)
    }

    /// The local store's record for a refresh — or a newer one a failed store left in the
    /// rescue file, which is moved into the store first — seeded when nothing is stored; refused when
    /// it was obtained for another issuer or client.
    fn usable_record(&self) -> Result<Loaded> {
        let stored = self.stored_record()?;
        let rescue_path = self.settings.paths.rescue_file(&self.settings.profile);
        // Local stores only: a fleet adopts a rescued token under its lease (fleet.rs).
        let rescued = store::read_rescue(&rescue_path)?.filter(|rescued| {
            stored
                .as_ref()
                .is_none_or(|stored| rescued.obtained_at >= stored.record.obtained_at)
        });
        let loaded = match (stored, rescued) {
            (stored, Some(rescued)) => {
                let version = self
                    .store
                    .save(&rescued, stored.as_ref().map(|stored| &stored.version))
                    .context("failed to move the rescued refresh token into the store")?;
                store::remove_rescue(&rescue_path)?;
                output::note(format_args!(
                    "moved the rescued refresh token from {} into {}",
                    rescue_path.display(),
                    self.store.location()
                ));
                Loaded {
                    record: rescued,
                    version,
                }
            }
            (Some(stored), None) => stored,
            (None, None) => self.seed_store()?,
        };
        if let Some(mismatch) = self.mismatch(&loaded.record.issuer, &loaded.record.client_id) {
            return Err(Error::msg(
                Kind::InvalidInput,
                format!(
                    "the refresh token stored for profile {:?} was {mismatch}",
                    self.settings.profile
                ),
            )
            .hint(
                "use the matching --issuer and --client-id, another --profile, or `amtoken login` again",
            ));
        }
        Ok(loaded)
    }

    /// The transport and the client credentials every grant needs.
    fn grant_client(&self, client_id: &str) -> Result<(&Transport, ClientCredentials)> {
        Ok((self.transport()?, self.credentials(client_id)?))
    }

    /// The run's one transport, built on first use (a cached `token` never builds one).
    pub fn transport(&self) -> Result<&Transport> {
        if let Some(transport) = self.transport.get() {
            return Ok(transport);
        }
        let transport = Transport::new(self.settings.transport_options())?;
        Ok(self.transport.get_or_init(|| transport))
    }

    /// The client's credentials, the secret read now.
    fn credentials(&self, client_id: &str) -> Result<ClientCredentials> {
        Ok(ClientCredentials {
            client_id: client_id.to_string(),
            client_secret: self.settings.client_secret()?,
            method: self.settings.client_auth,
        })
    }

    /// Keeps what a token endpoint issued: the refresh token first — even when the rest of the
    /// answer is unusable, and into the rescue file when the store refuses it — then the
    /// access token in the cache.
    fn keep_issued_tokens(
        &self,
        identity: &Identity,
        reply: TokenReply,
        previous: (&str, Chain),
        expected: Option<&Version>,
    ) -> Result<AccessToken> {
        let issued = self.read_issued(identity, reply, previous);
        if let Some(record) = &issued.record {
            match self.store.shared() {
                Some(shared) => {
                    let state = SharedState::new(record.clone(), issued.token.as_ref().ok());
                    let mut version = None;
                    self.store_or_rescue(record, || {
                        let written = shared.write_shared(&state, expected)?;
                        version = Some(written.clone());
                        Ok(written)
                    })?;
                    if let (Some(version), Ok(token)) = (version, &issued.token) {
                        self.publish_for_readers(shared, token, &version);
                    }
                }
                None => self.store_or_rescue(record, || self.store.save(record, expected))?,
            }
        }
        let token = issued.token?;
        self.cache_locally(&token);
        Ok(token)
    }

    /// What a token endpoint's answer holds, not yet kept: the new record (when a refresh
    /// token came), and the access token or why there is none. `previous` is the scope asked
    /// for or held before, and where the chain stands.
    fn read_issued(
        &self,
        identity: &Identity,
        reply: TokenReply,
        (previous_scope, chain): (&str, Chain),
    ) -> Issued {
        let now = Utc::now();
        let requested_at = reply.requested_at.min(now);
        // The access token's `auth_time` says when the person consented: it begins a chain,
        // and a chain that does not know its start (a seed) learns it from the first refresh.
        let auth_time = reply
            .tokens
            .as_ref()
            .ok()
            .and_then(|tokens| jwt::decode(tokens.access_token.expose()).ok())
            .and_then(|token| match token.time_claim("auth_time") {
                jwt::TimeClaim::At(at) if at <= now => Some(at),
                _ => None,
            });
        let authorized_at = match chain {
            Chain::Continues(Some(at)) => Some(at),
            Chain::Continues(None) => auth_time,
            Chain::Begins => Some(auth_time.unwrap_or(now)),
        };
        let granted_scope = reply
            .tokens
            .as_ref()
            .ok()
            .and_then(|tokens| tokens.scope.clone())
            .unwrap_or_else(|| previous_scope.to_string());
        let record = reply.refresh_token.map(|refresh_token| Record {
            refresh_token,
            issuer: identity.issuer.clone(),
            client_id: identity.client_id.clone(),
            scope: granted_scope.clone(),
            obtained_at: now,
            authorized_at,
        });
        let token = reply.tokens.map_err(Error::from).and_then(|tokens| {
            if self.settings.verbose && !tokens.extra.is_empty() {
                let names: Vec<&str> = tokens.extra.keys().map(String::as_str).collect();
                output::note(format_args!(
                    "the token response also carried: {}",
                    names.join(", ")
                ));
            }
            let expires_at = access_token_expiry(&tokens, requested_at, now);
            // Never hand out a token that is dead on arrival (`expires_in: 0`): it is the
            // server's failure, and a keeper pauses on it rather than asking again at once. (A
            // fresh token may have less than a second left by its whole-second `exp`: that one
            // works, and only a keeper, which hands it out again and again, asks for more.)
            if expires_at <= now {
                return Err(Error::msg(
                    Kind::ServerRefused,
                    format!(
                        "the token endpoint issued an access token that expires at {} (expires_in {}): already expired",
                        output::rfc3339(expires_at),
                        tokens.expires_in.map_or_else(|| "absent".to_string(), |seconds| seconds.to_string())
                    ),
                ));
            }
            Ok(AccessToken {
                access_token: tokens.access_token,
                token_type: tokens.token_type,
                expires_at,
                scope: granted_scope,
                issuer: identity.issuer.clone(),
                client_id: identity.client_id.clone(),
            })
        });
        Issued { record, token }
    }

    /// Keeps `token` in the local cache: only a cache, so failing costs a refresh next time.
    fn cache_locally(&self, token: &AccessToken) {
        let cache_file = self.settings.paths.cache_file(&self.settings.profile);
        if let Err(error) = cache::save(&cache_file, token) {
            output::warn(format_args!("cannot cache the access token: {error}"));
        }
    }

    /// Stores `record` with `write`; when the store refuses, writes the 0600 rescue file and
    /// says where.
    fn store_or_rescue(
        &self,
        record: &Record,
        write: impl FnOnce() -> std::result::Result<Version, store::StoreError>,
    ) -> Result<()> {
        match write() {
            Ok(_) => Ok(()),
            Err(error) => Err(self.rescue(record, Error::from(error))),
        }
    }

    /// Keeps `record`, which the store refused with `error`, in the 0600 rescue file — a token
    /// the server issued is never lost — and returns the error, saying where it is.
    fn rescue(&self, record: &Record, error: Error) -> Error {
        let rescue = self.settings.paths.rescue_file(&self.settings.profile);
        let error = error.context("failed to store the new refresh token");
        match store::write_rescue(&rescue, record) {
            Ok(()) => {
                output::warn(format_args!(
                    "the new refresh token was saved to the rescue file {}",
                    rescue.display()
                ));
                error.hint(format!(
                    "the new refresh token is kept in {} (mode 0600): the next refresh moves it into the store once the store works",
                    rescue.display()
                ))
            }
            Err(rescue_error) => {
                error.context(format!("and the rescue file failed too ({rescue_error})"))
            }
        }
    }
}

#[cfg(test)]
mod tests;
