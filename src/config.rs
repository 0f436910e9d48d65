//! Turns flags, environment and the config file into [`Settings`]: flag > environment >
//! `[profiles.NAME]` > built-in default. clap already merged each flag with its variable; this
//! module adds the config file and the defaults.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::cli::{ClientAuth, GlobalArgs, StoreKind};
use crate::paths::{self, Paths};
use crate::secret::Secret;

/// The ApprovalMax production issuer.
pub const DEFAULT_ISSUER: &str = "https://identity.approvalmax.com";
/// Read access to the public API, plus a refresh token.
pub const DEFAULT_SCOPE: &str = "https://www.approvalmax.com/scopes/public_api/read offline_access";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a keychain call may take before it counts as unavailable.
const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything a command needs to know, resolved once.
#[derive(Debug)]
pub struct Settings {
    /// The profile: names the store entry, the cache file and the lock.
    pub profile: String,
    /// The authorization server, without a trailing slash.
    pub issuer: String,
    /// The token endpoint.
    pub token_url: String,
    /// The OAuth client id; required for grants.
    pub client_id: Option<String>,
    /// Client authentication at the token endpoint.
    pub client_auth: ClientAuth,
    /// The redirect URI registered for the client.
    pub redirect_uri: Option<String>,
    /// Space-separated scopes to ask for.
    pub scope: String,
    /// Which credential store keeps the refresh token.
    pub store: StoreKind,
    /// Connect and total timeout of each request.
    pub timeout: Duration,
    /// How long to wait for the profile lock.
    pub lock_timeout: Duration,
    /// How long a keychain call may take.
    pub keychain_timeout: Duration,
    /// Extra trusted CA certificates.
    pub cacert: Option<PathBuf>,
    /// Log requests on stderr.
    pub verbose: bool,
    /// Where files live.
    pub paths: Paths,
    /// The profile names of the config file, for `status --all`.
    pub config_profiles: Vec<String>,
    client_secret_file: Option<PathBuf>,
}

/// What went wrong while resolving settings; every case is exit 3 except a missing home.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid config file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error(
        "config file {path} has a client_secret in [profiles.{profile}]: a client secret does not belong in the config file"
    )]
    SecretInConfig { path: PathBuf, profile: String },
    #[error("invalid {key} {value:?} in [profiles.{profile}] of {path}: expected keyring or file")]
    BadStore {
        path: PathBuf,
        profile: String,
        key: &'static str,
        value: String,
    },
    #[error("invalid profile name {0:?}: use letters, digits, '.', '_' and '-'")]
    BadProfile(String),
    #[error("no client id is set")]
    MissingClientId,
    #[error("no redirect URI is set")]
    MissingRedirectUri,
    #[error("cannot read the client secret from {path}: {source}")]
    SecretFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the client secret in {0} is empty")]
    EmptySecret(String),
    #[error("{0}")]
    Home(std::io::Error),
}

/// The `[profiles.NAME]` table. `client_secret` is read only to refuse it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileTable {
    issuer: Option<String>,
    token_url: Option<String>,
    // Read by `amtoken login` and `authorize-url`; accepted here so one config file serves all.
    #[allow(dead_code)]
    authorize_url: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    store: Option<String>,
    client_auth: Option<String>,
    client_secret: Option<toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    profiles: BTreeMap<String, ProfileTable>,
}

impl Settings {
    /// Resolves the global flags (already merged with their environment variables by clap)
    /// against the config file and the defaults.
    pub fn resolve(args: &GlobalArgs) -> Result<Settings, ConfigError> {
        let paths = Paths::from_environment().map_err(ConfigError::Home)?;
        let (config_file, explicit) = match &args.config {
            Some(path) => (path.clone(), true),
            None => (paths.config_file(), false),
        };
        let mut file = read_config_file(&config_file, explicit)?;
        let profile = args.profile.clone().unwrap_or_else(|| "default".into());
        if !paths::is_valid_profile_name(&profile) {
            return Err(ConfigError::BadProfile(profile));
        }
        for (name, table) in &file.profiles {
            if table.client_secret.is_some() {
                return Err(ConfigError::SecretInConfig {
                    path: config_file.clone(),
                    profile: name.clone(),
                });
            }
        }
        let config_profiles = file.profiles.keys().cloned().collect();
        let table = file.profiles.remove(&profile).unwrap_or_default();
        let bad_value = |key: &'static str, value: &str| ConfigError::BadStore {
            path: config_file.clone(),
            profile: profile.clone(),
            key,
            value: value.to_string(),
        };

