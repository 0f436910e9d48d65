//! The exit codes of docs/DESIGN.md, the top error type every module error converts into, hints,
//! and [`report`]. The exit numbers are written here alone; a module that fails names a
//! [`Kind`] (or has its error converted here), and `exec` hands on its COMMAND's own code.

use std::fmt;

use crate::api_client::ApiError;
use crate::config::ConfigError;
use crate::files::FileError;
use crate::http::{HttpError, HttpFailure};
use crate::jwt::{JwtError, VerifyError};
use crate::oauth::callback::CallbackError;
use crate::oauth::loopback::LoopbackError;
use crate::oauth::{ErrorCode, OAuthError};
use crate::output;
use crate::store::{LockError, StoreError};

/// What kind of failure ended the run; each maps to one documented exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A bug or an unexpected condition (exit 1).
    Internal,
    /// Flags or arguments that do not parse (exit 2; clap reports its own).
    Usage,
    /// Malformed JWT, callback URL or config file, missing setting, plain-http URL (exit 3).
    InvalidInput,
    /// Nothing stored for the profile (exit 4).
    NotLoggedIn,
    /// The server rejected the code or refresh token, or the callback carried an error (exit 5).
    ReauthorizationNeeded,
    /// Connect, TLS, timeout, 5xx, 429: try again later (exit 6).
    Network,
    /// The server refused the client or request, or answered nonsense (exit 7).
    ServerRefused,
    /// Keychain or token file unavailable (exit 8).
    StoreUnavailable,
    /// Timed out waiting for the profile lock (exit 9).
    LockTimeout,
    /// A check on the token failed: signature, claims, or time with --check (exit 10).
    VerificationFailed,
    /// The API answered with an error status or something unusable (exit 11).
    ApiError,
    /// `status --check`: a person must log in again within `--warn-before` (exit 12).
    ReloginSoon,
}

impl Kind {
    /// Every kind, in exit-code order.
    pub const ALL: [Kind; 12] = [
        Kind::Internal,
        Kind::Usage,
        Kind::InvalidInput,
        Kind::NotLoggedIn,
        Kind::ReauthorizationNeeded,
        Kind::Network,
        Kind::ServerRefused,
        Kind::StoreUnavailable,
        Kind::LockTimeout,
        Kind::VerificationFailed,
        Kind::ApiError,
        Kind::ReloginSoon,
    ];

    /// The kind's name, as `serve` reports a failure (`{"error": "network", …}`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Internal => "internal",
            Kind::Usage => "usage",
            Kind::InvalidInput => "invalid_input",
            Kind::NotLoggedIn => "not_logged_in",
            Kind::ReauthorizationNeeded => "reauthorization_needed",
            Kind::Network => "network",
            Kind::ServerRefused => "server_refused",
            Kind::StoreUnavailable => "store_unavailable",
            Kind::LockTimeout => "lock_timeout",
            Kind::VerificationFailed => "verification_failed",
            Kind::ApiError => "api_error",
            Kind::ReloginSoon => "relogin_soon",
        }
    }

    /// The process exit code for this kind, as in docs/DESIGN.md's table.
    pub fn exit_code(self) -> u8 {
        match self {
            Kind::Internal => 1,
            Kind::Usage => 2,
            Kind::InvalidInput => 3,
            Kind::NotLoggedIn => 4,
            Kind::ReauthorizationNeeded => 5,
            Kind::Network => 6,
            Kind::ServerRefused => 7,
            Kind::StoreUnavailable => 8,
            Kind::LockTimeout => 9,
            Kind::VerificationFailed => 10,
            Kind::ApiError => 11,
            Kind::ReloginSoon => 12,
        }
    }
}

/// The error a command returns: a kind (the exit code), the cause chain, and maybe a hint.
pub struct Error {
    kind: Kind,
    cause: anyhow::Error,
    hint: Option<String>,
}

/// The result type of every command.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of `kind` whose chain starts with `cause`.
    pub fn new(kind: Kind, cause: impl Into<anyhow::Error>) -> Self {
        Error {
            kind,
            cause: cause.into(),
            hint: None,
        }
    }

    /// An error of `kind` with a plain message.
    pub fn msg(kind: Kind, message: impl fmt::Display) -> Self {
        Error::new(kind, anyhow::anyhow!("{message}"))
    }

    /// Names the step that failed, in front of the cause: `failed to refresh token: …`.
    pub fn context(self, step: impl fmt::Display + Send + Sync + 'static) -> Self {
        Error {
            cause: self.cause.context(step),
            ..self
        }
    }

    /// Sets the `hint:` line, replacing any hint given before.
    pub fn hint(self, hint: impl Into<String>) -> Self {
        Error {
            hint: Some(hint.into()),
            ..self
        }
    }

    /// Sets the hint when there is one.
    fn maybe_hint(self, hint: Option<&str>) -> Self {
        match hint {
            Some(hint) => self.hint(hint),
            None => self,
        }
    }

    /// The hint, if any.
    pub fn hint_text(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// The kind, for tests and for commands that react to one kind.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The one-line message, cause chain included.
    pub fn message(&self) -> String {
        // `{:#}` joins the chain with ": " and, unlike Debug, never adds a backtrace.
        format!("{:#}", self.cause).replace(['\n', '\r'], " ")
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.message())
    }
}

