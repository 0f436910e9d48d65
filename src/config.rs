//! Turns flags, environment and the config file into [`Settings`]: flag > environment >
//! `[profiles.NAME]` > built-in default. clap already merged each flag with its variable, and
//! [`GlobalArgs::over_profile`] (one rule for every setting, from its one definition in
//! `cli/settings.rs`) lays them over the profile table; this module adds the defaults and
//! what each value means.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ValueEnum;
use serde::Deserialize;

use crate::cli::settings;
use crate::cli::{GlobalArgs, ProfileTable};
use crate::http::TransportOptions;
use crate::oauth::ClientAuthMethod;
use crate::paths::{self, Paths};
use crate::secret::Secret;
use crate::store::{
    Backend, FleetRole, JwtSource, SecretIdSource, StoreSettings, VaultAuthMethod, VaultLocation,
    VaultLogin, VaultSettings, VaultTokenCache,
};

/// The ApprovalMax production issuer.
pub const DEFAULT_ISSUER: &str = "https://identity.approvalmax.com";
/// The ApprovalMax public API.
pub const DEFAULT_API_URL: &str = "https://public-api.approvalmax.com";
/// Read access to the public API, plus a refresh token.
pub const DEFAULT_SCOPE: &str = "https://www.approvalmax.com/scopes/public_api/read offline_access";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(30);
/// IdentityServer's default absolute refresh-token lifetime, which ApprovalMax's tokens point to.
const DEFAULT_REFRESH_LIFETIME: Duration = Duration::from_secs(30 * 86_400);
/// How long a keychain call may take before it counts as unavailable.
const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything a command needs to know, resolved once, in the domain's own types.
#[derive(Debug)]
pub struct Settings {
    /// The profile: names the store entry, the cache file and the lock.
    pub profile: String,
    /// The configured authorization server, without a trailing slash. `None`: the one the
    /// stored record was obtained from, else [`DEFAULT_ISSUER`].
    pub issuer: Option<String>,
    /// The configured token endpoint; `None`: `{issuer}/connect/token`.
    pub token_url: Option<String>,
    /// The configured authorize endpoint; `None`: `{issuer}/connect/authorize`.
    pub authorize_url: Option<String>,
    /// The configured OAuth client id. `None`: the stored record's; grants need one.
    pub client_id: Option<String>,
    /// Client authentication at the token endpoint.
    pub client_auth: ClientAuthMethod,
    /// The redirect URI registered for the client.
    pub redirect_uri: Option<String>,
    /// Space-separated scopes to ask for.
    pub scope: String,
    /// Which credential store keeps the refresh token.
    pub store: Backend,
    /// The API base URL.
    pub api_url: String,
    /// Where `--store vault` keeps the shared secret.
    pub vault: VaultLocation,
    /// How `--store vault` gets its Vault token (a `Token(None)` for the other stores).
    pub vault_login: VaultLogin,
    /// Where a Vault login's token is kept.
    pub vault_token_cache: VaultTokenCache,
    /// This machine's part in a fleet.
    pub fleet_role: FleetRole,
    /// The total time one request may take.
    pub timeout: Duration,
    /// How long to wait for the profile lock.
    pub lock_timeout: Duration,
    /// How long a refresh chain lives from its first consent (`--refresh-lifetime`).
    pub refresh_lifetime: Duration,
    /// How long a keychain call may take.
    pub keychain_timeout: Duration,
    /// Extra trusted CA certificates.
    pub cacert: Option<PathBuf>,
    /// Log requests on stderr.
    pub verbose: bool,
    /// Register printed tokens with GitHub Actions' `::add-mask::` (GITHUB_ACTIONS=true, and
    /// no `--no-mask`).
    pub mask_in_ci: bool,
    /// Where files live.
    pub paths: Paths,
    client_secret_file: Option<PathBuf>,
    /// The global flags as given (each already merged with its environment variable by
    /// clap), kept so that other profiles can be resolved without the command line.
    flags: GlobalArgs,
    config: ConfigFile,
    config_path: PathBuf,
}

