//! `amtoken status [--json] [--all]`: what is stored for a profile and when it expires. Offline:
//! reads the store and the cache, never the network.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::cli::StatusArgs;
use crate::config::Settings;
use crate::error::{Error, Kind, Result};
use crate::jwt;
use crate::output;
use crate::session::{self, Session};
use crate::store::Record;
use crate::token::AccessToken;

/// ApprovalMax refresh tokens are believed to die at 30 days; warn a little before, when the
/// chain's start is not known.
const OLD_REFRESH_TOKEN_DAYS: i64 = 25;
/// How long before the end of the refresh chain `status` warns (without `--check`).
const RELOGIN_WARNING_DAYS: i64 = 5;

/// Runs `amtoken status`.
pub fn run(args: &StatusArgs, settings: &Settings) -> Result<()> {
    let now = Utc::now();
    let reports = if args.all {
        all_profiles(settings)
            .into_iter()
            .map(|profile| profile_status(&settings.for_profile(&profile)?, now))
            .collect::<Result<Vec<_>>>()?
    } else {
        vec![profile_status(settings, now)?]
    };
    if !reports.iter().any(|report| report.usable) {
        return Err(not_usable(settings, args.all, &reports));
    }
    let text = if args.json {
        let json = if args.all {
            serde_json::json!({ "profiles": reports })
        } else {
            serde_json::to_value(&reports[0]).unwrap_or_default()
        };
        format!("{json}\n")
    } else {
        reports
            .iter()
            .map(render_human)
            .collect::<Vec<_>>()
            .join("\n")
    };
    output::print(&text)?;
    if args.check {
        check_relogin(&reports, args.warn_before.unwrap_or_default(), now)?;
    }
    Ok(())
}

/// `--check`: exit 12 when a stored chain ends within `warn_before`.
fn check_relogin(
    reports: &[StatusReport],
    warn_before: std::time::Duration,
    now: DateTime<Utc>,
) -> Result<()> {
    let horizon = now + chrono::Duration::from_std(warn_before).unwrap_or(chrono::Duration::MAX);
    let due: Vec<String> = reports
        .iter()
        .filter_map(|report| {
            let stored = report.refresh_token.as_ref()?;
            let Some(relogin_by) = stored.relogin_by_at else {
                output::warn(format_args!(
                    "profile {:?}: when its refresh chain began is not known (logged in before amtoken kept it, or seeded), so its end cannot be checked",
                    report.profile
                ));
                return None;
            };
            (relogin_by <= horizon).then(|| {
                format!(
                    "profile {:?} by {} ({})",
                    report.profile,
                    output::rfc3339(relogin_by),
                    output::relative((relogin_by - now).num_seconds())
                )
            })
        })
        .collect();
    if due.is_empty() {
        return Ok(());
    }
    Err(Error::msg(
        Kind::ReloginSoon,
        format!("a person must log in again: {}", due.join("; ")),
    )
    .hint("run `amtoken login` before then; the refresh chain cannot be extended by refreshing"))
}

/// Exit 4, saying what little there is.
fn not_usable(settings: &Settings, all: bool, reports: &[StatusReport]) -> Error {
    let message = match (all, reports.first()) {
        (true, _) => "no profile has a usable token".to_string(),
        (
            false,
            Some(StatusReport {
                access_token: Some(access),
                ..
            }),
        ) => format!(
            "nothing usable is stored for profile {:?}: the cached access token expired at {} and no refresh token is stored",
            settings.profile, access.expires_at
        ),
        (false, _) => format!(
            "not logged in: nothing is stored for profile {:?} ({})",
            settings.profile,
            Session::open(settings).store_location()
        ),
    };
    Error::msg(Kind::NotLoggedIn, message).hint(session::LOG_IN)
}

/// Profiles named in the config file, kept in the store, or cached. A store that may not be
/// listed (a Vault policy without `list`) leaves the others and the selected profile, with a
/// warning; each is then read on its own.
fn all_profiles(settings: &Settings) -> Vec<String> {
    let mut profiles: BTreeSet<String> = settings.config_profiles().map(str::to_string).collect();
    match Session::open(settings).stored_profiles() {
        Ok(stored) => profiles.extend(stored),
        Err(error) => {
            output::warn(format_args!(
                "{}; showing the profiles of the config file and the cache, and {:?}",
                error.message(),
                settings.profile
            ));
            profiles.insert(settings.profile.clone());
        }
    }
    if let Ok(entries) = std::fs::read_dir(settings.paths.cache_dir()) {
        profiles.extend(entries.filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".json").map(str::to_string)
        }));
    }
    profiles.into_iter().collect()
}

