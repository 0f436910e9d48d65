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
