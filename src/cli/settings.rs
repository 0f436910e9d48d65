//! The global settings, each defined once.
//!
//! One entry of [`global_settings!`] gives a setting its flag (long name, short letter,
//! environment variable, value name, default, help), its value parser, and whether a
//! `[profiles.NAME]` table of the config file may set it (`file: yes`). From that one entry
//! come: the clap field of [`GlobalArgs`], the row of the quick parse's table
//! ([`GLOBAL_FLAGS`]) and the call that fills the field there ([`GlobalArgs::collect`]), the
//! field of [`ProfileTable`], and the merge flag > environment > profile table
//! ([`GlobalArgs::over_profile`]), which parses the table's text with the same value parser
//! the command line uses. Adding a setting is one entry here and one row in
//! docs/REFERENCE.md; `config` decides what the merged value means (its default, and how it
//! is checked).

use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::{
    BoolValueParser, EnumValueParser, PathBufValueParser, StringValueParser, TypedValueParser,
};
use serde::Deserialize;

use super::{
    Backend, ClientAuthMethod, ColorChoice, FleetRole, VaultAuthMethod, VaultTokenCache,
    parse_duration, parse_lifetime,
};

/// A credential amtoken reads from the environment only — never from a flag, never from the
/// config file. Each is named here once: config reads it by this name, `exec` withholds every
/// one of them (and every global setting marked `secret: yes`) from COMMAND, and
/// docs/REFERENCE.md lists them (a test checks).
#[derive(Debug)]
pub struct SecretVariable {
    pub name: &'static str,
    /// What it holds, for the docs.
    pub what: &'static str,
}

/// The OAuth client secret.
pub const CLIENT_SECRET: &str = "AMTOKEN_CLIENT_SECRET";
/// A refresh token that seeds an empty store.
pub const REFRESH_TOKEN_SEED: &str = "AMTOKEN_REFRESH_TOKEN";
/// The Vault token (Vault's own name, and OpenBao's).
pub const VAULT_TOKEN: &str = "VAULT_TOKEN";
pub const BAO_TOKEN: &str = "BAO_TOKEN";
/// The AppRole secret id.
pub const VAULT_SECRET_ID: &str = "AMTOKEN_VAULT_SECRET_ID";
/// GitHub Actions' OIDC request: the runner's bearer token for it, and where to send it.
pub const ACTIONS_ID_TOKEN_REQUEST_TOKEN: &str = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";
pub const ACTIONS_ID_TOKEN_REQUEST_URL: &str = "ACTIONS_ID_TOKEN_REQUEST_URL";

/// Every credential variable, in the order docs/REFERENCE.md lists them.
pub static SECRET_VARIABLES: &[SecretVariable] = &[
    SecretVariable {
        name: CLIENT_SECRET,
        what: "the OAuth client secret",
    },
    SecretVariable {
        name: REFRESH_TOKEN_SEED,
        what: "a refresh token that seeds an empty store, once",
    },
    SecretVariable {
        name: VAULT_TOKEN,
        what: "the Vault token",
    },
    SecretVariable {
        name: BAO_TOKEN,
        what: "the OpenBao token",
    },
    SecretVariable {
        name: VAULT_SECRET_ID,
        what: "the AppRole secret id",
    },
    SecretVariable {
        name: ACTIONS_ID_TOKEN_REQUEST_TOKEN,
        what: "GitHub Actions' bearer token for its OIDC request",
    },
    SecretVariable {
        name: ACTIONS_ID_TOKEN_REQUEST_URL,
        what: "where GitHub Actions' OIDC request goes (it mints identity tokens)",
    },
];

/// The keys a `[profiles.NAME]` table may hold, in the order of the settings.
pub fn profile_keys() -> impl Iterator<Item = &'static str> {
    GLOBAL_FLAGS.iter().filter_map(|flag| flag.file_key)
}

/// Every environment variable COMMAND of `amtoken exec` must not see: the credential
/// variables, and the variables of the global settings marked `secret: yes`.
pub fn withheld_variables() -> impl Iterator<Item = &'static str> {
    SECRET_VARIABLES.iter().map(|variable| variable.name).chain(
        GLOBAL_FLAGS
            .iter()
            .filter(|flag| flag.secret)
            .filter_map(|flag| flag.env),
    )
}

