//! Signature and claim checks of a decoded [`Jwt`] against keys given as values (a JSON Web Key
//! Set). The algorithm must suit the key and be on the allow-list: `none` and HMAC are refused,
//! whatever the token's header asks for. The cryptography is `jsonwebtoken`'s (ring).

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use jsonwebtoken::Algorithm;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, PublicKeyUse};
use serde_json::Value;

use super::{Jwt, TimeClaim};

/// The algorithms amtoken verifies.
const ALLOWED: [&str; 9] = [
    "PS256", "PS384", "PS512", "RS256", "RS384", "RS512", "ES256", "ES384", "EdDSA",
];

/// Why a token did not verify. Each says which check failed and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VerifyError {
    #[error("not a JSON Web Key Set: {0}")]
    BadKeySet(String),
    #[error("the token is unsigned (alg none or an empty signature): there is nothing to verify")]
    Unsigned,
    #[error("the token's header names no alg")]
    NoAlgorithm,
    #[error(
        "the token's header marks {0} as critical (crit), which amtoken does not understand: refused (RFC 7515 §4.1.11)"
    )]
    UnknownCritical(String),
    #[error("the token is for client {found:?}, not {expected:?}")]
    WrongClient { expected: String, found: String },
    #[error(
        "the token asks for {0}, an HMAC algorithm: refused, since a public key set cannot check a shared-secret signature"
    )]
    Hmac(String),
    #[error("the token asks for alg {0:?}, which is not allowed (allowed: {allowed})", allowed = ALLOWED.join(", "))]
    DisallowedAlgorithm(String),
    #[error("no key with kid {kid:?} in the key set")]
    UnknownKey { kid: String },
    #[error("key {kid:?} cannot verify {alg}: {why}")]
    UnsuitableKey {
        kid: String,
        alg: String,
        why: String,
    },
    #[error("no key in the key set can verify {0}")]
    NoSuitableKey(String),
    #[error("the signature does not match {}: the token was altered or signed by another key", key_name(.kid))]
    BadSignature { kid: Option<String> },
    #[error("the token has no exp claim")]
    NoExpiry,
    #[error("the {claim} claim is unreadable: {why}")]
    BadTime { claim: &'static str, why: String },
    #[error("the token expired at {at} (leeway {}s)", .leeway.as_secs())]
    Expired { at: String, leeway: Duration },
    #[error("the token is not valid before {at} (leeway {}s)", .leeway.as_secs())]
    NotYetValid { at: String, leeway: Duration },
    #[error("the token was issued by {}, not by {expected}", .found.as_deref().map(|found| format!("{found:?}")).unwrap_or_else(|| "nobody (no iss claim)".into()))]
    WrongIssuer {
        expected: String,
        found: Option<String>,
    },
    #[error("the token is for audience {}, not {expected:?}", if .found.is_empty() { "none (no aud claim)".to_string() } else { format!("{:?}", .found) })]
    WrongAudience {
        expected: String,
        found: Vec<String>,
    },
}

impl VerifyError {
    /// Whether fetching the key set again could help: the token names a key it lacks.
    pub fn is_unknown_key(&self) -> bool {
        matches!(self, VerifyError::UnknownKey { .. })
    }

    /// Whether the key set itself is the trouble, rather than the token.
    pub fn is_bad_key_set(&self) -> bool {
        matches!(self, VerifyError::BadKeySet(_))
    }
}

fn key_name(kid: &Option<String>) -> String {
    match kid {
        Some(kid) => format!("key {kid:?}"),
        None => "any key".into(),
    }
}

/// The usable keys of a JWKS. Keys amtoken cannot read (other types, private parameters it
/// does not know) are skipped, not fatal: one odd key must not hide the rest.
#[derive(Debug, Clone)]
pub struct KeySet {
    keys: Vec<Jwk>,
}

impl KeySet {
    /// Reads `{"keys": [...]}`.
    pub fn from_json(bytes: &[u8]) -> Result<KeySet, VerifyError> {
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|error| VerifyError::BadKeySet(format!("not JSON: {error}")))?;
        let Some(keys) = value.get("keys").and_then(Value::as_array) else {
            return Err(VerifyError::BadKeySet("no \"keys\" array".into()));
        };
        let keys = keys
            .iter()
            .filter_map(|key| serde_json::from_value::<Jwk>(key.clone()).ok())
            .collect();
        Ok(KeySet { keys })
    }

    /// How many keys could be read.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no key could be read.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Which key verified the signature, with which algorithm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub key_id: Option<String>,
    pub algorithm: String,
}

