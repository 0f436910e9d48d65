//! The one place tokens are parsed: compact JWT → header, claims (order kept) and a time verdict.
//!
//! Decoding never trusts the token: every step that can fail has its own [`JwtError`], and no
//! input makes it panic (see the proptest suite below).

mod verify;

use std::fmt;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

pub use verify::{Expectations, KeySet, Verified, VerifyError, check_claims, verify_signature};

/// Tokens longer than this are refused before any work is done.
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// The claim of an ApprovalMax access token that names the connection the user granted.
pub const APPROVALMAX_CONNECTION_CLAIM: &str = "https://www.approvalmax.com/connection";

/// The time claims that get a reading of their own, in display order.
pub const TIME_CLAIMS: [&str; 4] = ["nbf", "exp", "iat", "auth_time"];

/// base64url, padded or not; the standard alphabet is mapped onto it before decoding.
const SEGMENT_ENGINE: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// One of the three parts of a compact JWT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    Header,
    Payload,
    Signature,
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Segment::Header => "header",
            Segment::Payload => "payload",
            Segment::Signature => "signature",
        })
    }
}

/// Why a token could not be decoded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum JwtError {
    #[error("the input is empty")]
    Empty,
    #[error("the input is {0} bytes, over the limit of 64 KiB")]
    TooLarge(usize),
    #[error("the input is not text (byte 0x{byte:02x} at offset {offset})")]
    NotText { byte: u8, offset: usize },
    #[error("the token is encrypted (JWE, 5 segments) and cannot be read without the key")]
    Encrypted,
    #[error(
        "not a JWT: this is an opaque token (no dots), which only the server that issued it can read"
    )]
    Opaque,
    #[error("expected 3 segments separated by dots (header.payload.signature), found {0}")]
    SegmentCount(usize),
    #[error("the {0} segment is empty")]
    EmptySegment(Segment),
    #[error(
        "the {segment} segment is not base64url: invalid character {character:?} at position {position}"
    )]
    BadCharacter {
        segment: Segment,
        character: char,
        position: usize,
    },
    #[error("the {segment} segment is not base64url: {reason}")]
    BadBase64 { segment: Segment, reason: String },
    #[error("the {segment} is not JSON: {reason}")]
    NotJson { segment: Segment, reason: String },
    #[error("the {segment} is JSON but not an object (found {found})")]
    NotObject {
        segment: Segment,
        found: &'static str,
    },
}

/// A decoded (not verified) JWT.
#[derive(Debug, Clone)]
pub struct Jwt {
    /// The JOSE header, keys in token order.
    pub header: Map<String, Value>,
    /// The claims, keys in token order, unknown ones kept.
    pub payload: Map<String, Value>,
    /// The raw signature bytes; empty for an unsecured token.
    pub signature: Vec<u8>,
    /// `header.payload` as it appeared in the token: what a signature covers.
    pub signing_input: String,
    /// Notes about what was cleaned from the input (whitespace, `Bearer ` prefix).
    pub warnings: Vec<String>,
}

/// What a time claim held.
#[derive(Debug, Clone, PartialEq)]
pub enum TimeClaim {
    Missing,
    At(DateTime<Utc>),
    /// Present but unreadable: not a number, or outside the range of dates.
    Invalid(String),
}

/// The token's standing at a given instant, judged from `nbf` and `exp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    Valid,
    Expired,
    NotYetValid,
    NoExpiry,
}

impl Validity {
    /// The snake_case name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Validity::Valid => "valid",
            Validity::Expired => "expired",
            Validity::NotYetValid => "not_yet_valid",
            Validity::NoExpiry => "no_expiry",
        }
    }
}

/// Decodes raw input bytes (an argument or standard input) into a [`Jwt`].
pub fn decode_bytes(input: &[u8]) -> Result<Jwt, JwtError> {
    if input.len() > MAX_TOKEN_BYTES {
        return Err(JwtError::TooLarge(input.len()));
    }
    let text = std::str::from_utf8(input).map_err(|error| {
        let offset = error.valid_up_to();
        JwtError::NotText {
            byte: input[offset],
            offset,
        }
    })?;
    if let Some((offset, character)) = text
        .char_indices()
        .find(|(_, c)| c.is_control() && !c.is_whitespace())
    {
        return Err(JwtError::NotText {
            byte: u32::from(character).try_into().unwrap_or(u8::MAX),
            offset,
        });
    }
    decode(text)
}

