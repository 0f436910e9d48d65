//! The session below the binary: an in-memory store and a fake token endpoint (httpmock).

use chrono::{DateTime, Duration as Span, Timelike as _, Utc};
use clap::Parser as _;
use httpmock::prelude::*;

use super::*;
use crate::cli::Cli;
use crate::error::Kind;
use crate::paths::Paths;
use crate::store::memory::MemoryStore;

const CLIENT: &str = "client-1";

struct Fixture {
    root: tempfile::TempDir,
    server: MockServer,
}

impl Fixture {
    fn new() -> Self {
        Fixture {
            root: tempfile::tempdir().unwrap(),
            server: MockServer::start(),
        }
    }

    /// Settings from these flags (after the issuer of the fake endpoint, when `configured`).
    fn settings(&self, flags: &[&str]) -> Settings {
        let mut argv = vec!["amtoken"];
        argv.extend_from_slice(flags);
        argv.push("token");
        let cli = Cli::try_parse_from(argv).unwrap();
        Settings::resolve_in(&cli.global, Paths::under(self.root.path())).unwrap()
    }

    fn configured(&self) -> Settings {
        self.settings(&["--issuer", &self.server.base_url(), "--client-id", CLIENT])
    }

    fn record(&self, refresh_token: &str) -> Record {
        Record {
            refresh_token: Secret::new(refresh_token),
            issuer: self.server.base_url(),
            client_id: CLIENT.into(),
            scope: "read offline_access".into(),
            obtained_at: at("2026-11-01T00:00:00Z"),
            authorized_at: Some(at("2026-10-20T00:00:00Z")),
        }
    }

    fn cache(&self, settings: &Settings, access_token: &str, seconds_left: i64) {
        let token = AccessToken {
            access_token: Secret::new(access_token),
            token_type: "Bearer".into(),
            expires_at: Utc::now() + Span::seconds(seconds_left),
            scope: "read".into(),
            issuer: self.server.base_url(),
            client_id: CLIENT.into(),
        };
        cache::save(&settings.paths.cache_file(&settings.profile), &token).unwrap();
    }

    /// A token endpoint that takes `refresh_token` and rotates it to `next`.
    fn rotates<'a>(&'a self, refresh_token: &str, next: &str) -> httpmock::Mock<'a> {
        self.server.mock(|when, then| {
            when.method(POST)
                .path("/connect/token")
                .form_urlencoded_tuple("grant_type", "refresh_token")
                .form_urlencoded_tuple("refresh_token", refresh_token);
            then.status(200).json_body(serde_json::json!({
                "access_token": format!("access-for-{next}"),
                "token_type": "Bearer",
                "expires_in": 3600,
                "refresh_token": next,
            }));
        })
    }
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn five_minutes() -> Freshness<'static> {
    Freshness::AtLeast(Duration::from_secs(300))
}

/// `valid_token` with at least five minutes left, over `store`.
fn valid_token(settings: &Settings, store: &MemoryStore) -> Result<(AccessToken, Provenance)> {
    Session::over(settings, Box::new(store)).token(five_minutes())
}

#[test]
fn a_fresh_cached_token_needs_no_request_and_no_store() {
    let fixture = Fixture::new();
    let settings = fixture.configured();
    fixture.cache(&settings, "cached-token", 3000);
    let endpoint = fixture.rotates("rt-1", "rt-2");
    let store = MemoryStore::default();
    let (token, provenance) = valid_token(&settings, &store).unwrap();
    assert_eq!(token.access_token.expose(), "cached-token");
    assert_eq!(provenance, Provenance::Cached);
    endpoint.assert_calls(0);
}

#[test]
fn a_stale_token_is_refreshed_and_the_rotated_refresh_token_stored() {
    let fixture = Fixture::new();
    let settings = fixture.configured();
    fixture.cache(&settings, "stale-token", 60);
    let endpoint = fixture.rotates("rt-1", "rt-2");
    let store = MemoryStore::with(fixture.record("rt-1"));
    let (token, provenance) = valid_token(&settings, &store).unwrap();
    endpoint.assert_calls(1);
    assert_eq!(provenance, Provenance::Refreshed);
    assert_eq!(token.access_token.expose(), "access-for-rt-2");
    assert_eq!(store.record().unwrap().refresh_token.expose(), "rt-2");
    // Rotation keeps when the chain began.
    assert_eq!(
        store.record().unwrap().authorized_at,
        Some(at("2026-10-20T00:00:00Z"))
    );
    let cached = cache::load(&settings.paths.cache_file("default"))
        .unwrap()
        .unwrap();
    assert_eq!(cached.access_token.expose(), "access-for-rt-2");
}

