//! `amtoken decode`: shows what is inside a JWT, for people (`human`) and scripts (`--json`,
//! `--claim`). Rendering returns strings; printing happens once in [`run`].

use std::io::{IsTerminal as _, Read as _};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::cli::DecodeArgs;
use crate::config::Settings;
use crate::error::{Context as _, Error, Kind, Result};
use crate::http::Transport;
use crate::issuer::{Issuer, Verification, VerifyOptions};
use crate::jwt::{self, Jwt, TimeClaim, Validity};
use crate::output;

/// Runs `amtoken decode`. `settings` are resolved only for `--verify`, so that plain decoding
/// works whatever the config file says.
pub fn run(
    args: &DecodeArgs,
    color: bool,
    settings: impl FnOnce() -> Result<Settings>,
) -> Result<()> {
    let input = read_input(args.token.as_deref())?;
    let token = jwt::decode_bytes(&input).context("failed to decode token")?;
    for warning in &token.warnings {
        output::warn(warning);
    }
    let verification = if args.verify || args.jwks.is_some() || args.audience.is_some() {
        let settings = settings()?;
        let transport = Transport::new(settings.transport_options())?;
        Some(Issuer::new(&settings, &transport).verify(
            &token,
            &VerifyOptions {
                key_source: args.jwks.as_deref(),
                audience: args.audience.as_deref(),
                leeway: args.leeway,
            },
        )?)
    } else {
        None
    };
    let now = Utc::now();
    let rendered = if let Some(name) = &args.claim {
        render_claim(&token, name)?
    } else if args.json {
        render_json(&token, verification.as_ref(), now)
    } else {
        render_human(&token, verification.as_ref(), now, color)
    };
    output::print(&rendered)?;
    if args.check {
        check(&token, now)?;
    }
    Ok(())
}

fn read_input(argument: Option<&str>) -> Result<Vec<u8>> {
    match argument {
        Some(token) if token != "-" => Ok(token.as_bytes().to_vec()),
        _ => {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                output::note("reading a token from standard input (end with Ctrl-D)");
            }
            let mut input = Vec::new();
            // One byte past the limit is enough to know the input is too large.
            stdin
                .lock()
                .take(jwt::MAX_TOKEN_BYTES as u64 + 1)
                .read_to_end(&mut input)
                .map_err(|error| Error::new(Kind::InvalidInput, error))
                .context("failed to read standard input")?;
            Ok(input)
        }
    }
}

/// Fails with exit 10 when the token is outside its validity window at `now`, or when its
/// `exp`/`nbf` cannot be read (a check cannot vouch for a date it cannot read).
fn check(token: &Jwt, now: DateTime<Utc>) -> Result<()> {
    for name in ["exp", "nbf"] {
        if let TimeClaim::Invalid(why) = token.time_claim(name) {
            return Err(Error::msg(
                Kind::VerificationFailed,
                format!("{name} is unreadable: {why}"),
            )
            .context("token check failed"));
        }
    }
    let failure = match token.validity(now) {
        Validity::Expired => token.expires_at().map(|at| {
            format!(
                "the token expired {} ({})",
                output::relative((at - now).num_seconds()),
                output::rfc3339(at)
            )
        }),
        Validity::NotYetValid => match token.time_claim("nbf") {
            TimeClaim::At(at) => Some(format!(
                "the token is not valid until {} ({})",
                output::rfc3339(at),
                output::relative((at - now).num_seconds())
            )),
            _ => None,
        },
        Validity::Valid | Validity::NoExpiry => None,
    };
    match failure {
        Some(message) => {
            Err(Error::msg(Kind::VerificationFailed, message).context("token check failed"))
        }
        None => Ok(()),
    }
}

/// `--claim NAME`: strings raw, anything else as compact JSON.
fn render_claim(token: &Jwt, name: &str) -> Result<String> {
    match token.payload.get(name) {
        Some(Value::String(text)) => Ok(format!("{text}\n")),
        Some(other) => Ok(format!("{other}\n")),
        None => {
            let present: Vec<&str> = token.payload.keys().map(String::as_str).collect();
            Err(Error::msg(
                Kind::InvalidInput,
                format!(
                    "claim {name:?} is not in the token; claims present: {}",
                    if present.is_empty() {
                        "none".to_string()
                    } else {
                        present.join(", ")
                    }
                ),
            ))
        }
    }
}