/// A flag as the quick parse needs to know it.
#[derive(Debug)]
pub(crate) struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    pub takes_value: bool,
    pub env: Option<&'static str>,
    pub default: Option<&'static str>,
    /// Part of a credential: its variable is withheld from `exec`'s COMMAND.
    pub secret: bool,
    /// The key a `[profiles.NAME]` table sets it with, when the config file may.
    pub file_key: Option<&'static str>,
}

/// The shapes a setting's field has: `Option<T>` (absent unless given), `bool` (a switch), or
/// a value with a default.
pub(crate) trait FieldValue: Sized {
    /// What the value parser produces.
    type Parsed;
    /// Whether the flag takes a value (a switch does not).
    const TAKES_VALUE: bool;
    /// The field from what was given; `None` when a required value is missing.
    fn from_parsed(parsed: Option<Self::Parsed>) -> Option<Self>;
}

impl<T> FieldValue for Option<T> {
    type Parsed = T;
    const TAKES_VALUE: bool = true;
    fn from_parsed(parsed: Option<T>) -> Option<Self> {
        Some(parsed)
    }
}

impl FieldValue for bool {
    type Parsed = bool;
    const TAKES_VALUE: bool = false;
    fn from_parsed(parsed: Option<bool>) -> Option<Self> {
        Some(parsed.unwrap_or(false))
    }
}

impl FieldValue for ColorChoice {
    type Parsed = ColorChoice;
    const TAKES_VALUE: bool = true;
    fn from_parsed(parsed: Option<ColorChoice>) -> Option<Self> {
        parsed
    }
}

/// Where the quick parse finds a flag's value: it gives the field, parsed with the setting's
/// own value parser, or `None` to leave the command line to clap.
pub(crate) trait ValueSource {
    fn field<F, P>(&mut self, flag: &'static Flag, parser: P) -> Option<F>
    where
        F: FieldValue,
        P: TypedValueParser<Value = F::Parsed>;
}

/// A config-file value its setting's parser refused.
#[derive(Debug)]
pub struct BadFileValue {
    /// The key, as the config file spells it.
    pub key: &'static str,
    pub value: String,
    /// What was expected: the possible values, or the parser's own message.
    pub why: String,
}

/// Parses a config-file value as the command line would.
fn file_value<P: TypedValueParser>(
    key: &'static str,
    text: &str,
    parser: P,
) -> Result<P::Value, BadFileValue> {
    let command = clap::Command::new("amtoken");
    parser
        .parse_ref(&command, None, OsStr::new(text))
        .map_err(|error| {
            let why = match parser.possible_values() {
                Some(values) => {
                    let names: Vec<String> =
                        values.map(|value| value.get_name().to_string()).collect();
                    format!("expected {}", crate::text::one_of(&names))
                }
                None => std::error::Error::source(&error)
                    .map_or_else(|| error.kind().to_string(), ToString::to_string),
            };
            BadFileValue {
                key,
                value: text.to_string(),
                why,
            }
        })
}

/// The heading a global setting is listed under in `--help`, after the command's own flags (as
/// gh's "inherited flags" and cargo's headings do).
fn heading(field: &str) -> &'static str {
    match field {
        "issuer" | "token_url" | "authorize_url" | "client_id" | "client_secret_file"
        | "client_auth" | "redirect_uri" | "scope" | "refresh_lifetime" | "api_url" => {
            "Provider and client"
        }
        "profile" | "store" | "config" | "lock_timeout" => "Profile and store",
        field if field.starts_with("vault_") || field == "fleet_role" => "Vault and fleet",
        _ => "Output and network",
    }
}

/// Whether `-h` shows a global setting (`--help` shows them all): the few a first run needs,
/// so that `amtoken -h` and `amtoken token -h` fit on one screen.
fn in_short_help(field: &str) -> bool {
    matches!(
        field,
        "profile" | "client_id" | "client_secret_file" | "redirect_uri" | "store" | "verbose"
    )
}

/// `None` or `Some(x)`, for an optional part of an entry.
macro_rules! optional {
    () => {
        None
    };
    ($value:expr) => {
        Some($value)
    };
}

/// `file: yes` as the config file's key.
macro_rules! file_key {
    (yes, $field:ident) => {
        Some(stringify!($field))
    };
    (no, $field:ident) => {
        None
    };
}