#[test]
fn the_stored_issuer_and_client_serve_when_none_is_configured() {
    let fixture = Fixture::new();
    let settings = fixture.settings(&[]);
    assert_eq!(settings.issuer, None);
    let endpoint = fixture.rotates("rt-1", "rt-2");
    let store = MemoryStore::with(fixture.record("rt-1"));
    valid_token(&settings, &store).unwrap();
    endpoint.assert_calls(1);
    assert_eq!(store.record().unwrap().issuer, fixture.server.base_url());
}

#[test]
fn nothing_stored_and_nothing_configured_is_not_logged_in() {
    let fixture = Fixture::new();
    for settings in [fixture.settings(&[]), fixture.configured()] {
        let store = MemoryStore::default();
        let error = valid_token(&settings, &store).unwrap_err();
        assert_eq!(error.kind(), Kind::NotLoggedIn, "{}", error.message());
        assert!(
            error.message().starts_with("not logged in"),
            "{}",
            error.message()
        );
        assert!(
            error
                .hint_text()
                .unwrap()
                .starts_with("log in with `amtoken login`")
        );
    }
}

#[test]
fn a_seed_fills_an_empty_store_and_is_spent_like_a_stored_token() {
    let fixture = Fixture::new();
    let settings = fixture.configured();
    let endpoint = fixture.rotates("rt-seed", "rt-2");
    let store = MemoryStore::default();
    Session::over(&settings, Box::new(&store))
        .seeded_with(Some(Secret::new("rt-seed")))
        .token(five_minutes())
        .unwrap();
    endpoint.assert_calls(1);
    assert_eq!(store.saves.get(), 2, "the seed, then the rotated token");
    assert_eq!(store.record().unwrap().refresh_token.expose(), "rt-2");
}

#[test]
fn a_seed_is_ignored_when_a_token_is_stored() {
    let fixture = Fixture::new();
    let settings = fixture.configured();
    let endpoint = fixture.rotates("rt-1", "rt-2");
    let store = MemoryStore::with(fixture.record("rt-1"));
    Session::over(&settings, Box::new(&store))
        .seeded_with(Some(Secret::new("rt-seed")))
        .token(five_minutes())
        .unwrap();
    endpoint.assert_calls(1);
}

#[test]
fn a_newer_rescued_token_is_adopted_before_the_refresh() {
    let fixture = Fixture::new();
    let settings = fixture.configured();
    let mut rescued = fixture.record("rt-rescued");
    rescued.obtained_at = at("2026-11-02T00:00:00Z");
    let rescue_file = settings.paths.rescue_file("default");
    store::write_rescue(&rescue_file, &rescued).unwrap();
    let endpoint = fixture.rotates("rt-rescued", "rt-2");
    let store = MemoryStore::with(fixture.record("rt-old"));
    valid_token(&settings, &store).unwrap();
    endpoint.assert_calls(1);
    assert!(!rescue_file.exists());
    assert_eq!(store.record().unwrap().refresh_token.expose(), "rt-2");
}

#[test]
fn an_older_rescue_file_is_not_adopted() {
    let fixture = Fixture::new();
    let settings = fixture.configured();
    let mut rescued = fixture.record("rt-rescued");
    rescued.obtained_at = at("2026-10-01T00:00:00Z");
    store::write_rescue(&settings.paths.rescue_file("default"), &rescued).unwrap();
    let endpoint = fixture.rotates("rt-1", "rt-2");
    let store = MemoryStore::with(fixture.record("rt-1"));
    valid_token(&settings, &store).unwrap();
    endpoint.assert_calls(1);
}

#[test]
fn a_token_of_another_client_is_refused_naming_both() {
    let fixture = Fixture::new();
    let settings = fixture.settings(&["--client-id", "client-2"]);
    let endpoint = fixture.rotates("rt-1", "rt-2");
    let store = MemoryStore::with(fixture.record("rt-1"));
    let error = valid_token(&settings, &store).unwrap_err();
    assert_eq!(error.kind(), Kind::InvalidInput);
    let message = error.message();
    assert!(message.contains("for client client-1"), "{message}");
    assert!(message.contains("and client client-2"), "{message}");
    endpoint.assert_calls(0);
}