/// The `--json` object. Field names are a public interface: see the README.
#[derive(Serialize)]
struct DecodeReport<'a> {
    header: &'a Map<String, Value>,
    payload: &'a Map<String, Value>,
    status: &'static str,
    signature_verified: bool,
    key_id: Option<&'a str>,
    jwks: Option<&'a str>,
    /// With --verify: what the claims check could not check.
    not_checked: Option<&'a [String]>,
    unsigned: bool,
    expires_at: Option<String>,
    expires_at_unix: Option<i64>,
    expires_in: Option<i64>,
    not_before: Option<String>,
    not_before_unix: Option<i64>,
    issued_at: Option<String>,
    issued_at_unix: Option<i64>,
    auth_time: Option<String>,
    auth_time_unix: Option<i64>,
    scopes: Vec<String>,
    warnings: Vec<String>,
}

fn render_json(token: &Jwt, verification: Option<&Verification>, now: DateTime<Utc>) -> String {
    let at = |name| match token.time_claim(name) {
        TimeClaim::At(at) => Some(at),
        _ => None,
    };
    let expires_at = at("exp");
    let mut warnings = token.warnings.clone();
    for name in jwt::TIME_CLAIMS {
        if let TimeClaim::Invalid(why) = token.time_claim(name) {
            warnings.push(format!("{name} is unreadable: {why}"));
        }
    }
    let report = DecodeReport {
        header: &token.header,
        payload: &token.payload,
        status: token.validity(now).as_str(),
        signature_verified: verification.is_some(),
        key_id: verification.and_then(|verification| verification.verified.key_id.as_deref()),
        jwks: verification.map(|verification| verification.key_source.as_str()),
        not_checked: verification.map(|verification| verification.not_checked.as_slice()),
        unsigned: token.is_unsigned(),
        expires_at: expires_at.map(output::rfc3339),
        expires_at_unix: expires_at.map(|at| at.timestamp()),
        expires_in: expires_at.map(|at| (at - now).num_seconds()),
        not_before: at("nbf").map(output::rfc3339),
        not_before_unix: at("nbf").map(|at| at.timestamp()),
        issued_at: at("iat").map(output::rfc3339),
        issued_at_unix: at("iat").map(|at| at.timestamp()),
        auth_time: at("auth_time").map(output::rfc3339),
        auth_time_unix: at("auth_time").map(|at| at.timestamp()),
        scopes: token.scopes(),
        warnings,
    };
    // One object on one line: easy for jq and for `read` in shell scripts.
    format!("{}\n", serde_json::to_string(&report).unwrap_or_default())
}

fn render_human(
    token: &Jwt,
    verification: Option<&Verification>,
    now: DateTime<Utc>,
    color: bool,
) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "Header\n{}\n\n",
        output::pretty_json(&token.header, color)
    ));
    out.push_str(&format!(
        "Payload\n{}\n\n",
        output::pretty_json(&token.payload, color)
    ));

    let mut rows: Vec<(&str, String)> = Vec::new();
    let text = |value: Option<&str>| value.map(str::to_owned);
    let algorithm = match token.header.get("alg") {
        Some(Value::String(alg)) => alg.clone(),
        Some(other) => other.to_string(),
        None => "(none given)".to_string(),
    };
    rows.push(("Algorithm", algorithm));
    let optional = [
        ("Key id", text(token.header_str("kid"))),
        ("Type", text(token.header_str("typ"))),
        ("Issuer", text(token.claim_str("iss"))),
        ("Subject", text(token.claim_str("sub"))),
        ("Client id", text(token.claim_str("client_id"))),
        (
            "Connection",
            text(token.claim_str(jwt::APPROVALMAX_CONNECTION_CLAIM)),
        ),
    ];
    rows.extend(
        optional
            .into_iter()
            .filter_map(|(label, value)| value.map(|v| (label, v))),
    );
    let scopes = token.scopes();
    if !scopes.is_empty() {
        rows.push(("Scopes", scopes.join("\n")));
    }
    for (name, label) in [
        ("nbf", "Not before"),
        ("exp", "Expires"),
        ("iat", "Issued at"),
        ("auth_time", "Auth time"),
    ] {
        match token.time_claim(name) {
            TimeClaim::Missing => {}
            TimeClaim::At(at) => rows.push((
                label,
                format!(
                    "{} ({})",
                    output::rfc3339(at),
                    output::relative((at - now).num_seconds())
                ),
            )),
            TimeClaim::Invalid(why) => rows.push((label, format!("unreadable: {why}"))),
        }
    }
    rows.push(("Status", status_line(token, now)));
    rows.push((
        "Signature",
        match verification {
            Some(verification) => format!(
                "verified with key {} from {} ({})",
                verification
                    .verified
                    .key_id
                    .as_deref()
                    .unwrap_or("(no kid)"),
                verification.key_source,
                verification.verified.algorithm,
            ),
            None if token.is_unsigned() => {
                "none: this is an unsecured token (alg none or no signature)".to_string()
            }
            None => "not verified".to_string(),
        },
    ));
    if let Some(verification) = verification
        && !verification.not_checked.is_empty()
    {
        rows.push(("Not checked", verification.not_checked.join("\n")));
    }

    let width = rows.iter().map(|(label, _)| label.len()).max().unwrap_or(0) + 2;
    for (label, value) in rows {
        for (index, line) in value.lines().enumerate() {
            let label = if index == 0 { label } else { "" };
            out.push_str(&format!("{label:<width$}{line}\n"));
        }
    }
    out
}

