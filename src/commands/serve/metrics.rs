//! `GET /metrics`: what `serve` has done, in the Prometheus text format (prometheus-client):
//! requests by path and status, renewals by result, the token's expiry, the last failure's
//! time and kind, and the Vault logins of the run. Never a token.

use std::sync::atomic::AtomicU64;

use chrono::{DateTime, Utc};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::error::Kind;
use crate::keeper::Renewal;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    path: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabels {
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: &'static str,
}

/// The served metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    renewals: Family<ResultLabels, Counter>,
    token_expiry: Gauge,
    last_failure: Gauge,
    last_failure_kind: Family<KindLabels, Gauge>,
    vault_logins: Counter<u64, AtomicU64>,
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("amtoken");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "serve_requests",
            "Requests answered, by path and status",
            requests.clone(),
        );
        let renewals = Family::<ResultLabels, Counter>::default();
        registry.register(
            "serve_renewals",
            "Renewals of the token served: refreshed (this process ran the grant), taken (another process had renewed it), failed",
            renewals.clone(),
        );
        let token_expiry = Gauge::default();
        registry.register(
            "token_expiry_timestamp_seconds",
            "When the token served expires, Unix time; 0 while there is none",
            token_expiry.clone(),
        );
        let last_failure = Gauge::default();
        registry.register(
            "last_failure_timestamp_seconds",
            "When a renewal last failed, Unix time; 0 if none has",
            last_failure.clone(),
        );
        let last_failure_kind = Family::<KindLabels, Gauge>::default();
        registry.register(
            "last_failure",
            "1 for the kind of the last failed renewal (an exit-code name)",
            last_failure_kind.clone(),
        );
        let vault_logins = Counter::<u64, AtomicU64>::default();
        registry.register(
            "vault_logins",
            "Vault logins this process made",
            vault_logins.clone(),
        );
        Metrics {
            registry,
            requests,
            renewals,
            token_expiry,
            last_failure,
            last_failure_kind,
            vault_logins,
        }
    }

    /// One request answered.
    pub fn request(&self, path: &str, status: u16) {
        self.requests
            .get_or_create(&RequestLabels {
                path: known_path(path),
                status,
            })
            .inc();
    }

    /// What a renewal came to.
    pub fn renewal(&self, renewal: &Renewal, now: DateTime<Utc>) {
        let result = match renewal {
            Renewal::Refreshed => "refreshed",
            Renewal::Taken => "taken",
            Renewal::Failed(kind) => {
                self.failed(*kind, now);
                "failed"
            }
        };
        self.renewals.get_or_create(&ResultLabels { result }).inc();
    }

    fn failed(&self, kind: Kind, at: DateTime<Utc>) {
        self.last_failure.set(at.timestamp());
        self.last_failure_kind.clear();
        self.last_failure_kind
            .get_or_create(&KindLabels { kind: kind.name() })
            .set(1);
    }

    /// The token served now expires at `at`.
    pub fn token_expires(&self, at: DateTime<Utc>) {
        self.token_expiry.set(at.timestamp());
    }

    /// The process's Vault logins so far.
    pub fn vault_logins(&self, total: u64) {
        let counted = self.vault_logins.get();
        if total > counted {
            self.vault_logins.inc_by(total - counted);
        }
    }

    /// The text format.
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// A path as a label: the served ones by name, anything else as one value (no label per
/// random path a client sends).
fn known_path(path: &str) -> &'static str {
    match path {
        "/token" => "/token",
        "/header" => "/header",
        "/healthz" => "/healthz",
        "/readyz" => "/readyz",
        "/metrics" => "/metrics",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_format_counts_requests_renewals_and_failures() {
        let metrics = Metrics::new();
        metrics.request("/token", 200);
        metrics.request("/token", 200);
        metrics.request("/etc/passwd", 404);
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        metrics.renewal(&Renewal::Refreshed, now);
        metrics.renewal(&Renewal::Failed(Kind::Network), now);
        metrics.token_expires(now);
        metrics.vault_logins(2);
        let text = metrics.render();
        for line in [
            r#"amtoken_serve_requests_total{path="/token",status="200"} 2"#,
            r#"amtoken_serve_requests_total{path="other",status="404"} 1"#,
            r#"amtoken_serve_renewals_total{result="refreshed"} 1"#,
            r#"amtoken_serve_renewals_total{result="failed"} 1"#,
            "amtoken_token_expiry_timestamp_seconds 1800000000",
            "amtoken_last_failure_timestamp_seconds 1800000000",
            r#"amtoken_last_failure{kind="network"} 1"#,
            "amtoken_vault_logins_total 2",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} not in:\n{text}");
        }
    }
}