#[test]
fn a_refused_token_already_replaced_by_another_process_costs_no_refresh() {
    let fixture = Fixture::new();
    let settings = fixture.configured();
    // This process saw "old-token" refused; another one has since cached "new-token".
    fixture.cache(&settings, "new-token", 3000);
    let endpoint = fixture.rotates("rt-1", "rt-2");
    let store = MemoryStore::with(fixture.record("rt-1"));
    let session = Session::over(&settings, Box::new(&store));
    let old = Secret::new("old-token");
    let (token, provenance) = session.token(Freshness::Except(&old)).unwrap();
    assert_eq!(
        (token.access_token.expose(), provenance),
        ("new-token", Provenance::Cached)
    );
    endpoint.assert_calls(0);

    // The token this process holds is the one refused: refresh.
    let refused = Secret::new("new-token");
    let (token, provenance) = session.token(Freshness::Except(&refused)).unwrap();
    assert_eq!(provenance, Provenance::Refreshed);
    assert_eq!(token.access_token.expose(), "access-for-rt-2");
    endpoint.assert_calls(1);
}

#[test]
fn a_refresh_that_raced_another_machine_loses_nothing() {
    let fixture = Fixture::new();
    let settings = fixture.configured();
    let endpoint = fixture.rotates("rt-1", "rt-2");
    let store = MemoryStore::with(fixture.record("rt-1"));
    // A shared store checks versions: one written behind our back makes our save stale.
    let session = Session::over(&settings, Box::new(&store));
    let loaded = session.usable_record().unwrap();
    store.replace(fixture.record("rt-other"));
    let reply = crate::oauth::TokenReply {
        refresh_token: Some(Secret::new("rt-2")),
        tokens: Err(crate::oauth::OAuthError::InvalidResponse {
            status: 200,
            content_type: "application/json".into(),
            why: "test".into(),
            excerpt: String::new(),
        }),
        requested_at: chrono::Utc::now(),
    };
    let identity = Identity {
        issuer: fixture.server.base_url(),
        client_id: CLIENT.into(),
    };
    let error = session
        .keep_issued_tokens(
            &identity,
            reply,
            ("read", Chain::Continues(None)),
            Some(&loaded.version),
        )
        .unwrap_err();
    assert_eq!(error.kind(), Kind::StoreUnavailable);
    let rescued = store::read_rescue(&settings.paths.rescue_file("default"))
        .unwrap()
        .unwrap();
    assert_eq!(rescued.refresh_token.expose(), "rt-2");
    endpoint.assert_calls(0);
}

#[test]
fn a_store_that_refuses_the_rotated_token_leaves_it_in_the_rescue_file() {
    let fixture = Fixture::new();
    let settings = fixture.configured();
    let endpoint = fixture.rotates("rt-1", "rt-2");
    let store = MemoryStore::with(fixture.record("rt-1"));
    store.refuse_writes.set(true);
    let error = valid_token(&settings, &store).unwrap_err();
    endpoint.assert_calls(1);
    assert_eq!(error.kind(), Kind::StoreUnavailable);
    assert!(error.hint_text().unwrap().contains("rescue.json"));
    let rescued = store::read_rescue(&settings.paths.rescue_file("default"))
        .unwrap()
        .unwrap();
    assert_eq!(rescued.refresh_token.expose(), "rt-2");
}

#[test]
fn forget_removes_the_record_the_cache_and_a_rescue_file() {
    let fixture = Fixture::new();
    let settings = fixture.configured();
    fixture.cache(&settings, "cached-token", 3000);
    store::write_rescue(&settings.paths.rescue_file("default"), &fixture.record("x")).unwrap();
    let store = MemoryStore::with(fixture.record("rt-1"));
    let session = Session::over(&settings, Box::new(&store));
    assert_eq!(
        session.forget(false).unwrap(),
        Forgotten {
            record: true,
            cache: true,
            revocation: Revocation::NotAsked,
        }
    );
    assert!(store.record().is_none());
    assert!(!settings.paths.rescue_file("default").exists());
    assert!(!settings.paths.cache_file("default").exists());
    assert_eq!(
        session.forget(false).unwrap(),
        Forgotten {
            record: false,
            cache: false,
            revocation: Revocation::NotAsked,
        }
    );
}