fn status_line(token: &Jwt, now: DateTime<Utc>) -> String {
    let validity = token.validity(now);
    match (validity, token.expires_at()) {
        (Validity::Valid, Some(at)) => format!(
            "valid, expires {}",
            output::relative((at - now).num_seconds())
        ),
        (Validity::Expired, Some(at)) => {
            format!("expired {}", output::relative((at - now).num_seconds()))
        }
        (Validity::NotYetValid, _) => "not yet valid".to_string(),
        (Validity::NoExpiry, _) => "valid, no expiry".to_string(),
        (_, None) => validity.as_str().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    fn token(payload: Value) -> Jwt {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"PS256","kid":"K1","typ":"at+jwt"}"#);
        let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
        jwt::decode(&format!("{header}.{payload}.c2ln")).unwrap()
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    #[test]
    fn status_lines_say_when() {
        let cases = [
            (json!({"exp": 4000}), 1000, "valid, expires in 50m"),
            (json!({"exp": 1000}), 4600, "expired 1h ago"),
            (json!({"nbf": 5000, "exp": 9000}), 1000, "not yet valid"),
            (json!({"sub": "x"}), 1000, "valid, no expiry"),
        ];
        for (payload, now, expected) in cases {
            assert_eq!(
                status_line(&token(payload.clone()), at(now)),
                expected,
                "{payload}"
            );
        }
    }

    #[test]
    fn claims_render_raw_or_as_compact_json() {
        let jwt = token(json!({"sub": "abc", "scope": ["a", "b"], "n": 5}));
        let cases = [("sub", "abc\n"), ("scope", "[\"a\",\"b\"]\n"), ("n", "5\n")];
        for (name, expected) in cases {
            assert_eq!(render_claim(&jwt, name).unwrap(), expected);
        }
        let missing = render_claim(&jwt, "aud").unwrap_err();
        assert_eq!(missing.kind(), Kind::InvalidInput);
        assert_eq!(
            missing.message(),
            "claim \"aud\" is not in the token; claims present: sub, scope, n"
        );
    }

    #[test]
    fn check_fails_outside_the_validity_window() {
        assert!(check(&token(json!({"exp": 4000})), at(1000)).is_ok());
        assert!(check(&token(json!({"sub": "x"})), at(1000)).is_ok());
        for (payload, now) in [
            (json!({"exp": 1000}), 2000),
            (json!({"nbf": 5000}), 1000),
            (json!({"exp": "x"}), 0),
        ] {
            let error = check(&token(payload.clone()), at(now)).unwrap_err();
            assert_eq!(error.kind(), Kind::VerificationFailed, "{payload}");
        }
    }

    #[test]
    fn json_report_carries_both_time_forms() {
        let report: Value = serde_json::from_str(&render_json(
            &token(json!({"exp": 4000, "iat": 1000, "scope": "a b"})),
            None,
            at(1000),
        ))
        .unwrap();
        assert_eq!(report["status"], "valid");
        assert_eq!(report["expires_at"], "1970-01-01T01:06:40Z");
        assert_eq!(report["expires_at_unix"], 4000);
        assert_eq!(report["expires_in"], 3000);
        assert_eq!(report["issued_at_unix"], 1000);
        assert_eq!(report["not_before"], Value::Null);
        assert_eq!(report["scopes"], json!(["a", "b"]));
        assert_eq!(report["signature_verified"], false);
    }
}
