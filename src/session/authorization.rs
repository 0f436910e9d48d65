//! The authorization-code flow's memory: `authorize-url` and `login` save the pending request
//! (state, PKCE verifier) for 10 minutes; a callback is checked against it before its code is
//! sent, and once used the request is deleted, leaving only the hash of its state so that a
//! replayed callback is recognised.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

use super::{REAUTHORIZE, Session};
use crate::error::{Context as _, Error, Kind, Result};
use crate::oauth::authorize::{AuthorizeError, AuthorizeParameters, authorize_request};
use crate::oauth::callback;
use crate::output;
use crate::secret::Secret;
use crate::token::AccessToken;

/// How long a pending authorize request is good for.
const PENDING_SECONDS: i64 = 600;

/// A pending authorize request, as kept in the cache directory (mode 0600).
#[derive(Debug, Serialize, Deserialize)]
struct Pending {
    state: String,
    #[serde(with = "crate::secret::exposed_option")]
    code_verifier: Option<Secret>,
    issuer: String,
    client_id: String,
    redirect_uri: String,
    #[serde(with = "crate::text::rfc3339_serde")]
    expires_at: DateTime<Utc>,
}

/// What is left of a used request: the hash of its state.
#[derive(Debug, Serialize, Deserialize)]
struct UsedState {
    state_sha256: String,
    #[serde(with = "crate::text::rfc3339_serde")]
    used_at: DateTime<Utc>,
}

/// A fresh authorize request, saved as pending.
#[derive(Debug)]
pub struct Authorization {
    pub url: Url,
    pub redirect_uri: String,
    /// The state the callback must carry.
    pub state: String,
}

impl From<AuthorizeError> for Error {
    fn from(error: AuthorizeError) -> Self {
        match error {
            AuthorizeError::Url(http) => Error::from(http),
            random @ AuthorizeError::Random(_) => Error::new(Kind::Internal, random),
        }
    }
}