/// Issue 15: a refresh refused after the chain's lifetime says why, not only "authorize again".
#[test]
fn a_refusal_past_the_chains_lifetime_says_it_probably_ended() {
    let fixture = Fixture::new();
    fixture.server.mock(|when, then| {
        when.method(POST).path("/connect/token");
        then.status(400)
            .json_body(serde_json::json!({"error": "invalid_grant"}));
    });
    let store = MemoryStore::with(fixture.record("rt-1"));
    // The chain began 2026-10-20: 30 days are over.
    let error = valid_token(&fixture.configured(), &store).unwrap_err();
    assert_eq!(error.kind(), Kind::ReauthorizationNeeded);
    assert!(
        error.message().contains(
            "the refresh token probably reached its 30-day lifetime (the login of 2026-10-20T00:00:00Z is good until 2026-11-19T00:00:00Z)"
        ),
        "{}",
        error.message()
    );
    // Within a longer lifetime, the plain refusal.
    let settings = fixture.settings(&[
        "--issuer",
        &fixture.server.base_url(),
        "--client-id",
        CLIENT,
        "--refresh-lifetime",
        "3650d",
    ]);
    let error = valid_token(&settings, &store).unwrap_err();
    assert!(!error.message().contains("lifetime"), "{}", error.message());
}

/// Issue 15: an exchange begins a chain: `authorized_at` is the access token's `auth_time`
/// when it is a JWT that says, else now.
#[test]
fn an_exchange_begins_the_chain() {
    let fixture = Fixture::new();
    let settings = fixture.settings(&[
        "--issuer",
        &fixture.server.base_url(),
        "--client-id",
        CLIENT,
        "--redirect-uri",
        "https://app.example/cb",
    ]);
    fixture.server.mock(|when, then| {
        when.method(POST)
            .path("/connect/token")
            .form_urlencoded_tuple("grant_type", "authorization_code");
        then.status(200).json_body(serde_json::json!({
            "access_token": "opaque-access",
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": "rt-new",
        }));
    });
    let store = MemoryStore::default();
    let before = Utc::now();
    Session::over(&settings, Box::new(&store))
        .exchange(&Secret::new("code-1"), None)
        .unwrap();
    let authorized = store.record().unwrap().authorized_at.unwrap();
    assert!(authorized >= before - Span::seconds(1) && authorized <= Utc::now());
}

fn instant(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
}

#[test]
fn an_hour_token_is_renewed_min_ttl_before_its_expiry() {
    let due = renewal_time(
        instant(3600),
        instant(0),
        std::time::Duration::from_secs(300),
    );
    assert_eq!(due, instant(3300));
}

#[test]
fn a_token_shorter_than_twice_min_ttl_is_renewed_halfway() {
    assert_eq!(
        renewal_time(
            instant(120),
            instant(0),
            std::time::Duration::from_secs(300)
        ),
        instant(60)
    );
    assert_eq!(
        renewal_time(instant(2), instant(0), std::time::Duration::from_secs(300)),
        instant(1)
    );
}

#[test]
fn renewals_are_never_closer_than_the_shortest_interval() {
    // A server that hands out tokens of no life at all is not asked in a tight loop.
    assert_eq!(
        renewal_time(instant(0), instant(0), std::time::Duration::from_secs(300)),
        instant(1)
    );
    assert_eq!(
        renewal_time(instant(-5), instant(0), std::time::Duration::from_secs(300)),
        instant(1)
    );
}

/// A token response for `access_token`, living `expires_in` seconds.
fn response(access_token: &str, expires_in: Option<i64>) -> crate::oauth::TokenResponse {
    crate::oauth::TokenResponse {
        access_token: Secret::new(access_token),
        token_type: "Bearer".into(),
        expires_in,
        scope: None,
        extra: Default::default(),
    }
}

/// An unsigned JWT whose `exp` is `exp`.
fn expiring_jwt(exp: DateTime<Utc>) -> String {
    use base64::Engine as _;
    let part = |value: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
    };
    format!(
        "{}.{}.sig",
        part(serde_json::json!({"alg": "RS256"})),
        part(serde_json::json!({"exp": exp.timestamp()}))
    )
}