/// What the claims must say.
#[derive(Debug, Clone, Copy)]
pub struct Expectations<'a> {
    /// `iss` must equal this.
    pub issuer: Option<&'a str>,
    /// `aud` (a string or an array) must contain this.
    pub audience: Option<&'a str>,
    /// The token's `client_id` (RFC 9068), or else its `azp`, must equal this.
    pub client_id: Option<&'a str>,
    /// Clock skew allowed for `exp` and `nbf`.
    pub leeway: Duration,
    pub now: DateTime<Utc>,
}

/// Checks the signature with a key of `keys`: the one the token's `kid` names, or, without a
/// `kid`, every key that suits the algorithm.
pub fn verify_signature(token: &Jwt, keys: &KeySet) -> Result<Verified, VerifyError> {
    refuse_critical(token)?;
    let alg = allowed_algorithm(token)?;
    let kid = token.header_str("kid");
    let named: Vec<&Jwk> = match kid {
        Some(kid) => keys
            .keys
            .iter()
            .filter(|key| key.common.key_id.as_deref() == Some(kid))
            .collect(),
        None => keys.keys.iter().collect(),
    };
    if let (Some(kid), true) = (kid, named.is_empty()) {
        return Err(VerifyError::UnknownKey {
            kid: kid.to_string(),
        });
    }
    let mut suitable = Vec::new();
    let mut last_refusal = None;
    for key in named {
        match suits(key, alg) {
            Ok(()) => suitable.push(key),
            Err(why) => last_refusal = Some(why),
        }
    }
    let alg_name = algorithm_name(alg);
    if suitable.is_empty() {
        return Err(match (kid, last_refusal) {
            (Some(kid), Some(why)) => VerifyError::UnsuitableKey {
                kid: kid.to_string(),
                alg: alg_name,
                why,
            },
            _ => VerifyError::NoSuitableKey(alg_name),
        });
    }
    let signature = URL_SAFE_NO_PAD.encode(&token.signature);
    for key in suitable {
        let Ok(decoding_key) = jsonwebtoken::DecodingKey::from_jwk(key) else {
            continue;
        };
        // `suits` matched the key's family to the algorithm, so ring gets what it expects.
        let valid = jsonwebtoken::crypto::verify(
            &signature,
            token.signing_input.as_bytes(),
            &decoding_key,
            alg,
        )
        .unwrap_or(false);
        if valid {
            return Ok(Verified {
                key_id: key.common.key_id.clone(),
                algorithm: alg_name,
            });
        }
    }
    Err(VerifyError::BadSignature {
        kid: kid.map(str::to_string),
    })
}