/// The `status --json` object. Field names are a public interface: see the README.
#[derive(Debug, Serialize)]
struct StatusReport {
    profile: String,
    issuer: String,
    client_id: Option<String>,
    store: String,
    store_location: String,
    /// The shared secret's version (Vault), else null.
    store_version: Option<u64>,
    /// Who is refreshing the shared secret, and until when (Vault), else null.
    lease: Option<LeaseStatus>,
    usable: bool,
    refresh_token: Option<RefreshTokenStatus>,
    access_token: Option<AccessTokenStatus>,
    scopes: Vec<String>,
    subject: Option<String>,
    connection_id: Option<String>,
    warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
struct LeaseStatus {
    holder: String,
    until: String,
    until_unix: i64,
}

#[derive(Debug, Serialize)]
struct RefreshTokenStatus {
    fingerprint: String,
    issuer: String,
    client_id: String,
    obtained_at: String,
    obtained_at_unix: i64,
    age_seconds: i64,
    /// When the chain began (the consent); null when not known.
    authorized_at: Option<String>,
    authorized_at_unix: Option<i64>,
    /// `authorized_at` + `--refresh-lifetime`: when a person must log in again.
    relogin_by: Option<String>,
    relogin_by_unix: Option<i64>,
    relogin_in: Option<i64>,
    #[serde(skip)]
    relogin_by_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
struct AccessTokenStatus {
    status: &'static str,
    expires_at: String,
    expires_at_unix: i64,
    expires_in: i64,
}

fn profile_status(settings: &Settings, now: DateTime<Utc>) -> Result<StatusReport> {
    let session = Session::open(settings);
    let mut warnings = Vec::new();
    // What the strategy keeps: the local store and cache, the shared secret, or (a reader)
    // the published token alone.
    let stored = session.stored()?;
    if let Some(problem) = stored.cache_problem {
        warnings.push(format!("the access-token cache is unreadable: {problem}"));
    }
    let (record, cached, store_version) = (stored.record, stored.access, stored.version);
    let lease = stored.lease.map(|(holder, until)| LeaseStatus {
        holder,
        until: output::rfc3339(until),
        until_unix: until.timestamp(),
    });
    if let Some(record) = &record {
        if let Some(mismatch) = session.mismatch(&record.issuer, &record.client_id) {
            warnings.push(format!("the refresh token was {mismatch}"));
        }
        let age_days = (now - record.obtained_at).num_days();
        if let Some(relogin_by) = session.chain_end(record) {
            if relogin_by - now <= chrono::Duration::days(RELOGIN_WARNING_DAYS) {
                warnings.push(format!(
                    "the refresh chain ends {} ({}, --refresh-lifetime after the login of {}): log in again before then",
                    output::relative((relogin_by - now).num_seconds()),
                    output::rfc3339(relogin_by),
                    record.authorized_at.map(output::rfc3339).unwrap_or_default()
                ));
            }
        } else if age_days >= OLD_REFRESH_TOKEN_DAYS {
            warnings.push(format!(
                "the refresh token is {age_days} days old; ApprovalMax refresh tokens likely expire at 30 days: refresh soon or log in again"
            ));
        }
    }
    if let Some(cached) = &cached
        && let Some(mismatch) = session.mismatch(&cached.issuer, &cached.client_id)
    {
        warnings.push(format!("the cached access token was {mismatch}"));
    }
    let claims = cached
        .as_ref()
        .and_then(|cached| jwt::decode(cached.access_token.expose()).ok());
    let claim = |name: &str| {
        claims
            .as_ref()
            .and_then(|token| token.claim_str(name))
            .map(str::to_string)
    };
    let access_valid = cached
        .as_ref()
        .is_some_and(|cached| cached.seconds_left(now) > 0);
    Ok(StatusReport {
        profile: settings.profile.clone(),
        issuer: record
            .as_ref()
            .map(|record| record.issuer.clone())
            .unwrap_or_else(|| settings.issuer_or_default().to_string()),
        client_id: record
            .as_ref()
            .map(|record| record.client_id.clone())
            .or_else(|| settings.client_id.clone()),
        store: settings.store_name(),
        store_location: session.store_location(),
        store_version,
        lease,
        usable: record.is_some() || access_valid,
        scopes: scopes(record.as_ref(), cached.as_ref()),
        subject: claim("sub"),
        connection_id: claim(jwt::APPROVALMAX_CONNECTION_CLAIM),
        refresh_token: record.as_ref().map(|record| RefreshTokenStatus {
            fingerprint: fingerprint(record.refresh_token.expose()),
            issuer: record.issuer.clone(),
            client_id: record.client_id.clone(),
            obtained_at: output::rfc3339(record.obtained_at),
            obtained_at_unix: record.obtained_at.timestamp(),
            age_seconds: (now - record.obtained_at).num_seconds(),
            authorized_at: record.authorized_at.map(output::rfc3339),
            authorized_at_unix: record.authorized_at.map(|at| at.timestamp()),
            relogin_by: session.chain_end(record).map(output::rfc3339),
            relogin_by_unix: session.chain_end(record).map(|at| at.timestamp()),
            relogin_in: session.chain_end(record).map(|at| (at - now).num_seconds()),
            relogin_by_at: session.chain_end(record),
        }),
        access_token: cached.as_ref().map(|cached| AccessTokenStatus {
            status: if access_valid { "valid" } else { "expired" },
            expires_at: output::rfc3339(cached.expires_at),
            expires_at_unix: cached.expires_at.timestamp(),
            expires_in: cached.seconds_left(now),
        }),
        warnings,
    })
}

fn scopes(record: Option<&Record>, cached: Option<&AccessToken>) -> Vec<String> {
    let scope = cached
        .map(|cached| cached.scope.as_str())
        .or(record.map(|record| record.scope.as_str()))
        .unwrap_or("");
    scope.split_whitespace().map(str::to_string).collect()
}

/// A short fingerprint that tells two refresh tokens apart without revealing either.
fn fingerprint(token: &str) -> String {
    format!("sha256:{}", crate::text::sha256_hex(token, Some(6)))
}

fn render_human(report: &StatusReport) -> String {
    let mut lines = vec![
        ("Profile", report.profile.clone()),
        ("Issuer", report.issuer.clone()),
        (
            "Client id",
            report
                .client_id
                .clone()
                .unwrap_or_else(|| "(not set)".into()),
        ),
        (
            "Store",
            match report.store_version {
                Some(version) => format!(
                    "{} ({}, version {version})",
                    report.store, report.store_location
                ),
                None => format!("{} ({})", report.store, report.store_location),
            },
        ),
    ];
    if let Some(lease) = &report.lease {
        lines.push((
            "Lease",
            format!("held by {} until {}", lease.holder, lease.until),
        ));
    }
    lines.push((
        "Refresh token",
        match &report.refresh_token {
            Some(stored) => format!(
                "stored ({}), obtained {} ({})",
                stored.fingerprint,
                stored.obtained_at,
                output::relative(-stored.age_seconds)
            ),
            None => "none stored".into(),
        },
    ));
    if let Some(stored) = &report.refresh_token {
        lines.push((
            "Log in again",
            match (&stored.relogin_by, stored.relogin_in) {
                (Some(by), Some(left)) => format!("by {by} ({})", output::relative(left)),
                _ => "unknown (logged in before amtoken kept the login time, or seeded)".into(),
            },
        ));
    }
    lines.push((
        "Access token",
        match &report.access_token {
            Some(access) => format!(
                "{} until {} ({})",
                if access.status == "valid" {
                    "valid"
                } else {
                    "expired"
                },
                access.expires_at,
                output::relative(access.expires_in)
            ),
            None => "none cached".into(),
        },
    ));
    for (index, scope) in report.scopes.iter().enumerate() {
        lines.push((if index == 0 { "Scopes" } else { "" }, scope.clone()));
    }
    if let Some(subject) = &report.subject {
        lines.push(("Subject", subject.clone()));
    }
    if let Some(connection) = &report.connection_id {
        lines.push(("Connection", connection.clone()));
    }
    let mut text: String = lines
        .iter()
        .map(|(label, value)| format!("{label:<14}{value}\n"))
        .collect();
    for warning in &report.warnings {
        text.push_str(&format!("{:<14}{warning}\n", "Warning"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_short_stable_and_not_the_token() {
        let print = fingerprint("0123456789abcdef");
        assert_eq!(print, fingerprint("0123456789abcdef"));
        assert_ne!(print, fingerprint("0123456789abcdeg"));
        assert!(print.starts_with("sha256:") && print.len() == 7 + 12);
        assert!(!print.contains("0123456789"));
    }
}