#[test]
fn expires_in_counts_from_when_the_request_was_sent() {
    let sent = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let answered = sent + Span::seconds(3);
    let expiry = access_token_expiry(&response("opaque", Some(60)), sent, answered);
    assert_eq!(expiry, sent + Span::seconds(60));
}

#[test]
fn an_earlier_exp_claim_wins_over_expires_in() {
    let sent = DateTime::from_timestamp(1_800_000_000, 900_000_000).unwrap();
    // A whole-second `exp` the server computed from its own second: 0.9 s before the estimate.
    let exp = DateTime::from_timestamp(1_800_000_002, 0).unwrap();
    let expiry = access_token_expiry(&response(&expiring_jwt(exp), Some(2)), sent, sent);
    assert_eq!(expiry, exp);
    // A later `exp` does not stretch `expires_in`.
    let later = sent + Span::seconds(600);
    let expiry = access_token_expiry(&response(&expiring_jwt(later), Some(60)), sent, sent);
    assert_eq!(expiry, sent + Span::seconds(60));
}

#[test]
fn an_exp_claim_already_past_is_a_clock_apart_and_expires_in_stands() {
    let now = Utc::now();
    let past = now - Span::seconds(7200);
    let expiry = access_token_expiry(&response(&expiring_jwt(past), Some(3600)), now, now);
    assert_eq!(expiry, now + Span::seconds(3600));
    // Without expires_in, the claim is all there is.
    let expiry = access_token_expiry(&response(&expiring_jwt(past), None), now, now);
    assert_eq!(expiry, past.with_nanosecond(0).unwrap());
}

/// The fleet lease (session/fleet.rs) over the in-memory shared store: every step of the
/// protocol by a plain `cargo test` (issue 26.2); the OpenBao tests run the same over Vault.
mod fleet {
    use super::*;
    use crate::store::{Published, SharedState};

    fn fleet_settings(fixture: &Fixture, role: &str) -> Settings {
        fixture.settings(&[
            "--issuer",
            &fixture.server.base_url(),
            "--client-id",
            CLIENT,
            "--store",
            "vault",
            "--vault-addr",
            "http://127.0.0.1:9",
            "--vault-access-path",
            "amtoken/readers",
            "--fleet-role",
            role,
            "--timeout",
            "2s",
        ])
    }

    fn access(fixture: &Fixture, value: &str, seconds_left: i64) -> AccessToken {
        AccessToken {
            access_token: Secret::new(value),
            token_type: "Bearer".into(),
            expires_at: Utc::now() + Span::seconds(seconds_left),
            scope: "read offline_access".into(),
            issuer: fixture.server.base_url(),
            client_id: CLIENT.into(),
        }
    }

    fn state(
        fixture: &Fixture,
        refresh_token: &str,
        access_token: Option<&AccessToken>,
    ) -> SharedState {
        SharedState::new(fixture.record(refresh_token), access_token)
    }

    #[test]
    fn a_fresh_shared_token_is_used_without_a_lease_or_a_refresh() {
        let fixture = Fixture::new();
        let settings = fleet_settings(&fixture, "refresher");
        let endpoint = fixture.rotates("rt-1", "rt-2");
        let shared = access(&fixture, "shared-at", 3000);
        let store = MemoryStore::shared(Some(state(&fixture, "rt-1", Some(&shared))));
        let (token, provenance) = valid_token(&settings, &store).unwrap();
        assert_eq!(provenance, Provenance::Cached);
        assert_eq!(token.access_token.expose(), "shared-at");
        assert_eq!(store.saves.get(), 0, "no lease was taken");
        endpoint.assert_calls(0);
    }