/// RFC 7515 §4.1.11: a header that marks parameters critical must be refused unless every
/// one is understood. amtoken understands no extension (not even `b64` of RFC 7797), so any
/// `crit` — malformed or empty ones too — is refused, before any signature work.
fn refuse_critical(token: &Jwt) -> Result<(), VerifyError> {
    let Some(critical) = token.header.get("crit") else {
        return Ok(());
    };
    let names = match critical {
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .map(|item| match item {
                Value::String(name) => format!("{name:?}"),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => format!("{other} (not a list of names)"),
    };
    Err(VerifyError::UnknownCritical(names))
}

/// The token's `alg`, when it is on the allow-list.
fn allowed_algorithm(token: &Jwt) -> Result<Algorithm, VerifyError> {
    if token.signature.is_empty() {
        return Err(VerifyError::Unsigned);
    }
    let Some(alg) = token.header_str("alg") else {
        return Err(VerifyError::NoAlgorithm);
    };
    if alg.eq_ignore_ascii_case("none") {
        return Err(VerifyError::Unsigned);
    }
    if alg.to_ascii_uppercase().starts_with("HS") {
        return Err(VerifyError::Hmac(alg.to_string()));
    }
    if !ALLOWED.contains(&alg) {
        return Err(VerifyError::DisallowedAlgorithm(alg.to_string()));
    }
    alg.parse()
        .map_err(|_| VerifyError::DisallowedAlgorithm(alg.to_string()))
}

fn algorithm_name(alg: Algorithm) -> String {
    format!("{alg:?}")
}

/// Whether `key` may verify `alg`: a signing key (by `use`, when given), of the algorithm's
/// family and curve, and of that very algorithm when the key names one.
fn suits(key: &Jwk, alg: Algorithm) -> Result<(), String> {
    if matches!(
        key.common.public_key_use,
        Some(PublicKeyUse::Encryption) | Some(PublicKeyUse::Other(_))
    ) {
        return Err("it is not a signing key (use is not \"sig\")".into());
    }
    if let Some(key_alg) = &key.common.key_algorithm {
        let key_alg = format!("{key_alg:?}");
        if key_alg != algorithm_name(alg) {
            return Err(format!("the key is for {key_alg}"));
        }
    }
    let fits = match (&key.algorithm, alg) {
        (
            AlgorithmParameters::RSA(_),
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512,
        ) => true,
        (AlgorithmParameters::EllipticCurve(params), Algorithm::ES256) => {
            params.curve == EllipticCurve::P256
        }
        (AlgorithmParameters::EllipticCurve(params), Algorithm::ES384) => {
            params.curve == EllipticCurve::P384
        }
        (AlgorithmParameters::OctetKeyPair(params), Algorithm::EdDSA) => {
            params.curve == EllipticCurve::Ed25519
        }
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        Err(format!("it is a {} key", key_type(key)))
    }
}

fn key_type(key: &Jwk) -> &'static str {
    match &key.algorithm {
        AlgorithmParameters::RSA(_) => "RSA",
        AlgorithmParameters::EllipticCurve(params) => match params.curve {
            EllipticCurve::P256 => "P-256",
            EllipticCurve::P384 => "P-384",
            EllipticCurve::P521 => "P-521",
            EllipticCurve::Ed25519 => "Ed25519",
        },
        AlgorithmParameters::OctetKey(_) => "symmetric (oct)",
        AlgorithmParameters::OctetKeyPair(_) => "OKP",
    }
}

/// Checks `exp` (required), `nbf`, `iss`, `aud` and the client as `expect` says. Returns what
/// could not be checked, in words: nothing expected of it, or the token silent on it.
pub fn check_claims(token: &Jwt, expect: &Expectations<'_>) -> Result<Vec<String>, VerifyError> {
    let mut unchecked = Vec::new();
    let leeway = chrono::Duration::from_std(expect.leeway).unwrap_or(chrono::Duration::zero());
    match token.time_claim("exp") {
        TimeClaim::Missing => return Err(VerifyError::NoExpiry),
        TimeClaim::Invalid(why) => return Err(VerifyError::BadTime { claim: "exp", why }),
        TimeClaim::At(at) if at + leeway <= expect.now => {
            return Err(VerifyError::Expired {
                at: crate::text::rfc3339(at),
                leeway: expect.leeway,
            });
        }
        TimeClaim::At(_) => {}
    }
    match token.time_claim("nbf") {
        TimeClaim::Invalid(why) => return Err(VerifyError::BadTime { claim: "nbf", why }),
        TimeClaim::At(at) if at - leeway > expect.now => {
            return Err(VerifyError::NotYetValid {
                at: crate::text::rfc3339(at),
                leeway: expect.leeway,
            });
        }
        _ => {}
    }
    if let Some(expected) = expect.issuer {
        let found = token.claim_str("iss");
        if found != Some(expected) {
            return Err(VerifyError::WrongIssuer {
                expected: expected.to_string(),
                found: found.map(str::to_string),
            });
        }
    } else {
        unchecked.push("iss (no issuer expected)".to_string());
    }
    match expect.client_id {
        Some(expected) => match token.claim_str("client_id").or(token.claim_str("azp")) {
            Some(found) if found == expected => {}
            Some(found) => {
                return Err(VerifyError::WrongClient {
                    expected: expected.to_string(),
                    found: found.to_string(),
                });
            }
            None => unchecked.push("the client (the token has no client_id or azp claim)".into()),
        },
        None => unchecked.push("the client (no client id is configured)".into()),
    }
    if expect.audience.is_none() {
        unchecked.push("aud (no --audience given)".into());
    }
    if let Some(expected) = expect.audience {
        let found: Vec<String> = match token.payload.get("aud") {
            Some(Value::String(audience)) => vec![audience.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        };
        if !found.iter().any(|audience| audience == expected) {
            return Err(VerifyError::WrongAudience {
                expected: expected.to_string(),
                found,
            });
        }
    }
    Ok(unchecked)
}

#[cfg(test)]
mod tests;