/// `secret: yes` as a bool; absent is `false`.
macro_rules! is_yes {
    () => {
        false
    };
    (yes) => {
        true
    };
}

/// [`ProfileTable`]'s fields: those of the entries marked `file: yes`, gathered one by one.
macro_rules! profile_table {
    ([$($done:tt)*]) => {
        /// A `[profiles.NAME]` table of the config file: the settings marked `file: yes`, as
        /// text. `client_secret` is read only to refuse it.
        #[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct ProfileTable {
            $($done)*
            pub client_secret: Option<toml::Value>,
        }
    };
    ([$($done:tt)*] $field:ident yes, $($rest:tt)*) => {
        profile_table!([$($done)* pub $field: Option<String>,] $($rest)*);
    };
    ([$($done:tt)*] $field:ident no, $($rest:tt)*) => {
        profile_table!([$($done)*] $($rest)*);
    };
}

/// A field of [`GlobalArgs::over_profile`]: the flag's value, else (`file: yes`) the table's.
macro_rules! over_profile {
    (no, $flags:ident, $table:ident, $field:ident, $parser:expr) => {
        $flags.$field.clone()
    };
    (yes, $flags:ident, $table:ident, $field:ident, $parser:expr) => {
        match (&$flags.$field, &$table.$field) {
            (Some(value), _) => Some(value.clone()),
            (None, None) => None,
            (None, Some(text)) => Some(file_value(stringify!($field), text, $parser)?),
        }
    };
}

macro_rules! global_settings {
    ($(
        $(#[doc = $doc:literal])*
        $field:ident: $type:ty {
            long: $long:literal,
            $(short: $short:literal,)?
            $(env: $env:literal,)?
            $(value_name: $value_name:literal,)?
            $(default: $default:literal,)?
            parser: $parser:expr,
            file: $file:ident,
            $(secret: $secret:ident,)?
            $(clap: [$($clap:tt)*],)?
        }
    )*) => {
        /// Options that work before or after the subcommand.
        #[derive(Debug, Clone, clap::Args)]
        pub struct GlobalArgs {
            $(
                $(#[doc = $doc])*
                #[arg(
                    long = $long,
                    global = true,
                    $(short = $short,)?
                    $(env = $env,)?
                    $(value_name = $value_name,)?
                    $(default_value = $default,)?
                    value_parser = $parser,
                    help_heading = heading(stringify!($field)),
                    hide_short_help = !in_short_help(stringify!($field)),
                    $($($clap)*)?
                )]
                pub $field: $type,
            )*
        }

        /// [`GlobalArgs`] as the quick parse reads them, in the same order.
        pub(crate) static GLOBAL_FLAGS: &[Flag] = &[$(
            Flag {
                long: $long,
                short: optional!($($short)?),
                takes_value: <$type as FieldValue>::TAKES_VALUE,
                env: optional!($($env)?),
                default: optional!($($default)?),
                secret: is_yes!($($secret)?),
                file_key: file_key!($file, $field),
            },
        )*];

        impl GlobalArgs {
            /// The global flags from the quick parse's `source`.
            pub(crate) fn collect(source: &mut impl ValueSource) -> Option<GlobalArgs> {
                let mut flags = GLOBAL_FLAGS.iter();
                Some(GlobalArgs {
                    $($field: source.field(flags.next()?, $parser)?,)*
                })
            }

            /// These flags (each already merged with its environment variable by clap) over
            /// a profile table: flag > environment > table. A table value is parsed with the
            /// setting's own parser.
            pub fn over_profile(&self, table: &ProfileTable) -> Result<GlobalArgs, BadFileValue> {
                Ok(GlobalArgs {
                    $($field: over_profile!($file, self, table, $field, $parser),)*
                })
            }
        }

        profile_table!([] $($field $file,)*);
    };
}