/// Adds the failed step to any error that converts into [`Error`].
pub trait Context<T> {
    fn context(self, step: impl fmt::Display + Send + Sync + 'static) -> Result<T>;
}

impl<T, E: Into<Error>> Context<T> for std::result::Result<T, E> {
    fn context(self, step: impl fmt::Display + Send + Sync + 'static) -> Result<T> {
        self.map_err(|error| error.into().context(step))
    }
}

impl From<JwtError> for Error {
    fn from(error: JwtError) -> Self {
        Error::new(Kind::InvalidInput, error)
    }
}

impl From<VerifyError> for Error {
    fn from(error: VerifyError) -> Self {
        let kind = if error.is_bad_key_set() {
            Kind::InvalidInput
        } else {
            Kind::VerificationFailed
        };
        Error::new(kind, error)
    }
}

impl From<FileError> for Error {
    fn from(error: FileError) -> Self {
        Error::from(StoreError::from(error))
    }
}

impl From<ConfigError> for Error {
    fn from(error: ConfigError) -> Self {
        let hint = match &error {
            ConfigError::MissingClientId => Some(
                "pass --client-id, set AMTOKEN_CLIENT_ID, or add client_id to the profile in the config file",
            ),
            ConfigError::MissingRedirectUri => Some(
                "pass --redirect-uri, set AMTOKEN_REDIRECT_URI, or add redirect_uri to the profile in the config file",
            ),
            ConfigError::SecretInConfig { .. } => Some(
                "remove it; give the secret in AMTOKEN_CLIENT_SECRET or a 0600 file named by --client-secret-file",
            ),
            _ => None,
        };
        Error::new(Kind::InvalidInput, error).maybe_hint(hint)
    }
}

impl From<HttpError> for Error {
    fn from(error: HttpError) -> Self {
        let (kind, hint) = match (&error, error.failure()) {
            (HttpError::InsecureUrl { .. }, _) => (
                Kind::InvalidInput,
                Some("use an https:// URL; plain http is only for loopback hosts"),
            ),
            (_, HttpFailure::BadSetting) => (Kind::InvalidInput, None),
            (_, HttpFailure::Setup) => (Kind::Internal, None),
            (HttpError::Certificate { .. }, _) => (
                Kind::Network,
                Some("if the server uses a private CA, pass --cacert FILE (PEM)"),
            ),
            (_, HttpFailure::Network) => (
                Kind::Network,
                Some("this is likely temporary: try again later"),
            ),
            // Only the token endpoint is read so far; an answer over its cap is not a token
            // response.
            (_, HttpFailure::TooLarge) => (Kind::ServerRefused, None),
        };
        Error::new(kind, error).maybe_hint(hint)
    }
}

impl From<OAuthError> for Error {
    fn from(error: OAuthError) -> Self {
        let error = match error {
            OAuthError::Http(http) => return Error::from(http),
            other => other,
        };
        let (kind, hint) = match &error {
            // Returned above: a transport failure is classified by the transport.
            OAuthError::Http(_) => (Kind::Internal, None),
            OAuthError::ServerTrouble { .. } => (
                Kind::Network,
                Some("this is likely temporary: try again later"),
            ),
            OAuthError::Refused { code, .. } if code.needs_reauthorization() => {
                (Kind::ReauthorizationNeeded, None)
            }
            OAuthError::Refused {
                code: ErrorCode::InvalidClient,
                ..
            } => (
                Kind::ServerRefused,
                Some("check the client id and client secret"),
            ),
            OAuthError::Refused { .. }
            | OAuthError::Redirect { .. }
            | OAuthError::InvalidDocument { .. }
            | OAuthError::InvalidResponse { .. } => (Kind::ServerRefused, None),
        };
        Error::new(kind, error).maybe_hint(hint)
    }
}

impl From<CallbackError> for Error {
    fn from(error: CallbackError) -> Self {
        let (kind, hint) = match &error {
            CallbackError::Refused { .. } => (
                Kind::ReauthorizationNeeded,
                "authorize again; if it keeps failing, check the client's redirect URI and scopes",
            ),
            CallbackError::StateMismatch { .. } => (
                Kind::ReauthorizationNeeded,
                "this callback does not belong to your authorize request: authorize again",
            ),
            _ => (
                Kind::InvalidInput,
                "paste the whole URL the browser landed on, or just the code",
            ),
        };
        Error::new(kind, error).hint(hint)
    }
}

impl From<ApiError> for Error {
    fn from(error: ApiError) -> Self {
        let error = match error {
            ApiError::Http(http) => return Error::from(http),
            other => other,
        };
        let kind = match &error {
            // Returned above: a transport failure is classified by the transport.
            ApiError::Http(_) => Kind::Internal,
            ApiError::OtherOrigin { .. } | ApiError::BadPath { .. } | ApiError::BadBase { .. } => {
                Kind::InvalidInput
            }
            ApiError::TooLarge
            | ApiError::Redirect { .. }
            | ApiError::NotAPage { .. }
            | ApiError::RepeatedToken { .. }
            | ApiError::Refused { .. } => Kind::ApiError,
            ApiError::TooManyPages { .. } => {
                return Error::new(Kind::ApiError, error)
                    .hint("raise --max-pages, or narrow the request");
            }
        };
        Error::new(kind, error)
    }
}

impl From<LoopbackError> for Error {
    fn from(error: LoopbackError) -> Self {
        match error {
            LoopbackError::Listen { .. } => Error::new(Kind::InvalidInput, error)
                .hint("is another program using that port? register and use another loopback port"),
            LoopbackError::Timeout { .. } => Error::new(Kind::ReauthorizationNeeded, error)
                .context("login failed")
                .hint("run `amtoken login` again, or raise --login-timeout"),
            LoopbackError::Receive(_) => Error::new(Kind::Internal, error),
        }
    }
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        if matches!(error, StoreError::BadSetting { .. }) {
            return Error::new(Kind::InvalidInput, error);
        }
        if error.is_unreachable() {
            return Error::new(Kind::Network, error).hint(
                "is Vault up and --vault-addr right? this is likely temporary: try again later",
            );
        }
        let hint = if error.is_keychain() {
            Some("unlock the keychain, or keep tokens in a 0600 file with --store file")
        } else if error.is_refused() {
            Some(
                "check the Vault address and token, and that the token's policy grants read, create and update on the secret's data path (and delete on its metadata path, for logout)",
            )
        } else {
            None
        };
        Error::new(Kind::StoreUnavailable, error).maybe_hint(hint)
    }
}

