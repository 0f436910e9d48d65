//! `amtoken doctor [--json] [--online]`: every layer of the set-up checked in order — the
//! config file, the settings and where each came from, the client secret, the redirect URI, the
//! store, the stored record, the clock, discovery and TLS; with `--online` a token and the API
//! — one line each (ok, warn or fail, what was found, the fix). A failure stops nothing: each
//! layer is checked as far as the ones before it allow. The exit code is that of the first
//! failed layer. Never prints a secret, and spends a refresh token only with `--online`.

use std::time::Duration;

use chrono::Utc;
use serde::Serialize;

use crate::cli::settings::{self, GLOBAL_FLAGS};
use crate::cli::{DoctorArgs, GlobalArgs};
use crate::config::{ClientSecretSource, Settings};
use crate::error::{Error, ExitStatus, Kind, Result};
use crate::issuer::Issuer;
use crate::output;
use crate::session::{Freshness, Session, Strategy};
use crate::store::Backend;

/// How a layer fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Status {
    Ok,
    Warn,
    Fail,
}

/// One layer's line.
#[derive(Debug, Serialize)]
struct Check {
    layer: &'static str,
    status: Status,
    found: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<String>,
    /// For a failure: its exit-code name.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
    #[serde(skip)]
    kind: Option<Kind>,
}

#[derive(Default)]
struct Report(Vec<Check>);

impl Report {
    fn ok(&mut self, layer: &'static str, found: impl Into<String>) {
        self.push(layer, Status::Ok, found.into(), None, None);
    }

    fn warn(&mut self, layer: &'static str, found: impl Into<String>, fix: impl Into<String>) {
        self.push(layer, Status::Warn, found.into(), Some(fix.into()), None);
    }

    fn fail(
        &mut self,
        layer: &'static str,
        kind: Kind,
        found: impl Into<String>,
        fix: Option<String>,
    ) {
        self.push(layer, Status::Fail, found.into(), fix, Some(kind));
    }

    /// A failure from an error: its message, its hint as the fix, its kind.
    fn error(&mut self, layer: &'static str, error: &Error) {
        self.fail(
            layer,
            error.kind(),
            error.message(),
            error.hint_text().map(str::to_string),
        );
    }

    fn push(
        &mut self,
        layer: &'static str,
        status: Status,
        found: String,
        fix: Option<String>,
        kind: Option<Kind>,
    ) {
        self.0.push(Check {
            layer,
            status,
            found: crate::text::printable(&found),
            fix,
            error: kind.map(Kind::name),
            kind,
        });
    }

    /// The exit code of the first failed layer, else 0.
    fn exit_status(&self) -> ExitStatus {
        self.0
            .iter()
            .find_map(|check| check.kind)
            .map_or(ExitStatus::SUCCESS, |kind| ExitStatus(kind.exit_code()))
    }
}

/// Runs `amtoken doctor`.
pub fn run(args: &DoctorArgs, global: &GlobalArgs) -> Result<ExitStatus> {
    let mut report = Report::default();
    if let Some(settings) = check_config(&mut report, global) {
        check_settings(&mut report, &settings);
        check_client_secret(&mut report, &settings);
        check_redirect_uri(&mut report, &settings);
        let session = Session::open(&settings);
        let stored = check_store(&mut report, &settings, &session);
        if stored {
            check_record(&mut report, &session);
        }
        check_network(&mut report, &settings, &session);
        if args.online {
            check_online(&mut report, &settings, &session);
        }
    }
    let text = if args.json {
        let ok = report.0.iter().all(|check| check.status != Status::Fail);
        format!(
            "{}\n",
            serde_json::to_string_pretty(&serde_json::json!({ "ok": ok, "checks": report.0 }))
                .unwrap_or_default()
        )
    } else {
        render(&report)
    };
    output::print(&text)?;
    Ok(report.exit_status())
}

/// `ok    store          …` lines, the fix indented under a failure or warning.
fn render(report: &Report) -> String {
    let mut text = String::new();
    for check in &report.0 {
        let status = match check.status {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "fail",
        };
        text.push_str(&format!(
            "{status:<5} {:<15} {}\n",
            check.layer, check.found
        ));
        if let Some(fix) = &check.fix {
            text.push_str(&format!("{:<21} fix: {fix}\n", ""));
        }
    }
    text
}

