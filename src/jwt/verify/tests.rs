//! Verification against the fixtures of tests/fixtures (made by make-fixtures.mjs from the
//! committed test keys), and against the examples of RFC 7515.

use super::*;
use crate::jwt::decode;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../../../tests/fixtures/", $name)).trim()
    };
}

fn keys() -> KeySet {
    KeySet::from_json(fixture!("jwks.json").as_bytes()).unwrap()
}

fn verify(token: &str) -> Result<Verified, VerifyError> {
    verify_signature(&decode(token).unwrap(), &keys())
}

fn expect(now: &str) -> Expectations<'static> {
    Expectations {
        issuer: Some("https://identity.approvalmax.com"),
        audience: None,
        client_id: None,
        leeway: Duration::from_secs(60),
        now: DateTime::parse_from_rfc3339(now)
            .unwrap()
            .with_timezone(&Utc),
    }
}

#[test]
fn a_key_set_skips_keys_it_cannot_read() {
    assert_eq!(keys().len(), 3);
    assert!(KeySet::from_json(b"[]").unwrap_err().is_bad_key_set());
    assert!(KeySet::from_json(b"not json").unwrap_err().is_bad_key_set());
}

#[test]
fn good_tokens_verify_with_the_key_they_name_or_any_that_suits() {
    let cases = [
        (
            fixture!("approvalmax-access-token.jwt"),
            "PS256",
            Some("6B2F1C0DA4E3498F8E5A7C11D9B0E2F4"),
        ),
        (fixture!("es256.jwt"), "ES256", Some("ec-p256-1")),
        // No kid: every RSA key is tried.
        (fixture!("rs256-no-kid.jwt"), "RS256", Some("rsa-any")),
    ];
    for (token, algorithm, kid) in cases {
        let verified = verify(token).unwrap();
        assert_eq!(verified.algorithm, algorithm);
        assert_eq!(verified.key_id.as_deref(), kid);
    }
}

#[test]
fn a_tampered_payload_fails() {
    let token = fixture!("approvalmax-access-token.jwt");
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    let mut payload = decode(token).unwrap().payload;
    payload.insert("sub".into(), "someone-else".into());
    parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap());
    let error = verify(&parts.join(".")).unwrap_err();
    assert!(matches!(error, VerifyError::BadSignature { .. }), "{error}");
}

#[test]
fn another_key_fails() {
    let error = verify(fixture!("signed-by-another-key.jwt")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the signature does not match key \"6B2F1C0DA4E3498F8E5A7C11D9B0E2F4\": the token was altered or signed by another key"
    );
}

#[test]
fn none_and_hmac_are_refused_whatever_the_header_says() {
    assert_eq!(
        verify(fixture!("unsigned.jwt")).unwrap_err(),
        VerifyError::Unsigned
    );
    // HS256 keyed with the RSA public key's bytes: the algorithm-confusion attack.
    assert_eq!(
        verify(fixture!("hs256-public-key.jwt")).unwrap_err(),
        VerifyError::Hmac("HS256".into())
    );
}

#[test]
fn the_algorithm_must_suit_the_key() {
    // The PS256 key, asked to verify ES256.
    let token = fixture!("es256.jwt");
    let mut jwt = decode(token).unwrap();
    jwt.header
        .insert("kid".into(), "6B2F1C0DA4E3498F8E5A7C11D9B0E2F4".into());
    let error = verify_signature(&jwt, &keys()).unwrap_err();
    assert!(
        matches!(error, VerifyError::UnsuitableKey { .. }),
        "{error}"
    );
    // The RSA key says PS256: RS256 with it is refused.
    jwt.header.insert("alg".into(), "RS256".into());
    let error = verify_signature(&jwt, &keys()).unwrap_err();
    assert!(
        error.to_string().contains("the key is for PS256"),
        "{error}"
    );
}

#[test]
fn a_kid_missing_from_the_set_is_an_unknown_key() {
    let mut jwt = decode(fixture!("approvalmax-access-token.jwt")).unwrap();
    jwt.header.insert("kid".into(), "rotated".into());
    let error = verify_signature(&jwt, &keys()).unwrap_err();
    assert!(error.is_unknown_key(), "{error}");
}