impl Session<'_> {
    /// Builds the authorize URL with a fresh state (and PKCE verifier) and saves them as the
    /// profile's pending request, replacing any earlier one.
    pub fn begin_authorization(&self, pkce: bool) -> Result<Authorization> {
        let settings = self.settings;
        let issuer = settings.issuer_or_default().to_string();
        let client_id = settings.client_id_or(None)?.to_string();
        let redirect_uri = settings.require_redirect_uri()?.to_string();
        let endpoint = settings.authorize_url_for(&issuer);
        let request = authorize_request(&AuthorizeParameters {
            endpoint: &endpoint,
            client_id: &client_id,
            redirect_uri: &redirect_uri,
            scope: &settings.scope,
            pkce,
        })
        .context("failed to build the authorize URL")?;
        let pending = Pending {
            state: request.state.clone(),
            code_verifier: request.code_verifier,
            issuer,
            client_id,
            redirect_uri: redirect_uri.clone(),
            expires_at: Utc::now() + chrono::Duration::seconds(PENDING_SECONDS),
        };
        crate::files::write_file(
            &settings.paths.pending_file(&settings.profile),
            &pending,
            crate::files::Durability::Durable,
        )
        .context("failed to save the pending authorize request")?;
        Ok(Authorization {
            url: request.url,
            redirect_uri,
            state: request.state,
        })
    }

    /// Exchanges what the user brought back — the callback URL or the bare code — after
    /// checking it against the pending request (or `state` when one is given): a callback of
    /// another request, an expired request or a replayed callback is refused before anything
    /// is sent. The request is used up once the server has seen the code.
    pub fn exchange_callback(
        &self,
        input: &str,
        state: Option<&str>,
        code_verifier: Option<Secret>,
    ) -> Result<(AccessToken, bool)> {
        let pending = self.pending();
        let found = callback::state_of(input);
        let (expected, pending_verifier) = match (&pending, state) {
            (_, Some(state)) => {
                let answered = pending.as_ref().filter(|pending| pending.state == state);
                match answered {
                    Some(answered) => self.refuse_other_settings(answered)?,
                    None => output::warn(format_args!(
                        "no pending authorize request of profile {:?} has that --state: the callback's state is checked, but not the request's expiry nor the settings it was made with",
                        self.settings.profile
                    )),
                }
                let verifier = answered.and_then(|pending| pending.code_verifier.clone());
                (Some(state.to_string()), verifier)
            }
            (Some(pending), None) => {
                if pending.expires_at <= Utc::now() {
                    self.forget_pending();
                    return Err(Error::msg(
                        Kind::ReauthorizationNeeded,
                        format!(
                            "refusing the callback: the authorize request it answers expired at {}",
                            output::rfc3339(pending.expires_at)
                        ),
                    )
                    .hint(REAUTHORIZE));
                }
                if found.as_ref().is_some_and(|found| *found != pending.state) {
                    self.refuse_replay(found.as_deref())?;
                } else {
                    self.refuse_other_settings(pending)?;
                }
                // A bare code carries no state to check; PKCE still ties it to this request.
                let expected = callback::is_callback(input).then(|| pending.state.clone());
                (expected, pending.code_verifier.clone())
            }
            (None, None) => {
                self.refuse_replay(found.as_deref())?;
                output::warn(format_args!(
                    "no pending authorize request for profile {:?}: the callback's state and the request's expiry were not checked (pass --state to check the state)",
                    self.settings.profile
                ));
                (None, None)
            }
        };
        let code = callback::code_from_input(input, expected.as_deref())?;
        let verifier = code_verifier.or(pending_verifier);
        let result = self.exchange(&code, verifier.as_ref());
        let seen_by_server = match &result {
            Ok(_) => true,
            Err(error) => matches!(
                error.kind(),
                Kind::ReauthorizationNeeded | Kind::ServerRefused | Kind::StoreUnavailable
            ),
        };
        if seen_by_server && let Some(state) = expected.or(pending.map(|pending| pending.state)) {
            self.mark_used(&state);
        }
        result
    }

    /// Deletes the pending request, if any.
    pub fn forget_pending(&self) {
        let path = self.settings.paths.pending_file(&self.settings.profile);
        if let Err(error) = crate::files::remove_file(&path, "remove") {
            output::warn(format_args!(
                "cannot remove the pending authorize request: {error}"
            ));
        }
    }

    fn pending(&self) -> Option<Pending> {
        let path = self.settings.paths.pending_file(&self.settings.profile);
        crate::files::read_file(&path).unwrap_or_else(|error| {
            output::warn(format_args!(
                "ignoring the pending authorize request: {error}"
            ));
            None
        })
    }

    /// A callback of a request made with another issuer, client id or redirect URI than the
    /// exchange would use is refused before its code is sent: the server would refuse the code
    /// (and might revoke what it issued for it).
    fn refuse_other_settings(&self, pending: &Pending) -> Result<()> {
        let settings = self.settings;
        let compared = [
            (
                "issuer",
                Some(settings.issuer_or_default()),
                &pending.issuer,
            ),
            (
                "client id",
                settings.client_id_or(None).ok(),
                &pending.client_id,
            ),
            (
                "redirect URI",
                settings.redirect_uri.as_deref(),
                &pending.redirect_uri,
            ),
        ];
        let differences: Vec<String> = compared
            .into_iter()
            .filter_map(|(what, now, then)| {
                let now = now?;
                (now != then).then(|| format!("{what} {then:?} (now {now:?})"))
            })
            .collect();
        if differences.is_empty() {
            return Ok(());
        }
        Err(Error::msg(
            Kind::InvalidInput,
            format!(
                "refusing the callback before sending its code: its authorize request was made with {}",
                differences.join(", ")
            ),
        )
        .hint("exchange with the settings the authorize URL was made with, or run `amtoken login`"))
    }

    /// A callback whose state an earlier exchange used is a replay.
    fn refuse_replay(&self, found: Option<&str>) -> Result<()> {
        let Some(found) = found else {
            return Ok(());
        };
        let path = self.settings.paths.used_state_file(&self.settings.profile);
        let used: Option<UsedState> = crate::files::read_file(&path).ok().flatten();
        if used.is_some_and(|used| used.state_sha256 == crate::text::sha256_hex(found, None)) {
            return Err(Error::msg(
                Kind::ReauthorizationNeeded,
                "refusing the callback: an earlier exchange already used it (a replayed callback)",
            )
            .hint(REAUTHORIZE));
        }
        Ok(())
    }

    fn mark_used(&self, state: &str) {
        self.forget_pending();
        let used = UsedState {
            state_sha256: crate::text::sha256_hex(state, None),
            used_at: Utc::now(),
        };
        let path = self.settings.paths.used_state_file(&self.settings.profile);
        if let Err(error) =
            crate::files::write_file(&path, &used, crate::files::Durability::Durable)
        {
            output::warn(format_args!("cannot record the used state: {error}"));
        }
    }
}