    #[test]
    fn the_lease_holder_spends_once_writes_the_successor_clears_the_lease_and_publishes() {
        let fixture = Fixture::new();
        let settings = fleet_settings(&fixture, "refresher");
        let endpoint = fixture.rotates("rt-1", "rt-2");
        let stale = access(&fixture, "stale-at", 10);
        let store = MemoryStore::shared(Some(state(&fixture, "rt-1", Some(&stale))));
        let (token, provenance) = valid_token(&settings, &store).unwrap();
        assert_eq!(provenance, Provenance::Refreshed);
        assert_eq!(token.access_token.expose(), "access-for-rt-2");
        endpoint.assert_calls(1);
        let after = store.state().unwrap();
        assert_eq!(after.record.refresh_token.expose(), "rt-2");
        assert_eq!(after.access_token.unwrap().expose(), "access-for-rt-2");
        assert!(after.lease_holder.is_none() && after.lease_until.is_none());
        // The lease write, the successor's write, then the readers' copy.
        assert_eq!(store.saves.get(), 3);
        let published = store.published().unwrap();
        assert_eq!(published.token.access_token.expose(), "access-for-rt-2");
        assert_eq!(
            published.source_version, 3,
            "the version the successor was written at"
        );
    }

    #[test]
    fn a_lost_lease_race_is_read_again_and_the_winners_token_used() {
        let fixture = Fixture::new();
        let settings = fleet_settings(&fixture, "refresher");
        let endpoint = fixture.rotates("rt-1", "rt-2");
        let store = MemoryStore::shared(Some(state(&fixture, "rt-1", None)));
        // Between our read and our lease write, another machine refreshed (a stale cas).
        let winner = state(
            &fixture,
            "rt-other",
            Some(&access(&fixture, "winners-at", 3000)),
        );
        store
            .before_writes
            .borrow_mut()
            .push_back(Some(Box::new(move |store: &MemoryStore| {
                store.replace_state(winner)
            })));
        let (token, provenance) = valid_token(&settings, &store).unwrap();
        assert_eq!(provenance, Provenance::Cached);
        assert_eq!(token.access_token.expose(), "winners-at");
        endpoint.assert_calls(0);
    }

    #[test]
    fn a_lease_of_another_live_holder_is_waited_out_then_taken() {
        let fixture = Fixture::new();
        let settings = fleet_settings(&fixture, "refresher");
        let endpoint = fixture.rotates("rt-1", "rt-2");
        let mut leased = state(&fixture, "rt-1", None);
        leased.lease_holder = Some("another-machine".into());
        leased.lease_until = Some(Utc::now() + Span::milliseconds(700));
        let store = MemoryStore::shared(Some(leased));
        let (token, provenance) = valid_token(&settings, &store).unwrap();
        assert_eq!(provenance, Provenance::Refreshed);
        assert_eq!(token.access_token.expose(), "access-for-rt-2");
        endpoint.assert_calls(1);
    }

    #[test]
    fn a_successor_write_that_loses_to_a_stale_lease_writer_is_written_on_the_new_version() {
        let fixture = Fixture::new();
        let settings = fleet_settings(&fixture, "refresher");
        let endpoint = fixture.rotates("rt-1", "rt-2");
        let store = MemoryStore::shared(Some(state(&fixture, "rt-1", None)));
        // Our lease write goes through; before our successor's write, a machine paused past
        // its lease rewrites the secret, still holding the token we spent (step 5).
        let rewrite = state(&fixture, "rt-1", None);
        store.before_writes.borrow_mut().extend([
            None,
            Some(
                Box::new(move |store: &MemoryStore| store.replace_state(rewrite))
                    as Box<dyn FnOnce(&MemoryStore)>,
            ),
        ]);
        let (token, _) = valid_token(&settings, &store).unwrap();
        assert_eq!(token.access_token.expose(), "access-for-rt-2");
        assert_eq!(store.record().unwrap().refresh_token.expose(), "rt-2");
        endpoint.assert_calls(1);
        assert!(!settings.paths.rescue_file("default").exists());
    }

    #[test]
    fn a_successor_the_secret_no_longer_wants_goes_to_the_rescue_file() {
        let fixture = Fixture::new();
        let settings = fleet_settings(&fixture, "refresher");
        let endpoint = fixture.rotates("rt-1", "rt-2");
        let store = MemoryStore::shared(Some(state(&fixture, "rt-1", None)));
        // Someone logs in anew while we refresh: our successor must not overwrite theirs.
        let login = state(&fixture, "rt-new-login", None);
        store.before_writes.borrow_mut().extend([
            None,
            Some(
                Box::new(move |store: &MemoryStore| store.replace_state(login))
                    as Box<dyn FnOnce(&MemoryStore)>,
            ),
        ]);
        let (token, _) = valid_token(&settings, &store).unwrap();
        assert_eq!(token.access_token.expose(), "access-for-rt-2");
        assert_eq!(
            store.record().unwrap().refresh_token.expose(),
            "rt-new-login"
        );
        let rescued = store::read_rescue(&settings.paths.rescue_file("default"))
            .unwrap()
            .unwrap();
        assert_eq!(rescued.refresh_token.expose(), "rt-2");
        endpoint.assert_calls(1);
    }