#[test]
fn claims_are_checked_with_leeway() {
    let valid = decode(fixture!("approvalmax-access-token.jwt")).unwrap();
    check_claims(&valid, &expect("2026-11-26T00:00:00Z")).unwrap();

    let expired = decode(fixture!("expired.jwt")).unwrap();
    // exp is 2025-12-01T01:00:00Z; 59 s later is within the leeway, 61 s is not.
    check_claims(&expired, &expect("2025-12-01T01:00:59Z")).unwrap();
    let error = check_claims(&expired, &expect("2025-12-01T01:01:01Z")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the token expired at 2025-12-01T01:00:00Z (leeway 60s)"
    );

    let future = decode(fixture!("not-yet-valid.jwt")).unwrap();
    let error = check_claims(&future, &expect("2026-11-26T00:00:00Z")).unwrap_err();
    assert!(matches!(error, VerifyError::NotYetValid { .. }), "{error}");
}

#[test]
fn issuer_and_audience_must_match() {
    let token = decode(fixture!("es256.jwt")).unwrap();
    let now = expect("2026-11-26T00:00:00Z");
    let error = check_claims(
        &token,
        &Expectations {
            issuer: Some("https://evil.example"),
            ..now
        },
    )
    .unwrap_err();
    assert!(matches!(error, VerifyError::WrongIssuer { .. }), "{error}");
    check_claims(
        &token,
        &Expectations {
            audience: Some("https://public-api.approvalmax.com"),
            ..now
        },
    )
    .unwrap();
    let error = check_claims(
        &token,
        &Expectations {
            audience: Some("https://other.example"),
            ..now
        },
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the token is for audience [\"https://public-api.approvalmax.com\"], not \"https://other.example\""
    );
}

/// RFC 7515 §4.1.11: a validly signed token whose header marks an unknown parameter critical
/// is refused, and so is a malformed `crit`.
#[test]
fn an_unknown_critical_header_is_refused_even_with_a_good_signature() {
    let error = verify(fixture!("crit.jwt")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the token's header marks \"urn:example:must-know\" as critical (crit), which amtoken does not understand: refused (RFC 7515 §4.1.11)"
    );
    let valid = fixture!("approvalmax-access-token.jwt");
    let (_, rest) = valid.split_once('.').unwrap();
    for crit in [r#"[]"#, r#""exp""#] {
        let header =
            format!(r#"{{"alg":"PS256","kid":"6B2F1C0DA4E3498F8E5A7C11D9B0E2F4","crit":{crit}}}"#);
        let token = format!("{}.{rest}", URL_SAFE_NO_PAD.encode(header));
        assert!(
            matches!(verify(&token), Err(VerifyError::UnknownCritical(_))),
            "{crit}"
        );
    }
}

/// The profile's client id is checked against `client_id` (RFC 9068), else `azp`; what was not
/// checked is said.
#[test]
fn the_client_is_checked_when_one_is_configured_and_the_rest_reported() {
    let token = decode(fixture!("approvalmax-access-token.jwt")).unwrap();
    let now = expect("2026-11-26T00:00:00Z");
    let unchecked = check_claims(
        &token,
        &Expectations {
            client_id: Some("0F3A6C2B9D8E4F1A7B5C3D2E1F0A9B8C"),
            ..now
        },
    )
    .unwrap();
    assert_eq!(unchecked, ["aud (no --audience given)"]);
    let error = check_claims(
        &token,
        &Expectations {
            client_id: Some("ANOTHER"),
            ..now
        },
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the token is for client \"0F3A6C2B9D8E4F1A7B5C3D2E1F0A9B8C\", not \"ANOTHER\""
    );
    let unchecked = check_claims(&token, &now).unwrap();
    assert_eq!(
        unchecked,
        [
            "the client (no client id is configured)",
            "aud (no --audience given)"
        ]
    );
}