impl From<LockError> for Error {
    fn from(error: LockError) -> Self {
        match error {
            LockError::Timeout { .. } => Error::new(Kind::LockTimeout, error)
                .hint("wait for the other amtoken to finish, or raise --lock-timeout"),
            LockError::Io { .. } => Error::new(Kind::StoreUnavailable, error),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Self {
        Error::new(Kind::Internal, error)
    }
}

/// How a run ended when it did not fail: 0, or a code a command passes through (`exec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitStatus(pub u8);

impl ExitStatus {
    /// Exit 0.
    pub const SUCCESS: ExitStatus = ExitStatus(0);
}

/// Prints `amtoken: error: …` and the hint on stderr; returns the exit code.
pub fn report(error: &Error) -> u8 {
    output::error_lines(&error.message(), error.hint.as_deref());
    error.kind.exit_code()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_reads_as_one_sentence() {
        let error = Error::msg(Kind::ReauthorizationNeeded, "server said invalid_grant")
            .context("failed to refresh token");
        assert_eq!(
            error.message(),
            "failed to refresh token: server said invalid_grant"
        );
        assert_eq!(error.kind().exit_code(), 5);
    }

    #[test]
    fn a_message_is_always_one_line() {
        let error = Error::msg(Kind::Internal, "two\nlines");
        assert_eq!(error.message(), "two lines");
    }

    #[test]
    fn exit_codes_match_the_design_table() {
        let table = [
            (Kind::Internal, 1),
            (Kind::Usage, 2),
            (Kind::InvalidInput, 3),
            (Kind::NotLoggedIn, 4),
            (Kind::ReauthorizationNeeded, 5),
            (Kind::Network, 6),
            (Kind::ServerRefused, 7),
            (Kind::StoreUnavailable, 8),
            (Kind::LockTimeout, 9),
            (Kind::VerificationFailed, 10),
            (Kind::ApiError, 11),
            (Kind::ReloginSoon, 12),
        ];
        for (kind, code) in table {
            assert_eq!(kind.exit_code(), code, "{kind:?}");
        }
    }
}