/// Decodes a compact JWT as people paste it: surrounding whitespace and quotes, a leading
/// `Bearer ` or `Authorization: Bearer `, and line breaks or spaces inside are all accepted.
pub fn decode(input: &str) -> Result<Jwt, JwtError> {
    if input.len() > MAX_TOKEN_BYTES {
        return Err(JwtError::TooLarge(input.len()));
    }
    let mut warnings = Vec::new();
    let token = strip_wrapping(input);
    let (token, removed) = remove_inner_whitespace(token);
    if removed > 0 {
        warnings.push(format!(
            "removed {removed} whitespace character{} from inside the token",
            if removed == 1 { "" } else { "s" }
        ));
    }
    if token.is_empty() {
        return Err(JwtError::Empty);
    }

    let segments: Vec<&str> = token.split('.').collect();
    match segments.len() {
        3 => {}
        1 => return Err(JwtError::Opaque),
        5 => return Err(JwtError::Encrypted),
        n => return Err(JwtError::SegmentCount(n)),
    }
    let header = decode_object(segments[0], Segment::Header)?;
    let payload = decode_object(segments[1], Segment::Payload)?;
    let signature = if segments[2].is_empty() {
        Vec::new()
    } else {
        decode_segment(segments[2], Segment::Signature)?
    };
    Ok(Jwt {
        header,
        payload,
        signature,
        signing_input: format!("{}.{}", segments[0], segments[1]),
        warnings,
    })
}

/// Trims whitespace, matching quotes and an `Authorization:` / `Bearer` prefix.
fn strip_wrapping(input: &str) -> &str {
    let mut token = input.trim();
    for quote in ['"', '\''] {
        if token.len() >= 2 && token.starts_with(quote) && token.ends_with(quote) {
            token = token[1..token.len() - 1].trim();
        }
    }
    for prefix in ["authorization:", "bearer"] {
        if let Some(head) = token.get(..prefix.len())
            && head.eq_ignore_ascii_case(prefix)
        {
            let rest = &token[prefix.len()..];
            // "Bearer" must be a word of its own, not the start of a token.
            if prefix.ends_with(':') || rest.starts_with(char::is_whitespace) {
                token = rest.trim_start();
            }
        }
    }
    token
}

fn remove_inner_whitespace(token: &str) -> (String, usize) {
    let kept: String = token.chars().filter(|c| !c.is_whitespace()).collect();
    let removed = token.chars().count() - kept.chars().count();
    (kept, removed)
}

fn decode_segment(segment: &str, which: Segment) -> Result<Vec<u8>, JwtError> {
    let normalised: String = segment
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            other => other,
        })
        .collect();
    if let Some((index, character)) = normalised
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '='))
    {
        return Err(JwtError::BadCharacter {
            segment: which,
            character,
            position: normalised[..index].chars().count() + 1,
        });
    }
    SEGMENT_ENGINE
        .decode(normalised.as_bytes())
        .map_err(|error| match error {
            base64::DecodeError::InvalidByte(offset, byte) => JwtError::BadCharacter {
                segment: which,
                character: char::from(byte),
                position: offset + 1,
            },
            base64::DecodeError::InvalidLength(length) => JwtError::BadBase64 {
                segment: which,
                reason: format!("{length} characters is not a possible length"),
            },
            base64::DecodeError::InvalidLastSymbol(offset, byte) => JwtError::BadBase64 {
                segment: which,
                reason: format!(
                    "the last character {:?} (position {}) has stray bits; the segment is truncated or altered",
                    char::from(byte),
                    offset + 1
                ),
            },
            base64::DecodeError::InvalidPadding => JwtError::BadBase64 {
                segment: which,
                reason: "invalid padding".to_string(),
            },
        })
}

fn decode_object(segment: &str, which: Segment) -> Result<Map<String, Value>, JwtError> {
    if segment.is_empty() {
        return Err(JwtError::EmptySegment(which));
    }
    let bytes = decode_segment(segment, which)?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|error| JwtError::NotJson {
        segment: which,
        reason: error.to_string(),
    })?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(JwtError::NotObject {
            segment: which,
            found: json_kind(&other),
        }),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads a NumericDate (RFC 7519 §2): integer or fractional seconds since the epoch.