/// The config file: it parses, names only known keys (with a "did you mean"), holds no secret.
/// On a failure the other layers go on with the flags and environment alone.
fn check_config(report: &mut Report, global: &GlobalArgs) -> Option<Settings> {
    const LAYER: &str = "config file";
    match Settings::resolve(global) {
        Ok(settings) => {
            let path = settings.config_file().display().to_string();
            if !settings.config_file().exists() {
                report.ok(
                    LAYER,
                    format!("{path}: none (flags, environment and defaults only)"),
                );
            } else {
                let keys = settings.profile_table_keys();
                let profiles: Vec<&str> = settings.config_profiles().collect();
                report.ok(
                    LAYER,
                    format!(
                        "{path}: {} profile(s); [profiles.{}] sets {}",
                        profiles.len(),
                        settings.profile,
                        if keys.is_empty() {
                            "nothing".to_string()
                        } else {
                            keys.join(", ")
                        }
                    ),
                );
            }
            Some(settings)
        }
        Err(error) => {
            let error = Error::from(error);
            report.error(LAYER, &error);
            match Settings::resolve_without_file(global) {
                Ok(settings) => Some(settings),
                Err(error) => {
                    report.error("settings", &Error::from(error));
                    None
                }
            }
        }
    }
}

/// Which value the main settings have, and where each came from: flag, environment, the
/// profile's table, or the default (as `git config --show-origin` says).
fn check_settings(report: &mut Report, settings: &Settings) {
    let table = settings.profile_table_keys();
    let argv: Vec<String> = std::env::args().collect();
    let origin = |field: &str| -> &'static str {
        let Some(flag) = GLOBAL_FLAGS
            .iter()
            .find(|flag| flag.long.replace('-', "_") == field)
        else {
            return "default";
        };
        let long = format!("--{}", flag.long);
        let on_argv = argv.iter().any(|arg| {
            *arg == long
                || arg.starts_with(&format!("{long}="))
                || flag.short.is_some_and(|short| {
                    arg.starts_with(&format!("-{short}")) && !arg.starts_with("--")
                })
        });
        if on_argv {
            "flag"
        } else if flag
            .env
            .is_some_and(|env| std::env::var_os(env).is_some_and(|value| !value.is_empty()))
        {
            "environment"
        } else if table.contains(&field) {
            "config file"
        } else {
            "default"
        }
    };
    let shown = [
        ("profile", settings.profile.clone()),
        ("issuer", settings.issuer_or_default().to_string()),
        (
            "client_id",
            settings
                .client_id
                .clone()
                .unwrap_or_else(|| "(none)".into()),
        ),
        ("store", settings.store_name()),
        (
            "token_url",
            settings.token_url_for(settings.issuer_or_default()),
        ),
        ("api_url", settings.api_url.clone()),
    ];
    let words: Vec<String> = shown
        .iter()
        .map(|(field, value)| format!("{field}={value} ({})", origin(field)))
        .collect();
    if settings.client_id.is_none() {
        report.warn(
            "settings",
            words.join(", "),
            "set the client id: --client-id, AMTOKEN_CLIENT_ID or client_id in the profile's table",
        );
    } else {
        report.ok("settings", words.join(", "));
    }
}

/// Where the client secret comes from; a file others can read is a warning.
fn check_client_secret(report: &mut Report, settings: &Settings) {
    const LAYER: &str = "client secret";
    match settings.client_secret_source() {
        ClientSecretSource::Environment => report.ok(LAYER, format!("from {}", settings::CLIENT_SECRET)),
        ClientSecretSource::Stdin => report.ok(LAYER, "from standard input (--client-secret-file -)"),
        ClientSecretSource::File(path) => match std::fs::metadata(&path) {
            Err(cause) => report.fail(
                LAYER,
                Kind::InvalidInput,
                format!("--client-secret-file {}: {cause}", path.display()),
                Some("give the path of a file that holds the secret".into()),
            ),
            Ok(meta) => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt as _;
                    let mode = meta.permissions().mode() & 0o777;
                    if mode & 0o077 != 0 {
                        report.warn(
                            LAYER,
                            format!("{} is mode {mode:03o}: others can read it", path.display()),
                            format!("chmod 600 {}", path.display()),
                        );
                        return;
                    }
                }
                let _ = meta;
                report.ok(LAYER, format!("from {} (mode 0600)", path.display()));
            }
        },
        ClientSecretSource::None if settings.fleet_role == crate::store::FleetRole::Reader => {
            report.ok(LAYER, "none needed: a fleet reader never refreshes")
        }
        ClientSecretSource::None => report.warn(
            LAYER,
            "none set",
            format!(
                "a confidential client (ApprovalMax's are) needs one: {} or --client-secret-file PATH (0600)",
                settings::CLIENT_SECRET
            ),
        ),
    }
}