        let issuer = args
            .issuer
            .clone()
            .or(table.issuer)
            .unwrap_or_else(|| DEFAULT_ISSUER.into())
            .trim_end_matches('/')
            .to_string();
        let store = match (args.store, table.store.as_deref()) {
            (Some(store), _) => store,
            (None, None) => StoreKind::Keyring,
            (None, Some("keyring")) => StoreKind::Keyring,
            (None, Some("file")) => StoreKind::File,
            (None, Some(other)) => return Err(bad_value("store", other)),
        };
        let client_auth = match (args.client_auth, table.client_auth.as_deref()) {
            (Some(auth), _) => auth,
            (None, None) | (None, Some("post")) => ClientAuth::Post,
            (None, Some("basic")) => ClientAuth::Basic,
            (None, Some(other)) => {
                return Err(ConfigError::Parse {
                    path: config_file.clone(),
                    message: format!(
                        "client_auth {other:?} in [profiles.{profile}]: expected post or basic"
                    ),
                });
            }
        };
        Ok(Settings {
            token_url: args
                .token_url
                .clone()
                .or(table.token_url)
                .unwrap_or_else(|| format!("{issuer}/connect/token")),
            client_id: args.client_id.clone().or(table.client_id),
            redirect_uri: args.redirect_uri.clone().or(table.redirect_uri),
            scope: args
                .scope
                .clone()
                .or(table.scope)
                .unwrap_or_else(|| DEFAULT_SCOPE.into()),
            issuer,
            client_auth,
            store,
            timeout: args.timeout.unwrap_or(DEFAULT_TIMEOUT),
            lock_timeout: args.lock_timeout.unwrap_or(DEFAULT_LOCK_TIMEOUT),
            keychain_timeout: KEYCHAIN_TIMEOUT,
            cacert: args.cacert.clone(),
            verbose: args.verbose,
            paths,
            config_profiles,
            client_secret_file: args.client_secret_file.clone(),
            profile,
        })
    }

    /// The client id, which every grant needs.
    pub fn require_client_id(&self) -> Result<&str, ConfigError> {
        self.client_id
            .as_deref()
            .filter(|id| !id.is_empty())
            .ok_or(ConfigError::MissingClientId)
    }

    /// The redirect URI, which the code grant needs.
    pub fn require_redirect_uri(&self) -> Result<&str, ConfigError> {
        self.redirect_uri
            .as_deref()
            .filter(|uri| !uri.is_empty())
            .ok_or(ConfigError::MissingRedirectUri)
    }

    /// Whether the client secret will be read from standard input.
    pub fn reads_client_secret_from_stdin(&self) -> bool {
        self.client_secret_file.as_deref() == Some(Path::new("-"))
    }

    /// The client secret, from `--client-secret-file` (`-` = stdin) or `AMTOKEN_CLIENT_SECRET`;
    /// `None` for a public client. Read only when a grant needs it.
    pub fn client_secret(&self) -> Result<Option<Secret>, ConfigError> {
        let Some(path) = &self.client_secret_file else {
            return Ok(std::env::var("AMTOKEN_CLIENT_SECRET")
                .ok()
                .filter(|value| !value.is_empty())
                .map(Secret::new));
        };
        let read_error = |source| ConfigError::SecretFile {
            path: path.clone(),
            source,
        };
        let mut text = String::new();
        if path == Path::new("-") {
            std::io::stdin()
                .lock()
                .take(64 * 1024)
                .read_to_string(&mut text)
                .map_err(read_error)?;
        } else {
            let file = std::fs::File::open(path).map_err(read_error)?;
            warn_if_readable_by_others(&file, path);
            file.take(64 * 1024)
                .read_to_string(&mut text)
                .map_err(read_error)?;
        }
        let secret = text.trim_end_matches(['\r', '\n']);
        if secret.is_empty() {
            return Err(ConfigError::EmptySecret(path.display().to_string()));
        }
        Ok(Some(Secret::new(secret)))
    }
}

/// A secret file others can read is still used (the user chose it), but not silently.
fn warn_if_readable_by_others(file: &std::fs::File, path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if let Ok(metadata) = file.metadata() {
            let mode = metadata.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                crate::output::warn(format_args!(
                    "the client secret file {} is readable by others (mode {mode:o}): chmod 600 it",
                    path.display()
                ));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (file, path);
}

/// Reads the config file; a missing default file is an empty config, a missing explicit one an
/// error.
fn read_config_file(path: &Path, explicit: bool) -> Result<ConfigFile, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok(ConfigFile::default());
        }
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    toml::from_str(&text).map_err(|error| ConfigError::Parse {
        path: path.to_path_buf(),
        message: describe_toml_error(&text, &error),
    })
}

/// `line 3, column 1: unknown field `clientid`, expected one of …` on one line.
fn describe_toml_error(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim().replace('\n', " ");
    match error.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ConfigFile, String> {
        toml::from_str::<ConfigFile>(text).map_err(|error| describe_toml_error(text, &error))
    }

    #[test]
    fn a_profile_table_reads_every_key() {
        let file = parse(
            "[profiles.ci]\nissuer = \"https://id.example\"\nclient_id = \"abc\"\nstore = \"file\"\n",
        )
        .unwrap();
        let table = &file.profiles["ci"];
        assert_eq!(table.issuer.as_deref(), Some("https://id.example"));
        assert_eq!(table.client_id.as_deref(), Some("abc"));
        assert_eq!(table.store.as_deref(), Some("file"));
    }

    #[test]
    fn an_unknown_key_names_its_line() {
        let error = parse("[profiles.ci]\nissuer = \"x\"\nclientid = \"abc\"\n").unwrap_err();
        assert!(
            error.starts_with("line 3, column 1: unknown field `clientid`"),
            "{error}"
        );
    }

    #[test]
    fn broken_toml_names_its_line() {
        let error = parse("[profiles.ci]\nissuer = \n").unwrap_err();
        assert!(error.starts_with("line 2,"), "{error}");
    }
}