pub fn numeric_date(value: &Value) -> TimeClaim {
    let Value::Number(number) = value else {
        return TimeClaim::Invalid(format!(
            "expected seconds since the epoch, found {}",
            json_kind(value)
        ));
    };
    let out_of_range = || TimeClaim::Invalid(format!("{number} is outside the range of dates"));
    if let Some(seconds) = number.as_i64() {
        return DateTime::from_timestamp(seconds, 0).map_or_else(out_of_range, TimeClaim::At);
    }
    match number.as_f64() {
        Some(seconds) if seconds.is_finite() && seconds.abs() < 1e15 => {
            let whole = seconds.floor();
            // Whole seconds fit in i64 here (|seconds| < 1e15); the fraction is in [0, 1).
            let nanos = ((seconds - whole) * 1e9) as u32;
            DateTime::from_timestamp(whole as i64, nanos.min(999_999_999))
                .map_or_else(out_of_range, TimeClaim::At)
        }
        _ => out_of_range(),
    }
}

impl Jwt {
    /// A string claim, when present and a string.
    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.payload.get(name).and_then(Value::as_str)
    }

    /// A string header parameter, when present and a string.
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header.get(name).and_then(Value::as_str)
    }

    /// True for an unsecured JWT: `alg: none`, or an empty signature segment.
    pub fn is_unsigned(&self) -> bool {
        self.signature.is_empty()
            || self
                .header_str("alg")
                .is_some_and(|alg| alg.eq_ignore_ascii_case("none"))
    }

    /// Reads one time claim (`exp`, `nbf`, `iat`, `auth_time`, …).
    pub fn time_claim(&self, name: &str) -> TimeClaim {
        self.payload
            .get(name)
            .map_or(TimeClaim::Missing, numeric_date)
    }

    /// `exp`, when present and readable.
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        match self.time_claim("exp") {
            TimeClaim::At(at) => Some(at),
            _ => None,
        }
    }

    /// The verdict at `now`: not yet valid (`nbf` ahead), expired (`exp` reached), valid, or
    /// no (readable) expiry at all.
    pub fn validity(&self, now: DateTime<Utc>) -> Validity {
        if let TimeClaim::At(not_before) = self.time_claim("nbf")
            && not_before > now
        {
            return Validity::NotYetValid;
        }
        match self.expires_at() {
            Some(expires_at) if expires_at <= now => Validity::Expired,
            Some(_) => Validity::Valid,
            None => Validity::NoExpiry,
        }
    }

    /// The granted scopes: `scope` as a JSON array of strings or a space-separated string.
    pub fn scopes(&self) -> Vec<String> {
        scopes_of(self.payload.get("scope"))
    }
}

