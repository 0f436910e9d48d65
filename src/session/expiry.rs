//! When an access token stops working and when a keeper renews it: the arithmetic on what a
//! server said (`expires_in`, a JWT's `exp`), clamped — no server number is trusted to be sane.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::jwt;
use crate::output;

/// Used when the server says nothing of the access token's lifetime (no `expires_in`, not a
/// JWT with `exp`): ApprovalMax's tokens live an hour.
pub(super) const ASSUMED_LIFETIME_SECONDS: i64 = 3600;

/// No two renewals closer together than this, whatever a server says a token lives; and an
/// access token with less than this left is never handed out.
pub const SHORTEST_INTERVAL: Duration = Duration::from_secs(1);

/// The longest an access token is believed to live, whatever the server says: a day (ApprovalMax's
/// live an hour; the common providers' at most a day). A token said to live longer is renewed
/// after a day; a published one that claims more is refused (a bogus `expires_in` of ten years
/// must not pin a fleet).
pub const LONGEST_LIFETIME: Duration = Duration::from_secs(24 * 3600);

pub(super) fn longest_lifetime() -> chrono::TimeDelta {
    chrono::TimeDelta::from_std(LONGEST_LIFETIME).unwrap_or(chrono::TimeDelta::MAX)
}

/// When a process that keeps a token (`exec`, `serve`) renews it: a token that expires at `expires_at` and was received at `received`:
/// `min_ttl` before its expiry, or halfway through its life when it lives less than twice
/// `min_ttl` (a server's 2-minute token under the default 5-minute `--min-ttl`).
pub fn renewal_time(
    expires_at: DateTime<Utc>,
    received: DateTime<Utc>,
    min_ttl: Duration,
) -> DateTime<Utc> {
    let life = (expires_at - received).max(chrono::TimeDelta::zero());
    let margin = chrono::TimeDelta::from_std(min_ttl)
        .unwrap_or(chrono::TimeDelta::MAX)
        .min(life / 2);
    let earliest = received + chrono::TimeDelta::from_std(SHORTEST_INTERVAL).unwrap_or_default();
    (expires_at - margin).max(earliest)
}

/// When an access token stops working, as far as the client can tell: `expires_in` counted
/// from when the request was sent, or the token's own `exp` claim when it is a JWT and that
/// is earlier — a resource server checks `exp`, and a whole-second `exp` can fall up to a
/// second before the `expires_in` estimate. An `exp` already past by our clock is a clock
/// apart from ours and is not believed over `expires_in`.
pub(super) fn access_token_expiry(
    tokens: &crate::oauth::TokenResponse,
    requested_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let claimed = jwt::decode(tokens.access_token.expose())
        .ok()
        .and_then(|token| token.expires_at());
    let counted = tokens.expires_in.map(|seconds| {
        requested_at
            + chrono::Duration::seconds(seconds.clamp(
                0,
                i64::try_from(LONGEST_LIFETIME.as_secs()).unwrap_or(i64::MAX),
            ))
    });
    let expiry = match (counted, claimed) {
        (Some(counted), Some(claimed)) if claimed > now => counted.min(claimed),
        (Some(counted), _) => counted,
        (None, Some(claimed)) => claimed,
        (None, None) => {
            output::warn(format_args!(
                "the server did not say when the access token expires; assuming {ASSUMED_LIFETIME_SECONDS}s"
            ));
            now + chrono::Duration::seconds(ASSUMED_LIFETIME_SECONDS)
        }
    };
    expiry.min(requested_at + longest_lifetime())
}