/// Where the client secret comes from, by name only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientSecretSource {
    /// `AMTOKEN_CLIENT_SECRET`.
    Environment,
    /// `--client-secret-file -`.
    Stdin,
    /// `--client-secret-file PATH`.
    File(PathBuf),
    None,
}

/// What went wrong while resolving settings; every case is exit 3 except a missing home.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {cause}")]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("invalid config file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error(
        "config file {path} has a client_secret in [profiles.{profile}]: a client secret does not belong in the config file"
    )]
    SecretInConfig { path: PathBuf, profile: String },
    #[error("invalid {key} {value:?} in [profiles.{profile}] of {path}: {why}")]
    BadValue {
        path: PathBuf,
        profile: String,
        key: &'static str,
        value: String,
        why: String,
    },
    #[error(
        "invalid profile name {0:?}: use letters, digits, '.', '_' and '-', not starting with '.' or ending in '.rescue'"
    )]
    BadProfile(String),
    #[error("invalid Vault {key} {value:?}: {why}")]
    BadVaultPath {
        key: &'static str,
        value: String,
        why: &'static str,
    },
    #[error(
        "--store vault needs a Vault address: set --vault-addr, AMTOKEN_VAULT_ADDR, VAULT_ADDR or BAO_ADDR"
    )]
    MissingVaultAddress,
    #[error(
        "invalid Vault address {value:?} (--vault-addr, AMTOKEN_VAULT_ADDR, VAULT_ADDR or BAO_ADDR): {why}"
    )]
    BadVaultAddress { value: String, why: String },
    #[error(
        "--fleet-role reader needs --store vault and --vault-access-path, the path the refreshers publish the access token at"
    )]
    ReaderWithoutAccessPath,
    #[error("--vault-auth {method} {why}")]
    VaultLogin { method: &'static str, why: String },
    #[error("no client id is set")]
    MissingClientId,
    #[error("no redirect URI is set")]
    MissingRedirectUri,
    #[error("cannot read the client secret from {path}: {cause}")]
    SecretFile {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("the client secret in {0} is empty")]
    EmptySecret(String),
    #[error("{0}")]
    Home(std::io::Error),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    profiles: BTreeMap<String, ProfileTable>,
}

impl Settings {
    /// Resolves the global flags against the config file and the defaults, in the current
    /// user's directories.
    pub fn resolve(args: &GlobalArgs) -> Result<Settings, ConfigError> {
        let paths = Paths::from_environment().map_err(ConfigError::Home)?;
        Settings::resolve_in(args, paths)
    }

    /// [`Settings::resolve`] with the directories given.
    pub fn resolve_in(args: &GlobalArgs, paths: Paths) -> Result<Settings, ConfigError> {
        let (config_path, explicit) = Settings::config_path_of(args, &paths);
        let config = read_config_file(&config_path, explicit)?;
        for (name, table) in &config.profiles {
            if table.client_secret.is_some() {
                return Err(ConfigError::SecretInConfig {
                    path: config_path.clone(),
                    profile: name.clone(),
                });
            }
        }
        let flags = args.clone();
        let profile = flags.profile.clone().unwrap_or_else(|| "default".into());
        resolve_profile(flags, config, config_path, paths, profile)
    }

    /// The config file these flags name, and whether they name it (else the default's).
    pub fn config_path_of(args: &GlobalArgs, paths: &Paths) -> (PathBuf, bool) {
        match &args.config {
            Some(path) => (path.clone(), true),
            None => (paths.config_file(), false),
        }
    }

    /// The flags and environment alone, as if there were no config file: what `doctor` goes on
    /// with when the file itself is the trouble.
    pub fn resolve_without_file(args: &GlobalArgs) -> Result<Settings, ConfigError> {
        let paths = Paths::from_environment().map_err(ConfigError::Home)?;
        let flags = args.clone();
        let profile = flags.profile.clone().unwrap_or_else(|| "default".into());
        let config_path = Settings::config_path_of(args, &paths).0;
        resolve_profile(flags, ConfigFile::default(), config_path, paths, profile)
    }