/// The redirect URI: set, and HTTPS for ApprovalMax (which accepts no other).
fn check_redirect_uri(report: &mut Report, settings: &Settings) {
    const LAYER: &str = "redirect URI";
    let Some(uri) = settings.redirect_uri.as_deref() else {
        report.warn(
            LAYER,
            "none set (needed by login, authorize-url and exchange)",
            "set --redirect-uri or AMTOKEN_REDIRECT_URI to the URI registered for the client",
        );
        return;
    };
    let approvalmax = settings.issuer_or_default().contains("approvalmax.com");
    match url::Url::parse(uri) {
        Err(error) => report.fail(
            LAYER,
            Kind::InvalidInput,
            format!("{uri}: {error}"),
            Some("give the URI registered for the client".into()),
        ),
        Ok(url) if approvalmax && url.scheme() != "https" => report.fail(
            LAYER,
            Kind::InvalidInput,
            format!("{uri}: ApprovalMax accepts only HTTPS redirect URIs"),
            Some("register an HTTPS page; amtoken login then asks for the URL you land on".into()),
        ),
        Ok(url) if url.scheme() == "http" && !crate::http::is_loopback(&url) => report.warn(
            LAYER,
            format!("{uri}: plain http to a host that is not loopback"),
            "use HTTPS, or a loopback address for amtoken login's listener",
        ),
        Ok(_) => report.ok(LAYER, uri.to_string()),
    }
}

/// The store: reachable and readable (the keychain unlocked, the file private, Vault taking
/// its token and allowing the paths). Answers whether the record can be read.
fn check_store(report: &mut Report, settings: &Settings, session: &Session<'_>) -> bool {
    const LAYER: &str = "store";
    let location = session.store_location();
    if settings.store == Backend::File {
        let path = settings.paths.store_file(&settings.profile);
        #[cfg(unix)]
        if let Ok(meta) = std::fs::metadata(&path) {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                report.warn(
                    LAYER,
                    format!(
                        "{} is mode {mode:03o}: others can read the refresh token",
                        path.display()
                    ),
                    format!("chmod 600 {}", path.display()),
                );
                return true;
            }
        }
    }
    let read = match session.strategy() {
        Strategy::Reader => session.stored().map(|_| ()),
        _ => session.stored_record().map(|_| ()),
    };
    if let Err(error) = read {
        report.error(LAYER, &error);
        return false;
    }
    if settings.store != Backend::Vault {
        report.ok(
            LAYER,
            format!("{} ({location}) can be read", settings.store_name()),
        );
        return true;
    }
    let method = settings.vault_login.method().name();
    match session.store_capabilities() {
        Err(error) => {
            report.error(LAYER, &error);
            false
        }
        Ok(capabilities) => {
            let needed: &[&str] = match session.strategy() {
                Strategy::Reader => &["read"],
                _ => &["read", "update"],
            };
            let mut missing = Vec::new();
            let mut found = Vec::new();
            for (index, (path, caps)) in capabilities.iter().enumerate() {
                found.push(format!("{path}: {}", caps.join(" ")));
                // A reader needs only the readers' path (the second); a refresher both.
                let wanted: &[&str] = if session.strategy() == Strategy::Reader && index == 0 {
                    &[]
                } else {
                    needed
                };
                let allowed = |cap: &str| {
                    caps.iter().any(|have| have == cap || have == "root")
                        || (cap == "update" && caps.iter().any(|have| have == "create"))
                };
                if wanted.iter().any(|cap| !allowed(cap)) {
                    missing.push(format!("{path} ({})", wanted.join(", ")));
                }
            }
            let found = format!("vault via {method} login; {}", found.join("; "));
            if missing.is_empty() {
                report.ok(LAYER, found);
            } else {
                report.fail(
                    LAYER,
                    Kind::StoreUnavailable,
                    format!("{found}: the token's policy lacks {}", missing.join(", ")),
                    Some(
                        "grant those capabilities in the Vault policy of this runner's login"
                            .into(),
                    ),
                );
            }
            true
        }
    }
}