/// Scopes from a JSON array of strings or a space-separated string; anything else is none.
pub fn scopes_of(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(scopes)) => scopes.split_whitespace().map(str::to_owned).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use proptest::prelude::*;
    use serde_json::json;

    fn encode(value: &Value) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
    }

    fn token(header: Value, payload: Value) -> String {
        format!("{}.{}.c2lnbmF0dXJl", encode(&header), encode(&payload))
    }

    fn sample() -> String {
        token(
            json!({"alg": "PS256", "kid": "0123", "typ": "at+jwt"}),
            json!({"nbf": 1_700_000_000, "exp": 1_700_003_600, "iss": "https://issuer", "zeta": 1, "alpha": 2,
                   "scope": ["a", "b"]}),
        )
    }

    #[test]
    fn decode_keeps_claim_order_and_unknown_claims() {
        let jwt = decode(&sample()).unwrap();
        let keys: Vec<&str> = jwt.payload.keys().map(String::as_str).collect();
        assert_eq!(keys, ["nbf", "exp", "iss", "zeta", "alpha", "scope"]);
        assert_eq!(jwt.header_str("alg"), Some("PS256"));
        assert_eq!(jwt.signature, b"signature");
        assert!(!jwt.is_unsigned());
        assert!(jwt.warnings.is_empty());
    }

    #[test]
    fn decode_accepts_what_people_paste() {
        let plain = sample();
        let (head, tail) = plain.split_at(20);
        let cases = [
            format!("  {plain}\n"),
            format!("\"{plain}\""),
            format!("'{plain}'"),
            format!("Bearer {plain}"),
            format!("bearer   {plain}"),
            format!("Authorization: Bearer {plain}"),
            format!("AUTHORIZATION:Bearer {plain}"),
            format!("{head}\n{tail}"),
            format!("{head} \r\n {tail}"),
        ];
        for case in cases {
            let jwt = decode(&case).unwrap_or_else(|e| panic!("{case:?}: {e}"));
            assert_eq!(
                jwt.signing_input,
                plain.rsplit_once('.').unwrap().0,
                "{case:?}"
            );
        }
        assert_eq!(
            decode(&format!("{head}\n{tail}")).unwrap().warnings,
            ["removed 1 whitespace character from inside the token"]
        );
    }

    #[test]
    fn decode_accepts_padding_and_the_standard_alphabet() {
        // {"alg":"none","x":"?>?"} encodes with '+' / '/' in the standard alphabet.
        let header =
            base64::engine::general_purpose::STANDARD.encode(br#"{"alg":"none","x":"?>?>"}"#);
        assert!(header.contains('/') || header.contains('+') || header.ends_with('='));
        let jwt = decode(&format!("{header}.e30=.")).unwrap();
        assert_eq!(jwt.header_str("x"), Some("?>?>"));
        assert!(jwt.is_unsigned());
    }

    #[test]
    fn decode_rejects_each_malformed_case_precisely() {
        let good = encode(&json!({"alg": "none"}));
        let cases: Vec<(String, JwtError)> = vec![
            ("".into(), JwtError::Empty),
            ("  \n ".into(), JwtError::Empty),
            ("abc".into(), JwtError::Opaque),
            ("2YotnFZFEjr1zCsicMWpAA".into(), JwtError::Opaque),
            (format!("{good}.{good}"), JwtError::SegmentCount(2)),
            (format!("{good}.{good}.a.b"), JwtError::SegmentCount(4)),
            ("a.b.c.d.e".into(), JwtError::Encrypted),
            (
                format!(".{good}.sig"),
                JwtError::EmptySegment(Segment::Header),
            ),
            (
                format!("{good}..sig"),
                JwtError::EmptySegment(Segment::Payload),
            ),
            (
                format!("{good}.ab!c.sig"),
                JwtError::BadCharacter {
                    segment: Segment::Payload,
                    character: '!',
                    position: 3,
                },
            ),
            (
                format!("{good}.{good}.si*g"),
                JwtError::BadCharacter {
                    segment: Segment::Signature,
                    character: '*',
                    position: 3,
                },
            ),
            (
                format!("{good}.a.sig"),
                JwtError::BadBase64 {
                    segment: Segment::Payload,
                    reason: "1 characters is not a possible length".into(),
                },
            ),
            (
                format!("{}.{good}.sig", URL_SAFE_NO_PAD.encode("[1,2]")),
                JwtError::NotObject {
                    segment: Segment::Header,
                    found: "an array",
                },
            ),
            (
                format!("{good}.{}.sig", URL_SAFE_NO_PAD.encode("\"text\"")),
                JwtError::NotObject {
                    segment: Segment::Payload,
                    found: "a string",
                },
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(decode(&input).unwrap_err(), expected, "{input:?}");
        }
        let not_json =
            decode(&format!("{good}.{}.sig", URL_SAFE_NO_PAD.encode("{nope"))).unwrap_err();
        assert!(
            matches!(
                not_json,
                JwtError::NotJson {
                    segment: Segment::Payload,
                    ..
                }
            ),
            "{not_json:?}"
        );
    }

    #[test]
    fn decode_bytes_rejects_binary_and_oversized_input() {
        assert_eq!(
            decode_bytes(b"ab\xffcd").unwrap_err(),
            JwtError::NotText {
                byte: 0xff,
                offset: 2
            }
        );
        assert_eq!(
            decode_bytes(b"ab\0cd").unwrap_err(),
            JwtError::NotText { byte: 0, offset: 2 }
        );
        let huge = vec![b'a'; MAX_TOKEN_BYTES + 1];
        assert_eq!(
            decode_bytes(&huge).unwrap_err(),
            JwtError::TooLarge(MAX_TOKEN_BYTES + 1)
        );
    }

    #[test]
    fn an_empty_signature_is_an_unsecured_token() {
        let jwt = decode(&format!(
            "{}.{}.",
            encode(&json!({"alg": "none"})),
            encode(&json!({"sub": "x"}))
        ))
        .unwrap();
        assert!(jwt.is_unsigned());
        assert!(jwt.signature.is_empty());
    }

    #[test]
    fn numeric_dates_accept_integers_and_floats_and_report_the_rest() {
        let at = |s: i64| TimeClaim::At(DateTime::from_timestamp(s, 0).unwrap());
        assert_eq!(numeric_date(&json!(1_700_000_000)), at(1_700_000_000));
        assert_eq!(numeric_date(&json!(-5)), at(-5));
        assert_eq!(
            numeric_date(&json!(1_700_000_000.5)),
            TimeClaim::At(DateTime::from_timestamp(1_700_000_000, 500_000_000).unwrap())
        );
        for invalid in [
            json!("1700000000"),
            json!(null),
            json!(1e300),
            json!(i64::MAX),
            json!(u64::MAX),
            json!(-1e20),
        ] {
            assert!(
                matches!(numeric_date(&invalid), TimeClaim::Invalid(_)),
                "{invalid}"
            );
        }
    }

    #[test]
    fn validity_follows_nbf_and_exp() {
        let jwt = decode(&sample()).unwrap();
        let at = |s: i64| DateTime::from_timestamp(s, 0).unwrap();
        assert_eq!(jwt.validity(at(1_699_999_999)), Validity::NotYetValid);
        assert_eq!(jwt.validity(at(1_700_000_000)), Validity::Valid);
        assert_eq!(jwt.validity(at(1_700_003_599)), Validity::Valid);
        assert_eq!(jwt.validity(at(1_700_003_600)), Validity::Expired);
        let forever = decode(&token(json!({"alg": "none"}), json!({"sub": "x"}))).unwrap();
        assert_eq!(forever.validity(at(0)), Validity::NoExpiry);
    }

    #[test]
    fn scopes_come_from_an_array_or_a_string() {
        assert_eq!(scopes_of(Some(&json!(["a", "b"]))), ["a", "b"]);
        assert_eq!(
            scopes_of(Some(&json!("a  b offline_access"))),
            ["a", "b", "offline_access"]
        );
        assert!(scopes_of(Some(&json!(5))).is_empty());
        assert!(scopes_of(None).is_empty());
    }

    fn near_valid_token() -> impl Strategy<Value = String> {
        let claims = prop_oneof![
            Just(json!({"exp": 1e308})),
            Just(json!({"exp": -1e308, "nbf": u64::MAX})),
            Just(json!({"exp": "soon", "iat": [1], "scope": {"a": 1}})),
            any::<i64>().prop_map(|n| json!({"exp": n, "nbf": n, "iat": n, "auth_time": n})),
            any::<f64>().prop_map(|f| json!({"exp": f})),
        ];
        (claims, 0usize..60, any::<u8>(), 0usize..4).prop_map(|(claims, cut, byte, mutation)| {
            let mut token = token(json!({"alg": "PS256"}), claims);
            match mutation {
                0 => token.truncate(token.len().saturating_sub(cut)),
                1 => token.insert(cut.min(token.len()), '.'),
                2 => {
                    let index = cut.min(token.len() - 1);
                    token.replace_range(index..=index, &char::from(byte).to_string());
                }
                _ => token.push_str(&".".repeat(cut % 3)),
            }
            token
        })
    }

    proptest! {
        #[test]
        fn decode_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode_bytes(&bytes);
        }

        #[test]
        fn decode_never_panics_on_near_valid_tokens(token in near_valid_token()) {
            if let Ok(jwt) = decode(&token) {
                let _ = jwt.validity(Utc::now());
                let _ = jwt.scopes();
                for name in TIME_CLAIMS {
                    let _ = jwt.time_claim(name);
                }
            }
        }

        #[test]
        fn decode_never_panics_on_arbitrary_segments(a in "[A-Za-z0-9_=+/-]{0,40}", b in "[A-Za-z0-9_=+/-]{0,40}", c in ".{0,10}") {
            let _ = decode(&format!("{a}.{b}.{c}"));
        }
    }

    #[test]
    fn deeply_nested_json_is_an_error_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let payload = URL_SAFE_NO_PAD.encode(format!("{{\"a\":{deep}}}"));
        let error = decode(&format!("{}.{payload}.", encode(&json!({"alg": "none"})))).unwrap_err();
        assert!(
            matches!(error, JwtError::NotJson { .. } | JwtError::TooLarge(_)),
            "{error:?}"
        );
    }
}