global_settings! {
    /// Profile: which stored tokens and config-file table to use
    ///
    /// A name of letters, digits, `.`, `_` and `-`.
    profile: Option<String> {
        long: "profile",
        short: 'p',
        env: "AMTOKEN_PROFILE",
        value_name: "NAME",
        parser: StringValueParser::new(),
        file: no,
    }

    /// Authorization server [default: https://identity.approvalmax.com]
    issuer: Option<String> {
        long: "issuer",
        env: "AMTOKEN_ISSUER",
        value_name: "URL",
        parser: StringValueParser::new(),
        file: yes,
    }

    /// Token endpoint [default: {issuer}/connect/token]
    token_url: Option<String> {
        long: "token-url",
        env: "AMTOKEN_TOKEN_URL",
        value_name: "URL",
        parser: StringValueParser::new(),
        file: yes,
    }

    /// Authorize endpoint [default: {issuer}/connect/authorize]
    authorize_url: Option<String> {
        long: "authorize-url",
        env: "AMTOKEN_AUTHORIZE_URL",
        value_name: "URL",
        parser: StringValueParser::new(),
        file: yes,
    }

    /// OAuth client id (required for grants)
    client_id: Option<String> {
        long: "client-id",
        env: "AMTOKEN_CLIENT_ID",
        value_name: "ID",
        parser: StringValueParser::new(),
        file: yes,
    }

    /// Read the client secret from PATH (`-` = standard input)
    ///
    /// The secret may also come from the AMTOKEN_CLIENT_SECRET environment variable. It is never
    /// taken from the command line itself or from the config file.
    client_secret_file: Option<PathBuf> {
        long: "client-secret-file",
        value_name: "PATH",
        parser: PathBufValueParser::new(),
        file: no,
    }

    /// How the client authenticates at the token endpoint [default: post]
    ///
    /// `post` sends client_id and client_secret in the form body (client_secret_post, what
    /// ApprovalMax documents); `basic` sends them in an HTTP Basic Authorization header.
    client_auth: Option<ClientAuthMethod> {
        long: "client-auth",
        env: "AMTOKEN_CLIENT_AUTH",
        value_name: "METHOD",
        parser: EnumValueParser::<ClientAuthMethod>::new(),
        file: yes,
    }

    /// Redirect URI registered for the client
    redirect_uri: Option<String> {
        long: "redirect-uri",
        env: "AMTOKEN_REDIRECT_URI",
        value_name: "URI",
        parser: StringValueParser::new(),
        file: yes,
    }

    /// Space-separated scopes to ask for
    ///
    /// [default: https://www.approvalmax.com/scopes/public_api/read offline_access]
    scope: Option<String> {
        long: "scope",
        env: "AMTOKEN_SCOPE",
        value_name: "SCOPES",
        parser: StringValueParser::new(),
        file: yes,
    }

    /// Where the refresh token is kept [default: keyring]
    ///
    /// `keyring` is the OS keychain (Secret Service, macOS Keychain, Windows Credential
    /// Manager); `file` is a 0600 JSON file under $XDG_DATA_HOME/amtoken/; `vault` is a
    /// Vault/OpenBao KV v2 secret a fleet of machines shares, refreshed under a lease.
    store: Option<Backend> {
        long: "store",
        env: "AMTOKEN_STORE",
        value_name: "STORE",
        parser: EnumValueParser::<Backend>::new(),
        file: yes,
    }

    /// Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]
    config: Option<PathBuf> {
        long: "config",
        env: "AMTOKEN_CONFIG",
        value_name: "PATH",
        parser: PathBufValueParser::new(),
        file: no,
    }

    /// When to colour output
    ///
    /// `auto` colours when stdout is a terminal and NO_COLOR is not set.
    color: ColorChoice {
        long: "color",
        value_name: "WHEN",
        default: "auto",
        parser: EnumValueParser::<ColorChoice>::new(),
        file: no,
    }

    /// On GitHub Actions, do not register printed tokens with `::add-mask::`
    ///
    /// With GITHUB_ACTIONS=true, every command that prints or writes a token first registers it
    /// with the runner's `::add-mask::` workflow command (on stderr, so that `$(…)` gets the
    /// token alone), and the job's log shows `***` wherever the token appears.
    no_mask: bool {
        long: "no-mask",
        env: "AMTOKEN_NO_MASK",
        parser: BoolValueParser::new(),
        file: no,
    }

    /// Show each request (method, URL, status, time) on stderr; never bodies or secrets
    verbose: bool {
        long: "verbose",
        short: 'v',
        parser: BoolValueParser::new(),
        file: no,
    }

    /// Network timeout for each request, e.g. 30s, 2m [default: 30s]
    timeout: Option<Duration> {
        long: "timeout",
        value_name: "DURATION",
        parser: parse_duration,
        file: no,
    }

    /// How long to wait for another amtoken holding the profile lock [default: 30s]
    lock_timeout: Option<Duration> {
        long: "lock-timeout",
        value_name: "DURATION",
        parser: parse_duration,
        file: no,
    }

    /// How long a refresh chain lives from the first consent [default: 30d]
    ///
    /// The server's absolute refresh-token lifetime (IdentityServer's default, which
    /// ApprovalMax's tokens point to, is 30 days; rotation does not extend it). `status` shows
    /// when a person must log in again, and `status --check --warn-before` warns ahead of it.
    refresh_lifetime: Option<Duration> {
        long: "refresh-lifetime",
        env: "AMTOKEN_REFRESH_LIFETIME",
        value_name: "DURATION",
        parser: parse_lifetime,
        file: yes,
    }

    /// Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]
    ///
    /// The Vault token comes from VAULT_TOKEN, else BAO_TOKEN, else ~/.vault-token; never from
    /// a flag.
    vault_addr: Option<String> {
        long: "vault-addr",
        env: "AMTOKEN_VAULT_ADDR",
        value_name: "URL",
        parser: StringValueParser::new(),
        file: yes,
        clap: [hide_env = true],
    }

    /// Vault KV version 2 mount [default: secret]
    vault_mount: Option<String> {
        long: "vault-mount",
        env: "AMTOKEN_VAULT_MOUNT",
        value_name: "MOUNT",
        parser: StringValueParser::new(),
        file: yes,
    }

    /// Path of the shared secret in the mount [default: amtoken/<profile>]
    vault_path: Option<String> {
        long: "vault-path",
        env: "AMTOKEN_VAULT_PATH",
        value_name: "PATH",
        parser: StringValueParser::new(),
        file: yes,
    }

    /// Where refreshers publish the access token alone, for readers [default: none]
    ///
    /// A second secret in the mount, so that a policy can let most runners read the access
    /// token and never the refresh token.
    vault_access_path: Option<String> {
        long: "vault-access-path",
        env: "AMTOKEN_VAULT_ACCESS_PATH",
        value_name: "PATH",
        parser: StringValueParser::new(),
        file: yes,
    }

    /// This machine's part in a fleet [default: refresher]
    ///
    /// `refresher` reads the refresh token and refreshes under the lease; `reader` reads only
    /// the access token at --vault-access-path and waits (up to --lock-timeout) for a
    /// refresher to publish a fresh one.
    fleet_role: Option<FleetRole> {
        long: "fleet-role",
        env: "AMTOKEN_FLEET_ROLE",
        value_name: "ROLE",
        parser: EnumValueParser::<FleetRole>::new(),
        file: yes,
    }

    /// How to log in to Vault, for --store vault [default: token]
    ///
    /// `token`: VAULT_TOKEN, BAO_TOKEN or ~/.vault-token. `approle`: --vault-role-id and the
    /// secret id from AMTOKEN_VAULT_SECRET_ID or --vault-secret-id-file. `jwt`: a CI identity
    /// token from --vault-jwt-file, else the GitHub Actions OIDC request, as --vault-role.
    /// `kubernetes`: the service-account token, as --vault-role.
    vault_auth: Option<VaultAuthMethod> {
        long: "vault-auth",
        env: "AMTOKEN_VAULT_AUTH",
        value_name: "METHOD",
        parser: EnumValueParser::<VaultAuthMethod>::new(),
        file: yes,
    }

    /// Mount of the Vault auth method [default: approle, jwt or kubernetes]
    vault_auth_mount: Option<String> {
        long: "vault-auth-mount",
        env: "AMTOKEN_VAULT_AUTH_MOUNT",
        value_name: "MOUNT",
        parser: StringValueParser::new(),
        file: yes,
    }

    /// Vault role to log in as, for --vault-auth jwt and kubernetes
    vault_role: Option<String> {
        long: "vault-role",
        env: "AMTOKEN_VAULT_ROLE",
        value_name: "ROLE",
        parser: StringValueParser::new(),
        file: yes,
    }

    /// AppRole role id, for --vault-auth approle
    vault_role_id: Option<String> {
        long: "vault-role-id",
        env: "AMTOKEN_VAULT_ROLE_ID",
        value_name: "ID",
        parser: StringValueParser::new(),
        file: yes,
        // With the secret id it is the whole AppRole credential.
        secret: yes,
    }

    /// Read the AppRole secret id from PATH (else AMTOKEN_VAULT_SECRET_ID; never a flag's value)
    vault_secret_id_file: Option<PathBuf> {
        long: "vault-secret-id-file",
        env: "AMTOKEN_VAULT_SECRET_ID_FILE",
        value_name: "PATH",
        parser: PathBufValueParser::new(),
        file: yes,
    }

    /// The identity token for --vault-auth jwt or kubernetes, read from PATH at each login
    ///
    /// [default: for kubernetes /var/run/secrets/kubernetes.io/serviceaccount/token; for jwt
    /// the GitHub Actions OIDC request (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN)]
    vault_jwt_file: Option<PathBuf> {
        long: "vault-jwt-file",
        env: "AMTOKEN_VAULT_JWT_FILE",
        value_name: "PATH",
        parser: PathBufValueParser::new(),
        file: yes,
    }

    /// Audience to ask GitHub Actions' OIDC request for, for --vault-auth jwt
    vault_jwt_audience: Option<String> {
        long: "vault-jwt-audience",
        env: "AMTOKEN_VAULT_JWT_AUDIENCE",
        value_name: "AUDIENCE",
        parser: StringValueParser::new(),
        file: yes,
    }

    /// Where a Vault login's token is kept [default: memory]
    ///
    /// `memory`: for this run only. `file`: 0600 under $XDG_CACHE_HOME/amtoken/vault-token/
    /// until its TTL, renewed when renewable, so that a loop of runs logs in once.
    vault_token_cache: Option<VaultTokenCache> {
        long: "vault-token-cache",
        env: "AMTOKEN_VAULT_TOKEN_CACHE",
        value_name: "WHERE",
        parser: EnumValueParser::<VaultTokenCache>::new(),
        file: yes,
    }

    /// ApprovalMax API base URL [default: https://public-api.approvalmax.com]
    api_url: Option<String> {
        long: "api-url",
        env: "AMTOKEN_API_URL",
        value_name: "URL",
        parser: StringValueParser::new(),
        file: yes,
    }

    /// Extra CA certificates (PEM) to trust, besides the system store
    cacert: Option<PathBuf> {
        long: "cacert",
        value_name: "FILE",
        parser: PathBufValueParser::new(),
        file: no,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Environment variables that look like credentials but are not amtoken's own: what
    /// `exec` hands COMMAND, a path to a file, and the test suite's.
    const NOT_CREDENTIALS: &[&str] = &[
        "AMTOKEN_ACCESS_TOKEN",
        "AMTOKEN_TOKEN_FILE",
        "AMTOKEN_VAULT_SECRET_ID_FILE",
        "AMTOKEN_VAULT_TOKEN_CACHE",
        "AMTOKEN_TOKEN_URL",
    ];

    /// Issue 27.5: every variable in the source that names a secret, a token or an AppRole id is
    /// withheld from `exec`'s COMMAND. A new credential read anywhere fails this until it is
    /// named in [`SECRET_VARIABLES`] or marked `secret: yes`.
    #[test]
    fn every_credential_variable_in_the_source_is_withheld() {
        let withheld: Vec<&str> = withheld_variables().collect();
        let mut sources = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        let mut seen = Vec::new();
        while let Some(path) = sources.pop() {
            if path.is_dir() {
                sources.extend(
                    std::fs::read_dir(&path)
                        .unwrap()
                        .map(|entry| entry.unwrap().path()),
                );
                continue;
            }
            if path.extension().is_none_or(|ext| ext != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for quoted in text.split('"').skip(1).step_by(2) {
                let looks_like_variable = quoted.contains('_')
                    && quoted.chars().all(|c| c.is_ascii_uppercase() || c == '_')
                    && ["SECRET", "TOKEN", "ROLE_ID", "PASSWORD"]
                        .iter()
                        .any(|word| quoted.trim_start_matches("AMTOKEN_").contains(word));
                if looks_like_variable
                    && !quoted.starts_with("AMTOKEN_TEST_")
                    && !NOT_CREDENTIALS.contains(&quoted)
                {
                    seen.push(quoted.to_string());
                    assert!(
                        withheld.contains(&quoted),
                        "{quoted} ({}) looks like a credential but exec would hand it to COMMAND",
                        path.display()
                    );
                }
            }
        }
        for expected in [
            "AMTOKEN_VAULT_ROLE_ID",
            "AMTOKEN_VAULT_SECRET_ID",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        ] {
            assert!(withheld.contains(&expected), "{expected}");
        }
        assert!(seen.len() >= 7, "the scan found too little: {seen:?}");
    }

    /// Issue 26.8: docs/REFERENCE.md and docs/DESIGN.md list exactly the config file's keys.
    #[test]
    fn the_docs_list_exactly_the_config_files_keys() {
        let keys: Vec<&str> = profile_keys().collect();
        assert!(keys.contains(&"vault_access_path") && !keys.contains(&"profile"));
        for doc in ["docs/REFERENCE.md", "docs/DESIGN.md"] {
            let text = std::fs::read_to_string(format!("{}/{doc}", env!("CARGO_MANIFEST_DIR")))
                .unwrap()
                .replace('\n', " ");
            let rest = text
                .split_once("one table per profile")
                .and_then(|(_, rest)| rest.split_once("with the keys "))
                .map(|(_, rest)| rest)
                .unwrap_or_else(|| panic!("{doc} has no key list"));
            // The list ends where the sentence goes on: a colon, a parenthesis or a full stop.
            let end = [":", " (", ". "]
                .iter()
                .filter_map(|mark| rest.find(mark))
                .min()
                .unwrap_or(rest.len());
            let list = &rest[..end];
            let mut named: Vec<&str> = list.split('`').skip(1).step_by(2).collect();
            let mut expected = keys.clone();
            named.sort_unstable();
            expected.sort_unstable();
            assert_eq!(named, expected, "{doc}'s config-file keys");
        }
    }

    /// docs/REFERENCE.md names every credential variable, with what it holds.
    #[test]
    fn the_reference_lists_every_credential_variable() {
        let reference =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/REFERENCE.md"))
                .unwrap();
        for variable in SECRET_VARIABLES {
            let row = format!("| `{}` | {} |", variable.name, variable.what);
            assert!(
                reference.contains(&row),
                "docs/REFERENCE.md lacks the row {row}"
            );
        }
    }

    #[test]
    fn a_table_value_is_parsed_as_the_flag_would_be() {
        let table = ProfileTable {
            store: Some("file".into()),
            refresh_lifetime: Some("90d".into()),
            ..ProfileTable::default()
        };
        let flags = GlobalArgs::collect(&mut Nothing).unwrap();
        let merged = flags.over_profile(&table).unwrap();
        assert_eq!(merged.store, Some(Backend::File));
        assert_eq!(
            merged.refresh_lifetime,
            Some(Duration::from_secs(90 * 86_400))
        );
    }

    #[test]
    fn a_flag_wins_over_the_table() {
        let table = ProfileTable {
            client_id: Some("from-file".into()),
            ..ProfileTable::default()
        };
        let mut flags = GlobalArgs::collect(&mut Nothing).unwrap();
        flags.client_id = Some("from-flag".into());
        let merged = flags.over_profile(&table).unwrap();
        assert_eq!(merged.client_id.as_deref(), Some("from-flag"));
    }

    #[test]
    fn a_bad_table_value_says_what_was_expected() {
        let table = ProfileTable {
            store: Some("cloud".into()),
            ..ProfileTable::default()
        };
        let flags = GlobalArgs::collect(&mut Nothing).unwrap();
        let error = flags.over_profile(&table).unwrap_err();
        assert_eq!(error.key, "store");
        assert_eq!(error.why, "expected keyring, file or vault");
        let table = ProfileTable {
            refresh_lifetime: Some("soon".into()),
            ..ProfileTable::default()
        };
        let error = flags.over_profile(&table).unwrap_err();
        assert!(error.why.contains("is not a lifetime"), "{}", error.why);
    }

    /// A command line with nothing on it but the defaults.
    struct Nothing;

    impl ValueSource for Nothing {
        fn field<F, P>(&mut self, flag: &'static Flag, parser: P) -> Option<F>
        where
            F: FieldValue,
            P: TypedValueParser<Value = F::Parsed>,
        {
            let parsed = flag.default.map(|text| {
                parser
                    .parse_ref(&clap::Command::new("t"), None, OsStr::new(text))
                    .unwrap()
            });
            F::from_parsed(parsed)
        }
    }
}