/// The stored record: there, for these settings, and when a person must log in again.
fn check_record(report: &mut Report, session: &Session<'_>) {
    const LAYER: &str = "stored login";
    let stored = match session.stored() {
        Ok(stored) => stored,
        Err(error) => return report.error(LAYER, &error),
    };
    if session.strategy() == Strategy::Reader {
        match stored.access {
            Some(token) => report.ok(
                LAYER,
                format!(
                    "reader: the published token is valid until {}",
                    output::rfc3339(token.expires_at)
                ),
            ),
            None => report.warn(
                LAYER,
                "reader: nothing published yet",
                "a refresher (--fleet-role refresher) publishes at its next refresh",
            ),
        }
        return;
    }
    let Some(record) = stored.record else {
        return report.fail(
            LAYER,
            Kind::NotLoggedIn,
            "nothing is stored for this profile",
            Some(crate::session::LOG_IN.to_string()),
        );
    };
    if let Some(mismatch) = session.mismatch(&record.issuer, &record.client_id) {
        return report.fail(
            LAYER,
            Kind::InvalidInput,
            format!("the stored refresh token was {mismatch}"),
            Some("use the matching --issuer and --client-id, or log in again".into()),
        );
    }
    let now = Utc::now();
    match session.chain_end(&record) {
        Some(end) if end <= now + chrono::Duration::days(7) => report.warn(
            LAYER,
            format!("issuer {}, client {}; log in again by {}", record.issuer, record.client_id, output::rfc3339(end)),
            "run `amtoken login` before then: refreshing cannot extend the chain",
        ),
        Some(end) => report.ok(
            LAYER,
            format!("issuer {}, client {}; log in again by {}", record.issuer, record.client_id, output::rfc3339(end)),
        ),
        None => report.ok(
            LAYER,
            format!(
                "issuer {}, client {}; when to log in again is unknown (seeded, or logged in before amtoken kept it)",
                record.issuer, record.client_id
            ),
        ),
    }
}

/// The clock against the issuer's `Date`, and the way there: discovery, TLS, which CA, which
/// proxy.
fn check_network(report: &mut Report, settings: &Settings, session: &Session<'_>) {
    let issuer_url = settings.issuer_or_default();
    let transport = match session.transport() {
        Ok(transport) => transport,
        Err(error) => return report.error("discovery", &error),
    };
    let ca = match &settings.cacert {
        Some(path) => format!("the system trust store and {}", path.display()),
        None => "the system trust store".to_string(),
    };
    let proxy = crate::http::proxy_for(issuer_url).map_or_else(
        || "no proxy".to_string(),
        |(name, value)| format!("proxy {value} ({name})"),
    );
    match Issuer::new(settings, transport).probe(issuer_url) {
        Err(error) => {
            report.warn(
                "clock",
                "not checked: the issuer did not answer",
                "see the discovery line",
            );
            let mut error = error;
            if error.hint_text().is_none() {
                error = error.hint(format!(
                    "check the network, the proxy ({proxy}) and the CA ({ca})"
                ));
            }
            report.error("discovery", &error);
        }
        Ok(probe) => {
            match probe.server_date {
                Some(server) => {
                    // The server stamped its Date between sending and answering.
                    let local = probe.sent_at
                        + chrono::Duration::from_std(probe.elapsed / 2).unwrap_or_default();
                    let skew = (local - server).num_seconds();
                    if skew.abs() > 60 {
                        report.warn(
                            "clock",
                            format!("this machine's clock is {} {} the issuer's", skew.abs(), if skew > 0 { "seconds ahead of" } else { "seconds behind" }),
                            "set the clock right (NTP): tokens would look expired early or valid late",
                        );
                    } else {
                        report.ok(
                            "clock",
                            format!("within {}s of the issuer's", skew.abs().max(1)),
                        );
                    }
                }
                None => report.warn(
                    "clock",
                    "the issuer sent no Date header",
                    "nothing to do; the clock was not checked",
                ),
            }
            let tls = if issuer_url.starts_with("https://") {
                format!("TLS verified by {ca}")
            } else {
                "plain http (loopback)".to_string()
            };
            match probe.discovery {
                Some(_) => report.ok(
                    "discovery",
                    format!(
                        "{issuer_url} answered in {} ms; {tls}; {proxy}",
                        probe.elapsed.as_millis()
                    ),
                ),
                None => report.warn(
                    "discovery",
                    format!("{issuer_url} has no discovery document; {tls}; {proxy}"),
                    "set --token-url (and --authorize-url) if they are not {issuer}/connect/…",
                ),
            }
        }
    }
}

/// `--online`: a token, as `amtoken token` gets one (it may refresh), and the API with it.
fn check_online(report: &mut Report, settings: &Settings, session: &Session<'_>) {
    let token = match session.token(Freshness::AtLeast(Duration::from_secs(60))) {
        Ok((token, provenance)) => {
            report.ok(
                "token",
                format!(
                    "valid until {} ({})",
                    output::rfc3339(token.expires_at),
                    match provenance {
                        crate::session::Provenance::Cached => "cached",
                        crate::session::Provenance::Refreshed => "refreshed now",
                    }
                ),
            );
            token
        }
        Err(error) => return report.error("token", &error),
    };
    let transport = match session.transport() {
        Ok(transport) => transport,
        Err(error) => return report.error("API", &error),
    };
    match crate::api_client::probe_companies(transport, &settings.api_url, &token) {
        Ok(found) => report.ok("API", found),
        Err(error) => report.error("API", &Error::from(error)),
    }
}