    #[test]
    fn a_newer_rescued_token_is_adopted_under_the_lease_and_spent_instead() {
        let fixture = Fixture::new();
        let settings = fleet_settings(&fixture, "refresher");
        let endpoint = fixture.rotates("rt-rescued", "rt-next");
        let store = MemoryStore::shared(Some(state(&fixture, "rt-old", None)));
        let mut rescued = fixture.record("rt-rescued");
        rescued.obtained_at = Utc::now();
        store::write_rescue(&settings.paths.rescue_file("default"), &rescued).unwrap();
        let (token, _) = valid_token(&settings, &store).unwrap();
        assert_eq!(token.access_token.expose(), "access-for-rt-next");
        assert_eq!(store.record().unwrap().refresh_token.expose(), "rt-next");
        assert!(!settings.paths.rescue_file("default").exists());
        endpoint.assert_calls(1);
    }

    #[test]
    fn nothing_shared_is_seeded_once_from_the_seed_then_read_like_any_secret() {
        let fixture = Fixture::new();
        let settings = fleet_settings(&fixture, "refresher");
        let endpoint = fixture.rotates("rt-seed", "rt-2");
        let store = MemoryStore::shared(None);
        let session =
            Session::over(&settings, Box::new(&store)).seeded_with(Some(Secret::new("rt-seed")));
        let (token, _) = session.token(five_minutes()).unwrap();
        assert_eq!(token.access_token.expose(), "access-for-rt-2");
        endpoint.assert_calls(1);
        std::fs::remove_file(settings.paths.cache_file("default")).unwrap();
        let error = Session::over(&settings, Box::new(&MemoryStore::shared(None)))
            .token(five_minutes())
            .unwrap_err();
        assert_eq!(error.kind(), Kind::NotLoggedIn);
    }

    /// Issue 27.3: the readers' copy is ordered by the shared secret's version, not by expiry:
    /// a ten-year token published once is replaced by the next refresh's.
    #[test]
    fn a_long_lived_published_token_is_replaced_by_a_newer_version() {
        let fixture = Fixture::new();
        let settings = fleet_settings(&fixture, "refresher");
        let store = MemoryStore::shared(Some(state(&fixture, "rt-1", None)));
        let session = Session::over(&settings, Box::new(&store));
        let shared: &dyn crate::store::SharedStore = &&store;
        let decade = access(&fixture, "ten-years", 10 * 365 * 86_400);
        session.publish_for_readers(shared, &decade, &crate::store::Version::shared(5));
        let hour = access(&fixture, "one-hour", 3600);
        session.publish_for_readers(shared, &hour, &crate::store::Version::shared(7));
        assert_eq!(
            store.published().unwrap().token.access_token.expose(),
            "one-hour"
        );
        // An older version never replaces a newer one, however long it lives.
        session.publish_for_readers(shared, &decade, &crate::store::Version::shared(6));
        let published = store.published().unwrap();
        assert_eq!(published.token.access_token.expose(), "one-hour");
        assert_eq!(published.source_version, 7);
    }

    #[test]
    fn a_reader_takes_only_the_published_token_and_refuses_an_implausible_one() {
        let fixture = Fixture::new();
        let settings = fleet_settings(&fixture, "reader");
        let store = MemoryStore::shared(Some(state(&fixture, "rt-never-read", None)));
        store.write_published_for_test(Published {
            token: access(&fixture, "published-at", 3000),
            source_version: 1,
        });
        let (token, _) = valid_token(&settings, &store).unwrap();
        assert_eq!(token.access_token.expose(), "published-at");
        let _ = std::fs::remove_file(settings.paths.cache_file("default"));
        store.write_published_for_test(Published {
            token: access(&fixture, "forever", 10 * 365 * 86_400),
            source_version: 2,
        });
        let error = valid_token(&settings, &store).unwrap_err();
        assert_eq!(error.kind(), Kind::ServerRefused);
        assert!(
            error
                .message()
                .contains("longer than any access token lives"),
            "{}",
            error.message()
        );
        // status works for a reader: the published token, no record.
        let stored = Session::over(&settings, Box::new(&store)).stored().unwrap();
        assert!(stored.record.is_none());
        assert_eq!(stored.access.unwrap().access_token.expose(), "forever");
    }
}