    /// The path of the config file, and the profile tables it holds.
    pub fn config_file(&self) -> &Path {
        &self.config_path
    }

    /// The keys the profile's table of the config file sets.
    pub fn profile_table_keys(&self) -> Vec<&'static str> {
        let Some(table) = self.config.profiles.get(&self.profile) else {
            return Vec::new();
        };
        let table = toml::Value::try_from(table).unwrap_or(toml::Value::Table(Default::default()));
        settings::profile_keys()
            .filter(|key| table.get(key).is_some())
            .collect()
    }

    /// The same flags and config file, for another profile (`status --all`): the file is not
    /// read again.
    pub fn for_profile(&self, profile: &str) -> Result<Settings, ConfigError> {
        let config = ConfigFile {
            profiles: self.config.profiles.clone(),
        };
        resolve_profile(
            self.flags.clone(),
            config,
            self.config_path.clone(),
            self.paths.clone(),
            profile.to_string(),
        )
    }

    /// The profiles named in the config file.
    pub fn config_profiles(&self) -> impl Iterator<Item = &str> {
        self.config.profiles.keys().map(String::as_str)
    }

    /// The configured issuer, else the default one.
    pub fn issuer_or_default(&self) -> &str {
        self.issuer.as_deref().unwrap_or(DEFAULT_ISSUER)
    }

    /// The token endpoint of `issuer`, unless one is configured.
    pub fn token_url_for(&self, issuer: &str) -> String {
        self.token_url
            .clone()
            .unwrap_or_else(|| format!("{issuer}/connect/token"))
    }

    /// The authorize endpoint of `issuer`, unless one is configured.
    pub fn authorize_url_for(&self, issuer: &str) -> String {
        self.authorize_url
            .clone()
            .unwrap_or_else(|| format!("{issuer}/connect/authorize"))
    }

    /// The configured client id, or the one given (the stored record's).
    pub fn client_id_or<'a>(&'a self, stored: Option<&'a str>) -> Result<&'a str, ConfigError> {
        self.client_id
            .as_deref()
            .or(stored)
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

    /// What opening the profile's store needs.
    pub fn store_settings(&self) -> StoreSettings {
        StoreSettings {
            backend: self.store,
            profile: self.profile.clone(),
            paths: self.paths.clone(),
            keychain_timeout: self.keychain_timeout,
            vault: VaultSettings {
                location: VaultLocation {
                    cacert: self.cacert.clone().or_else(|| self.vault.cacert.clone()),
                    ..self.vault.clone()
                },
                login: self.vault_login.clone(),
                token_cache: (self.vault_token_cache == VaultTokenCache::File
                    && !matches!(self.vault_login, VaultLogin::Token))
                .then(|| self.paths.vault_token_dir()),
                timeout: self.timeout,
                verbose: self.verbose,
            },
        }
    }

    /// The store's name as `--store` spells it.
    pub fn store_name(&self) -> String {
        self.store
            .to_possible_value()
            .map(|value| value.get_name().to_string())
            .unwrap_or_default()
    }

    /// How the transport is set up.
    pub fn transport_options(&self) -> TransportOptions<'_> {
        TransportOptions {
            timeout: self.timeout,
            cacert: self.cacert.as_deref(),
            verbose: self.verbose,
        }
    }

    /// Whether the client secret will be read from standard input.
    pub fn reads_client_secret_from_stdin(&self) -> bool {
        self.client_secret_file.as_deref() == Some(Path::new("-"))
    }

    /// The client secret, from `--client-secret-file` (`-` = stdin) or `AMTOKEN_CLIENT_SECRET`;
    /// `None` for a public client. Read only when a grant needs it.
    /// Where the client secret would come from, read from nowhere (`doctor`).
    pub fn client_secret_source(&self) -> ClientSecretSource {
        match &self.client_secret_file {
            Some(path) if path == Path::new("-") => ClientSecretSource::Stdin,
            Some(path) => ClientSecretSource::File(path.clone()),
            None if std::env::var_os(settings::CLIENT_SECRET)
                .is_some_and(|value| !value.is_empty()) =>
            {
                ClientSecretSource::Environment
            }
            None => ClientSecretSource::None,
        }
    }

    pub fn client_secret(&self) -> Result<Option<Secret>, ConfigError> {
        let Some(path) = &self.client_secret_file else {
            return Ok(std::env::var(settings::CLIENT_SECRET)
                .ok()
                .filter(|value| !value.is_empty())
                .map(Secret::new));
        };
        let read_error = |cause| ConfigError::SecretFile {
            path: path.clone(),
            cause,
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

/// flag > environment (already in the flag) > `[profiles.NAME]` > default, for one profile.
fn resolve_profile(
    flags: GlobalArgs,
    config: ConfigFile,
    config_path: PathBuf,
    paths: Paths,
    profile: String,
) -> Result<Settings, ConfigError> {
    if !paths::is_valid_profile_name(&profile) {
        return Err(ConfigError::BadProfile(profile));
    }
    let table = config.profiles.get(&profile).cloned().unwrap_or_default();
    let merged = flags
        .over_profile(&table)
        .map_err(|bad| ConfigError::BadValue {
            path: config_path.clone(),
            profile: profile.clone(),
            key: bad.key,
            value: bad.value,
            why: bad.why,
        })?;
    let store = merged.store.unwrap_or(Backend::Keyring);
    // flag > AMTOKEN_VAULT_ADDR (both in the flag) > VAULT_ADDR > BAO_ADDR > the file.
    let vault_address = flags
        .vault_addr
        .clone()
        .or_else(|| non_empty_env("VAULT_ADDR"))
        .or_else(|| non_empty_env("BAO_ADDR"))
        .or(merged.vault_addr.clone())
        .map(|address| address.trim_end_matches('/').to_string());
    let fleet_role = merged.fleet_role.unwrap_or(FleetRole::Refresher);
    if fleet_role == FleetRole::Reader
        && (store != Backend::Vault || merged.vault_access_path.is_none())
    {
        return Err(ConfigError::ReaderWithoutAccessPath);
    }
    let vault_login = match store {
        // Checked only for Vault: no file looked at on the other stores' hot path.
        Backend::Vault => vault_login(&merged)?,
        _ => VaultLogin::Token,
    };
    let vault_address = match (vault_address, store) {
        (None, Backend::Vault) => return Err(ConfigError::MissingVaultAddress),
        (Some(address), Backend::Vault) => Some(checked_vault_address(address)?),
        (address, _) => address,
    };
    Ok(Settings {
        issuer: merged
            .issuer
            .map(|issuer| issuer.trim_end_matches('/').to_string()),
        token_url: merged.token_url,
        authorize_url: merged.authorize_url,
        client_id: merged.client_id.filter(|id| !id.is_empty()),
        client_auth: merged.client_auth.unwrap_or(ClientAuthMethod::Post),
        redirect_uri: merged.redirect_uri,
        scope: merged.scope.unwrap_or_else(|| DEFAULT_SCOPE.into()),
        store,
        vault: VaultLocation {
            address: vault_address,
            mount: vault_segments(
                "mount",
                merged.vault_mount.unwrap_or_else(|| "secret".into()),
                store,
            )?,
            path: vault_segments(
                "path",
                merged
                    .vault_path
                    .unwrap_or_else(|| format!("amtoken/{profile}")),
                store,
            )?,
            access_path: merged
                .vault_access_path
                .clone()
                .map(|path| vault_segments("access path", path, store))
                .transpose()?,
            namespace: non_empty_env("VAULT_NAMESPACE").or_else(|| non_empty_env("BAO_NAMESPACE")),
            cacert: non_empty_env("VAULT_CACERT")
                .or_else(|| non_empty_env("BAO_CACERT"))
                .map(PathBuf::from),
        },
        vault_login,
        fleet_role,
        vault_token_cache: merged.vault_token_cache.unwrap_or(VaultTokenCache::Memory),
        api_url: merged.api_url.unwrap_or_else(|| DEFAULT_API_URL.into()),
        timeout: merged.timeout.unwrap_or(DEFAULT_TIMEOUT),
        lock_timeout: merged.lock_timeout.unwrap_or(DEFAULT_LOCK_TIMEOUT),
        refresh_lifetime: merged.refresh_lifetime.unwrap_or(DEFAULT_REFRESH_LIFETIME),
        keychain_timeout: KEYCHAIN_TIMEOUT,
        cacert: merged.cacert,
        verbose: merged.verbose,
        mask_in_ci: !merged.no_mask
            && std::env::var("GITHUB_ACTIONS").is_ok_and(|value| value == "true"),
        paths,
        client_secret_file: merged.client_secret_file,
        profile,
        flags,
        config,
        config_path,
    })
}

/// Where the Kubernetes service-account token is, unless --vault-jwt-file says otherwise.
const KUBERNETES_TOKEN_FILE: &str = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/// How `--store vault` gets its Vault token: every setting the method needs, or exit 3 naming
/// the one missing or unusable, before anything is sent. The credentials themselves (a secret
/// id file, an identity token) are read by the method when it logs in.
fn vault_login(merged: &GlobalArgs) -> Result<VaultLogin, ConfigError> {
    let method = merged.vault_auth.unwrap_or(VaultAuthMethod::Token);
    let unusable = |why: String| ConfigError::VaultLogin {
        method: method.name(),
        why,
    };
    let missing = |what: &str| unusable(format!("needs {what}"));
    let mount = || {
        vault_segments(
            "auth mount",
            merged
                .vault_auth_mount
                .clone()
                .unwrap_or_else(|| method.name().into()),
            Backend::Vault,
        )
    };
    let role = || {
        merged
            .vault_role
            .clone()
            .filter(|role| !role.is_empty())
            .ok_or_else(|| missing("a role: set --vault-role or AMTOKEN_VAULT_ROLE"))
    };
    // A file the method will read at its login: there and readable now, or exit 3 naming it.
    let readable = |setting: &str, path: &Path| {
        std::fs::File::open(path)
            .map(|_| ())
            .map_err(|cause| unusable(format!("cannot read {setting} {}: {cause}", path.display())))
    };
    Ok(match method {
        VaultAuthMethod::Token => VaultLogin::Token,
        VaultAuthMethod::AppRole => {
            let role_id = merged
                .vault_role_id
                .clone()
                .filter(|id| !id.is_empty())
                .ok_or_else(|| {
                    missing("a role id: set --vault-role-id or AMTOKEN_VAULT_ROLE_ID")
                })?;
            let secret_id = match &merged.vault_secret_id_file {
                Some(path) => {
                    readable("--vault-secret-id-file", path)?;
                    SecretIdSource::File(path.clone())
                }
                None => SecretIdSource::Environment(Secret::new(
                    non_empty_env(settings::VAULT_SECRET_ID).ok_or_else(|| {
                        missing(
                            "a secret id: set AMTOKEN_VAULT_SECRET_ID or --vault-secret-id-file",
                        )
                    })?,
                )),
            };
            VaultLogin::AppRole {
                mount: mount()?,
                role_id,
                secret_id,
            }
        }
        VaultAuthMethod::Jwt => {
            let (mount, role) = (mount()?, role()?);
            let source = match (&merged.vault_jwt_file, github_actions_request(merged)) {
                (Some(path), _) => {
                    readable("--vault-jwt-file", path)?;
                    JwtSource::File(path.clone())
                }
                (None, Some(source)) => source.map_err(unusable)?,
                (None, None) => {
                    return Err(missing(
                        "an identity token: set --vault-jwt-file, or run in a GitHub Actions job with `permissions: id-token: write`",
                    ));
                }
            };
            VaultLogin::Jwt {
                mount,
                role,
                source,
            }
        }
        VaultAuthMethod::Kubernetes => {
            let (mount, role) = (mount()?, role()?);
            let (setting, token_file) = match &merged.vault_jwt_file {
                Some(path) => ("--vault-jwt-file", path.clone()),
                None => (
                    "the service-account token",
                    PathBuf::from(KUBERNETES_TOKEN_FILE),
                ),
            };
            readable(setting, &token_file)?;
            VaultLogin::Kubernetes {
                mount,
                role,
                token_file,
            }
        }
    })
}

/// GitHub Actions' OIDC request, when the job may make one; its URL checked (HTTPS, or
/// loopback): the request carries the runner's bearer token.
fn github_actions_request(merged: &GlobalArgs) -> Option<Result<JwtSource, String>> {
    let request_url = non_empty_env(settings::ACTIONS_ID_TOKEN_REQUEST_URL)?;
    let request_token = Secret::new(non_empty_env(settings::ACTIONS_ID_TOKEN_REQUEST_TOKEN)?);
    if let Err(error) = crate::http::check_url(&request_url) {
        return Some(Err(format!(
            "cannot use {}: {error}",
            settings::ACTIONS_ID_TOKEN_REQUEST_URL
        )));
    }
    Some(Ok(JwtSource::GitHubActions {
        request_url,
        request_token,
        audience: merged.vault_jwt_audience.clone(),
    }))
}

/// The Vault address, checked with `--store vault`: https, or http to loopback only (the Vault
/// token goes with every request).
fn checked_vault_address(address: String) -> Result<String, ConfigError> {
    let why = match crate::http::check_url(&address) {
        Ok(_) => return Ok(address),
        Err(crate::http::HttpError::InsecureUrl { .. }) => {
            "HTTPS is needed: the Vault token goes with every request, and plain http is for loopback hosts only (127.0.0.1, [::1], localhost)".to_string()
        }
        Err(error) => error.to_string(),
    };
    Err(ConfigError::BadVaultAddress {
        value: address,
        why,
    })
}

/// A Vault mount or path, its outer slashes trimmed, checked (with `--store vault`) to name
/// a place inside the mount: no empty, `.` or `..` segment (Vault would resolve them to another
/// path, and the Vault token would go with the request), and no `?`, `#` or `%` (a query, a
/// fragment, an escape) nor a control character.
fn vault_segments(key: &'static str, value: String, store: Backend) -> Result<String, ConfigError> {
    let trimmed = value.trim_matches('/').to_string();
    if store != Backend::Vault {
        return Ok(trimmed);
    }
    let bad = |why| {
        Err(ConfigError::BadVaultPath {
            key,
            value: value.clone(),
            why,
        })
    };
    if trimmed.is_empty() {
        return bad("it is empty");
    }
    if trimmed.split('/').any(|segment| segment.is_empty()) {
        return bad("it has an empty segment (//)");
    }
    if trimmed
        .split('/')
        .any(|segment| segment == "." || segment == "..")
    {
        return bad("a segment is . or ..");
    }
    if trimmed
        .chars()
        .any(|c| matches!(c, '?' | '#' | '%') || c.is_control())
    {
        return bad("it has ?, #, % or a control character");
    }
    Ok(trimmed)
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
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
        Err(cause) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                cause,
            });
        }
    };
    toml::from_str(&text).map_err(|error| ConfigError::Parse {
        path: path.to_path_buf(),
        message: describe_toml_error(&text, &error),
    })
}

/// For toml's "unknown field `isuer`", the known key closest to it, when one is close.
fn unknown_key_suggestion(message: &str) -> Option<&'static str> {
    let unknown = message.strip_prefix("unknown field `")?.split('`').next()?;
    settings::profile_keys()
        .map(|key| (strsim::jaro_winkler(unknown, key), key))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, key)| key)
}

/// Parses config-file text as `Settings` would, for the fuzz target: the error, on one line.
pub(crate) fn check_config_text(text: &str) -> Result<(), String> {
    toml::from_str::<ConfigFile>(text)
        .map(|_| ())
        .map_err(|error| describe_toml_error(text, &error))
}

/// `line 3, column 1: unknown field `clientid`, expected one of …` on one line.
fn describe_toml_error(text: &str, error: &toml::de::Error) -> String {
    let mut message = error.message().trim().replace('\n', " ");
    if let Some(suggestion) = unknown_key_suggestion(&message) {
        message = format!("{message} (did you mean `{suggestion}`?)");
    }
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