/// Issue 27.8: a run killed between claiming the seed and storing it leaves a claim that the
/// same profile may take again; once stored, the claim holds for good.
#[test]
fn a_seed_claimed_but_never_stored_may_be_stored_by_the_same_profile() {
    let fixture = Fixture::new();
    let settings = fixture.configured();
    let endpoint = fixture.rotates("rt-seed", "rt-2");
    let claim = settings.paths.seed_file("rt-seed");
    let killed = serde_json::json!({
        "profile": "default", "at": "2026-12-01T00:00:00Z", "stored": false
    });
    crate::files::create_file(&claim, &killed).unwrap();
    let store = MemoryStore::default();
    let session =
        Session::over(&settings, Box::new(&store)).seeded_with(Some(Secret::new("rt-seed")));
    let (token, _) = session.token(five_minutes()).unwrap();
    assert_eq!(token.access_token.expose(), "access-for-rt-2");
    endpoint.assert_calls(1);
    let marked: serde_json::Value = crate::files::read_file(&claim).unwrap().unwrap();
    assert_eq!(marked["stored"], true);

    // Logged out: the seed was spent, and is refused with what happened to it.
    std::fs::remove_file(settings.paths.cache_file("default")).unwrap();
    let empty = MemoryStore::default();
    let error = Session::over(&settings, Box::new(&empty))
        .seeded_with(Some(Secret::new("rt-seed")))
        .token(five_minutes())
        .unwrap_err();
    assert_eq!(error.kind(), Kind::InvalidInput);
    assert!(
        error
            .message()
            .contains("already stored for profile \"default\""),
        "{}",
        error.message()
    );
}

/// Issue 27.14: a seeded chain does not know when it began; the first refresh's `auth_time`
/// tells it.
#[test]
fn a_seeded_chain_learns_its_start_from_the_refreshed_tokens_auth_time() {
    let fixture = Fixture::new();
    let settings = fixture.configured();
    let auth_time = Utc::now().with_nanosecond(0).unwrap() - Span::days(3);
    let jwt = {
        use base64::Engine as _;
        let part = |value: serde_json::Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
        };
        format!(
            "{}.{}.sig",
            part(serde_json::json!({"alg": "PS256", "typ": "at+jwt"})),
            part(serde_json::json!({
                "auth_time": auth_time.timestamp(),
                "exp": (Utc::now() + Span::hours(1)).timestamp()
            }))
        )
    };
    fixture.server.mock(|when, then| {
        when.method(POST).path("/connect/token");
        then.status(200).json_body(serde_json::json!({
            "access_token": jwt, "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt-2"
        }));
    });
    let mut seeded = fixture.record("rt-1");
    seeded.authorized_at = None;
    let store = MemoryStore::with(seeded);
    valid_token(&settings, &store).unwrap();
    assert_eq!(store.record().unwrap().authorized_at, Some(auth_time));
}

/// Issue 27.6: an access token that is dead on arrival (`expires_in: 0`) is the server's
/// failure — never handed out — and the rotated refresh token is kept all the same.
#[test]
fn an_access_token_already_expired_on_arrival_is_a_failure_and_the_refresh_token_kept() {
    let fixture = Fixture::new();
    let settings = fixture.configured();
    fixture.server.mock(|when, then| {
        when.method(POST).path("/connect/token");
        then.status(200).json_body(serde_json::json!({
            "access_token": "at-dead", "token_type": "Bearer", "expires_in": 0, "refresh_token": "rt-2"
        }));
    });
    let store = MemoryStore::with(fixture.record("rt-1"));
    let error = valid_token(&settings, &store).unwrap_err();
    assert_eq!(error.kind(), Kind::ServerRefused);
    assert!(
        error.message().contains("already expired"),
        "{}",
        error.message()
    );
    assert_eq!(store.record().unwrap().refresh_token.expose(), "rt-2");
    assert!(
        Session::over(&settings, Box::new(&store))
            .cached_token()
            .unwrap()
            .is_none()
    );
}
