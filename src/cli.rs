//! The command line, as clap derive types: no behaviour lives here but parsing ([`parse`], and
//! `hot_path` for the commands scripts run most).
//!
//! The global settings are defined once each in `settings.rs`, which derives their clap field,
//! the quick parse's table and the config file's profile table. When a flag of `token`,
//! `header` or `decode` changes, update its table in `hot_path.rs` too; its tests fail until
//! they match.
//!
//! House conventions: explicit short flags, upper-case `value_name`, `env` on every setting that
//! docs/DESIGN.md gives a variable, a terse first doc line (`-h`) and a fuller paragraph (`--help`).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, CommandFactory as _, FromArgMatches as _, Parser, Subcommand, ValueEnum};

pub use crate::oauth::ClientAuthMethod;
pub use crate::output::TokenFormat;
pub use crate::store::{Backend, FleetRole, VaultAuthMethod, VaultTokenCache};

mod hot_path;
pub mod settings;

pub use settings::{BadFileValue, GlobalArgs, ProfileTable};

/// OAuth 2.0 tokens for the ApprovalMax public API.
///
/// Logs in, keeps the rotating refresh token in the OS keychain (or in a Vault secret a fleet
/// shares), hands valid access tokens to scripts, calls the API, and decodes and verifies JWTs.
#[derive(Debug, Parser)]
#[command(
    name = "amtoken",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Turn an authorization code into tokens and store them
    ///
    /// CODE may be the bare code or the whole URL the browser landed on after authorizing
    /// (`-` reads it from standard input, which keeps it off the command line). The refresh
    /// token goes into the store, the access token into the cache.
    #[command(
        after_long_help = "Examples:\n  amtoken authorize-url                       # open it, authorize, copy the URL you land on\n  amtoken exchange --code 'https://example.com/callback?code=…&state=…'\n  pbpaste | amtoken exchange --code -         # keep the code off the command line"
    )]
    Exchange(ExchangeArgs),

    /// Renew the access token with the stored refresh token
    ///
    /// Runs under the profile lock. Skips the request when another process left an access token
    /// with more than --min-ttl to live, unless --force is given. The rotated refresh token is
    /// stored before anything else is done.
    #[command(
        after_long_help = "Examples:\n  amtoken refresh                 # renew only when less than --min-ttl is left\n  amtoken refresh --force -o json # renew now, and print the new token as JSON"
    )]
    Refresh(RefreshArgs),

    /// Print a valid access token, refreshing only when needed
    ///
    /// A cached token with more than --min-ttl left is printed without touching the network,
    /// the keychain or the lock. Safe to run from many processes at once.
    #[command(
        after_long_help = "Examples:\n  curl -H \"Authorization: Bearer $(amtoken token)\" https://public-api.approvalmax.com/ping\n  eval \"$(amtoken token -o env)\"            # AMTOKEN_ACCESS_TOKEN and AMTOKEN_EXPIRES_AT\n  amtoken token -o github-env               # GitHub Actions: for the next steps, masked"
    )]
    Token(TokenArgs),

    /// Print `Authorization: Bearer <token>`, refreshing only when needed
    ///
    /// The same as `amtoken token --output header`.
    #[command(
        after_long_help = "Examples:\n  curl -H \"$(amtoken header)\" https://public-api.approvalmax.com/api/v1/companies\n  amtoken header --min-ttl 30m             # a token good for the next half hour"
    )]
    Header(TokenArgs),

    /// Show what is stored for the profile, offline
    ///
    /// Never calls the network. Exits 0 when a token can be handed out without the user, 4 when
    /// nothing is stored.
    #[command(
        after_long_help = "Examples:\n  amtoken status                            # what is stored, and until when\n  amtoken status --json --all               # every profile, for scripts\n  amtoken status --check --warn-before 7d   # exit 12 when a login is due within a week"
    )]
    Status(StatusArgs),

    /// Log in: authorize in the browser, then exchange the code, in one command
    ///
    /// Prints the authorize URL on stderr and opens the browser when there is a display. With
    /// a loopback redirect URI (http://127.0.0.1:PORT/… or http://localhost:PORT/…) amtoken
    /// listens there for the one callback; with any other (ApprovalMax's are HTTPS) it asks on
    /// the terminal for the URL the browser landed on, or the bare code. The state is checked
    /// either way.
    #[command(
        after_long_help = "Examples:\n  amtoken login --client-id ID --redirect-uri https://example.com/callback \\\n    --client-secret-file ~/.config/amtoken/secret\n  amtoken login --no-browser               # print the URL, paste what you land on"
    )]
    Login(LoginArgs),

    /// Print the authorize URL and remember its state for `amtoken exchange`
    ///
    /// The state and the PKCE code verifier (unless --no-pkce) are kept in the cache directory for 10
    /// minutes; `amtoken exchange --code <CALLBACK-URL>` checks the callback against it.
    #[command(
        after_long_help = "Examples:\n  amtoken authorize-url                     # then: amtoken exchange --code CALLBACK-URL"
    )]
    AuthorizeUrl(AuthorizeUrlArgs),

    /// Forget the profile's tokens, and with --revoke revoke the refresh token first
    ///
    /// Deletes the stored refresh token, the cached access token, any rescue file and any
    /// pending authorize request, under the profile lock. Nothing stored is not an error.
    #[command(
        after_long_help = "Examples:\n  amtoken logout             # forget the tokens here\n  amtoken logout --revoke    # revoke the refresh token at the server first"
    )]
    Logout(LogoutArgs),

    /// Decode a JWT and show its header, claims and expiry
    ///
    /// Reads the token from the argument, or from standard input when the argument is absent or
    /// `-`. Accepts what people paste: quotes, a leading `Bearer ` or `Authorization: Bearer `,
    /// and line breaks inside the token. The signature is verified only with --verify.
    #[command(
        after_long_help = "Examples:\n  amtoken decode \"$(amtoken token)\"\n  pbpaste | amtoken decode                  # a token pasted from a web page or an e-mail\n  amtoken decode --verify --check < token.jwt"
    )]
    Decode(DecodeArgs),

    /// Call the ApprovalMax API with the profile's token
    ///
    /// PATH `/ping` is taken from the API base's root, `companies` from /api/v1/ (GET
    /// /api/v1/companies), and a full URL only when it is the API's own origin. A 401 causes
    /// one refresh and one retry; 429 and 503 honour Retry-After. The body goes to stdout:
    /// pretty JSON on a terminal, the bytes as received when piped. An error status prints the
    /// body too, and one line on stderr (exit 11).
    #[command(
        after_long_help = "Examples:\n  amtoken api companies\n  amtoken api --paginate --jsonl companies/COMPANY_ID/requests\n  amtoken api -X POST companies/COMPANY_ID/… -f name=value"
    )]
    Api(ApiArgs),

    /// Run COMMAND with a valid access token in its environment
    ///
    /// COMMAND gets AMTOKEN_ACCESS_TOKEN, AMTOKEN_EXPIRES_AT (RFC 3339) and AMTOKEN_API_URL,
    /// never the token on an argv. Its standard streams pass through and its exit code is
    /// amtoken's (128 + the signal's number when a signal ended it).
    #[command(
        after_long_help = "Examples:\n  amtoken exec -- ./sync.sh                  # reads $AMTOKEN_ACCESS_TOKEN\n  amtoken exec --min-ttl 10m -- make release # long: read $AMTOKEN_TOKEN_FILE before each call"
    )]
    Exec(ExecArgs),

    /// Answer token requests of other processes on a Unix socket or loopback TCP
    ///
    /// GET /token answers {"access_token", "token_type", "expires_in", "expires_at"}, GET /header
    /// the `Authorization: Bearer …` line. Tokens are renewed on demand through the profile
    /// lock: many requests at once cause one refresh. The socket is 0600 in the runtime
    /// directory unless --socket names another; --listen 127.0.0.1:PORT serves loopback TCP,
    /// where every request must carry `Authorization: Bearer <secret>`. Runs until SIGTERM or
    /// SIGINT, then removes its socket.
    #[command(
        after_long_help = "Examples:\n  amtoken serve &\n  curl -s --unix-socket \"$XDG_RUNTIME_DIR/amtoken/default.sock\" http://localhost/token\n  amtoken serve --listen 127.0.0.1:8787     # for a container: Bearer secret in the runtime dir"
    )]
    Serve(ServeArgs),

    /// Check every layer of the set-up and say the fix
    ///
    /// In order: the config file, the settings and where each came from, the client secret,
    /// the redirect URI, the store, the stored login, the clock and the way to the issuer
    /// (discovery, TLS, proxy); with --online also a token and the API. One line each: ok,
    /// warn or fail, what was found, the fix. Exits 0 when nothing failed, else with the code
    /// of the first failed layer. Never prints a secret; spends a refresh token only with
    /// --online.
    #[command(
        after_long_help = "Examples:\n  amtoken doctor\n  amtoken doctor --online           # also get a token and call the API\n  amtoken doctor --json | jq '.checks[] | select(.status != \"ok\")'"
    )]
    Doctor(DoctorArgs),

    /// Print a shell completion script
    ///
    /// The generated scripts are also committed in the repository's `completions/` folder.
    #[command(
        after_long_help = "Examples:\n  amtoken completions bash > ~/.local/share/bash-completion/completions/amtoken"
    )]
    Completions(CompletionsArgs),
}

/// `amtoken exchange`
#[derive(Debug, Args)]
pub struct ExchangeArgs {
    /// The authorization code, or the callback URL that carries it (`-` = standard input)
    #[arg(long, value_name = "CODE")]
    pub code: String,

    /// The PKCE code verifier, when the authorize request carried a code challenge
    #[arg(long, value_name = "VERIFIER")]
    pub code_verifier: Option<String>,

    /// The state sent with the authorize request; the callback URL's state must match
    #[arg(long, value_name = "STATE")]
    pub state: Option<String>,

    /// What to print on stdout [default: none]
    #[arg(short = 'o', long, value_name = "FORMAT", default_value = "none")]
    pub output: TokenFormat,
}

/// `amtoken refresh`
#[derive(Debug, Args)]
pub struct RefreshArgs {
    /// Refresh even when the cached access token is still fresh
    #[arg(long)]
    pub force: bool,

    /// Without --force, skip the refresh while the cached token has more than this left
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub min_ttl: Duration,

    /// What to print on stdout [default: none]
    #[arg(short = 'o', long, value_name = "FORMAT", default_value = "none")]
    pub output: TokenFormat,
}

/// `amtoken token` and `amtoken header`
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// Refresh when the cached token has less than this left, e.g. 90s, 5m, 1h
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub min_ttl: Duration,

    /// What to print: raw, header, json, env, none, github-env or github-output [default: raw for token, header for header]
    #[arg(short = 'o', long, value_name = "FORMAT")]
    pub output: Option<TokenFormat>,
}

/// `amtoken status`
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Print one JSON object for scripts
    #[arg(long)]
    pub json: bool,

    /// Every profile found in the config file and the store, not just the selected one
    #[arg(long)]
    pub all: bool,

    /// After printing, exit 12 when a person must log in again within --warn-before
    ///
    /// The refresh chain ends --refresh-lifetime after its first consent; for a daily CI job
    /// that should open a ticket a week ahead: `amtoken status --check --warn-before 7d`.
    #[arg(long)]
    pub check: bool,

    /// With --check: how far ahead to warn, e.g. 7d [default: 0s, only once it has passed]
    #[arg(long, value_name = "DURATION", requires = "check", value_parser = parse_lifetime)]
    pub warn_before: Option<Duration>,
}

/// `amtoken login`
#[derive(Debug, Args)]
pub struct LoginArgs {
    #[command(flatten)]
    pub pkce: PkceArgs,

    /// Do not open a browser; only print the URL
    #[arg(long)]
    pub no_browser: bool,

    /// How long to wait for the callback or the pasted URL
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub login_timeout: Duration,

    /// What to print on stdout [default: none]
    #[arg(short = 'o', long, value_name = "FORMAT", default_value = "none")]
    pub output: TokenFormat,
}

/// `amtoken authorize-url`
#[derive(Debug, Args)]
pub struct AuthorizeUrlArgs {
    #[command(flatten)]
    pub pkce: PkceArgs,
}

/// PKCE (RFC 7636, S256) for `login` and `authorize-url`: on unless turned off (RFC 8252 and
/// RFC 9700 want it for every client).
#[derive(Debug, Args)]
pub struct PkceArgs {
    /// Send no PKCE code challenge, for a server that refuses one [default: S256 challenge]
    #[arg(long, overrides_with = "pkce")]
    pub no_pkce: bool,

    /// Send a PKCE code challenge (S256): the default, accepted for older scripts
    #[arg(long, hide = true)]
    pub pkce: bool,
}

impl PkceArgs {
    /// Whether to send a code challenge.
    pub fn enabled(&self) -> bool {
        !self.no_pkce
    }
}

/// `amtoken logout`
#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Revoke the refresh token at the server first (RFC 7009)
    ///
    /// The revocation endpoint comes from the issuer's discovery document. When the server
    /// has none, amtoken says so and forgets locally all the same.
    #[arg(long)]
    pub revoke: bool,
}

/// `amtoken decode`
#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// The token; `-` or nothing reads standard input
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,

    /// Print one JSON object for scripts
    ///
    /// The object has `header`, `payload`, `status` (valid, expired, not_yet_valid, no_expiry),
    /// the time claims as RFC 3339 and epoch seconds, and `expires_in` seconds.
    #[arg(long, conflicts_with = "claim")]
    pub json: bool,

    /// Print only the value of claim NAME
    ///
    /// Strings are printed raw, anything else as compact JSON. A missing claim is an error
    /// (exit 3) that lists the claims present.
    #[arg(long, value_name = "NAME")]
    pub claim: Option<String>,

    /// Exit 10 when the token is expired or not yet valid
    ///
    /// The output is printed as usual first.
    #[arg(long)]
    pub check: bool,

    /// Verify the signature and the claims (exit 10 when they fail)
    ///
    /// The keys come from the issuer's JWKS (its discovery document names it), or from
    /// --jwks. The algorithm must suit the key and be one of PS256/384/512, RS256/384/512,
    /// ES256, ES384 or EdDSA: `none` and HMAC are refused. `exp` and `nbf` are checked with
    /// --leeway, `iss` against the issuer, `aud` when --audience is given.
    #[arg(long)]
    pub verify: bool,

    /// The key set to verify with: a URL or a file (implies --verify)
    #[arg(long, value_name = "URL|FILE")]
    pub jwks: Option<String>,

    /// The audience the token must name in `aud` (implies --verify)
    #[arg(long, value_name = "AUD")]
    pub audience: Option<String>,

    /// Clock skew allowed when checking `exp` and `nbf`
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub leeway: Duration,
}

/// `amtoken api`
#[derive(Debug, Args)]
pub struct ApiArgs {
    /// /PATH from the API root, PATH under /api/v1/, or a URL of the API
    #[arg(value_name = "PATH")]
    pub path: String,

    /// The HTTP method [default: GET, or POST with -f, -F or --input]
    #[arg(short = 'X', long, value_name = "METHOD")]
    pub method: Option<String>,

    /// Add a string field: key=value (a JSON body; query parameters with GET or DELETE)
    #[arg(short = 'f', long = "raw-field", value_name = "KEY=VALUE")]
    pub raw_fields: Vec<String>,

    /// Add a typed field: key=value, where true, false, null and integers are JSON values and
    /// @FILE is the file's text
    #[arg(short = 'F', long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,

    /// Send the file's bytes as the body (`-` = standard input)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["raw_fields", "fields"])]
    pub input: Option<PathBuf>,

    /// Add a request header: 'Name: value' (not Authorization)
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,

    /// Print the status line and the response headers before the body
    #[arg(short = 'i', long)]
    pub include: bool,

    /// Follow continuationToken through every page; print the payload items as one array
    #[arg(long)]
    pub paginate: bool,

    /// With --paginate: one item per line (JSON lines) instead of one array
    #[arg(long, requires = "paginate")]
    pub jsonl: bool,

    /// With --paginate: stop with an error after this many pages
    #[arg(long, value_name = "N", default_value = "10000", requires = "paginate", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_pages: u64,

    /// How many times to retry a 429 or 503 answer
    #[arg(long, value_name = "N", default_value = "3")]
    pub retries: u32,

    /// The longest total time to wait for retries
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub max_wait: Duration,

    /// Refresh the access token first when it has less than this left
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub min_ttl: Duration,
}

/// `amtoken exec`
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Refresh first when the access token has less than this left
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub min_ttl: Duration,

    /// The command and its arguments
    #[arg(value_name = "COMMAND", required = true, num_args = 1.., trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<std::ffi::OsString>,
}

/// `amtoken serve`
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Listen on this Unix socket [default: amtoken/<profile>.sock in the runtime directory]
    #[arg(long, value_name = "PATH", conflicts_with = "listen")]
    pub socket: Option<PathBuf>,

    /// Listen on loopback TCP instead: 127.0.0.1:PORT or [::1]:PORT (port 0: any free one)
    #[arg(long, value_name = "ADDRESS")]
    pub listen: Option<String>,

    /// With --listen: the bearer secret, from this file (0600) instead of a generated one
    #[arg(long, value_name = "PATH", requires = "listen")]
    pub secret_file: Option<PathBuf>,

    /// Hand out tokens with more than this left (half their life, when they live less than twice this)
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub min_ttl: Duration,

    /// The format of -v's request lines: `text`, or `json` for log shippers
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub log_format: LogFormat,
}

/// `--log-format`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// `amtoken doctor`
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// One JSON object: `ok`, and every check with its layer, status, what was found and the fix
    #[arg(long)]
    pub json: bool,

    /// Also get a token (refreshing when needed) and call the API with it
    #[arg(long)]
    pub online: bool,
}

/// `amtoken completions`
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate for
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// `--color`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// `Some(choice)` when the user forced colour on or off, `None` for auto-detection.
    pub fn forced(self) -> Option<bool> {
        match self {
            ColorChoice::Auto => None,
            ColorChoice::Always => Some(true),
            ColorChoice::Never => Some(false),
        }
    }
}

/// The values of a domain enum on the command line, in one place: which variants there are,
/// and the word and help clap shows for each. The enums themselves live with the layer that
/// uses them (the store, the OAuth client, the output), free of clap.
macro_rules! command_line_values {
    ($type:ty { $($variant:path => $name:literal: $help:literal,)* }) => {
        impl ValueEnum for $type {
            fn value_variants<'a>() -> &'a [Self] {
                &[$($variant),*]
            }

            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(match self {
                    $($variant => clap::builder::PossibleValue::new($name).help($help),)*
                })
            }
        }
    };
}

// `--output`: how a token is printed on stdout.
command_line_values!(TokenFormat {
    TokenFormat::Raw => "raw": "The access token alone",
    TokenFormat::Header => "header": "`Authorization: Bearer <token>`",
    TokenFormat::Json => "json": "One JSON object: token, type, expiry (RFC 3339 and epoch), scope, profile",
    TokenFormat::Env => "env": "`export AMTOKEN_ACCESS_TOKEN=…` and `export AMTOKEN_EXPIRES_AT=…`, for `eval`",
    TokenFormat::None => "none": "Nothing",
    TokenFormat::GithubEnv => "github-env": "AMTOKEN_ACCESS_TOKEN, masked, into $GITHUB_ENV for the job's next steps; nothing printed",
    TokenFormat::GithubOutput => "github-output": "AMTOKEN_ACCESS_TOKEN, masked, into $GITHUB_OUTPUT as the step's output; nothing printed",
});

// `--store`
command_line_values!(Backend {
    Backend::Keyring => "keyring": "The OS keychain",
    Backend::File => "file": "A 0600 JSON file under $XDG_DATA_HOME/amtoken/",
    Backend::Vault => "vault": "A Vault/OpenBao KV v2 secret shared by a fleet",
});

// `--vault-auth`
command_line_values!(VaultAuthMethod {
    VaultAuthMethod::Token => "token": "VAULT_TOKEN, BAO_TOKEN or ~/.vault-token",
    VaultAuthMethod::AppRole => "approle": "AppRole: a role id and a secret id",
    VaultAuthMethod::Jwt => "jwt": "A CI identity token (a file, or GitHub Actions' OIDC request)",
    VaultAuthMethod::Kubernetes => "kubernetes": "The pod's service-account token",
});

// `--fleet-role`
command_line_values!(FleetRole {
    FleetRole::Refresher => "refresher": "Reads the refresh token and refreshes under the lease",
    FleetRole::Reader => "reader": "Reads only the access token at --vault-access-path",
});

// `--vault-token-cache`
command_line_values!(VaultTokenCache {
    VaultTokenCache::Memory => "memory": "For this run only",
    VaultTokenCache::File => "file": "A 0600 file in the cache directory, until its TTL",
});

// `--client-auth`
command_line_values!(ClientAuthMethod {
    ClientAuthMethod::Post => "post": "client_secret_post: credentials in the form body",
    ClientAuthMethod::Basic => "basic": "client_secret_basic: credentials in an HTTP Basic header",
});

/// Parses the process's arguments, or exits as clap does (usage errors 2, `--help` 0).
///
/// `amtoken token`, `header` and `decode` are what scripts run most: a plain command line of
/// theirs is read by `hot_path` without building clap's tree. Anything else, and anything
/// unusual, takes clap, so that what users see is always the same.
pub fn parse() -> Cli {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(cli) = hot_path::parse(&args) {
        return cli;
    }
    let mut command = Cli::command();
    let cli = command
        .try_get_matches_from_mut(&args)
        .and_then(|matches| {
            let cli = Cli::from_arg_matches(&matches);
            // Freeing the matches and the tree costs more than the rest of a quick command;
            // the process is about to end.
            std::mem::forget(matches);
            cli
        })
        .unwrap_or_else(|error| error.format(&mut command).exit());
    std::mem::forget(command);
    cli
}

/// The longest duration any flag takes: beyond it a deadline is no longer a deadline, and far
/// beyond it the clock overflows.
pub const MAX_DURATION: Duration = Duration::from_secs(7 * 86_400);

/// A refresh chain's lifetime: a duration as [`parse_duration`] reads it, up to 10 years (a
/// lifetime of days is the point here).
pub fn parse_lifetime(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let duration = if !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit()) {
        text.parse::<u64>().map(Duration::from_secs).ok()
    } else {
        humantime::parse_duration(text).ok()
    };
    match duration {
        Some(duration) if duration > Duration::ZERO && duration <= MAX_LIFETIME => Ok(duration),
        _ => Err(format!(
            "{text:?} is not a lifetime: use e.g. 30d, 90d, 720h (more than 0, at most 10 years)"
        )),
    }
}

/// The longest `--refresh-lifetime`.
const MAX_LIFETIME: Duration = Duration::from_secs(10 * 365 * 86_400);

/// Parses a duration: a number with a unit (`90s`, `5m`, `1h`, `1h30m`, `500ms`), or a bare
/// number of seconds; at most [`MAX_DURATION`].
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let duration = if !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit()) {
        text.parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| format!("{text:?} is too long a duration: at most 7d"))?
    } else {
        humantime::parse_duration(text).map_err(|error| {
            format!("{text:?} is not a duration ({error}): use e.g. 90s, 5m, 1h30m")
        })?
    };
    if duration > MAX_DURATION {
        return Err(format!("{text:?} is too long a duration: at most 7d"));
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_work_after_the_subcommand() {
        let cli = Cli::try_parse_from(["amtoken", "decode", "--color", "never", "x"]).unwrap();
        assert_eq!(cli.global.color, ColorChoice::Never);
    }

    #[test]
    fn durations_take_a_unit_or_mean_seconds() {
        let cases = [
            ("90s", Some(90)),
            ("5m", Some(300)),
            ("1h", Some(3600)),
            ("1h30m", Some(5400)),
            ("42", Some(42)),
            ("0", Some(0)),
            ("7d", Some(7 * 86_400)),
            ("8d", None),
            ("5x", None),
            ("m", None),
            ("-5s", None),
            ("", None),
            ("99999999999999999999h", None),
            ("9300000000000000000s", None),
            ("9300000000000000000", None),
            ("99999999999999999999", None),
        ];
        for (text, seconds) in cases {
            assert_eq!(
                parse_duration(text).ok().map(|d| d.as_secs()),
                seconds,
                "{text:?}"
            );
        }
    }

    #[test]
    fn settings_flags_are_global() {
        let cli = Cli::try_parse_from([
            "amtoken",
            "token",
            "-p",
            "ci",
            "--store",
            "file",
            "--timeout",
            "2m",
        ])
        .unwrap();
        assert_eq!(cli.global.profile.as_deref(), Some("ci"));
        assert_eq!(cli.global.store, Some(Backend::File));
        assert_eq!(cli.global.timeout, Some(Duration::from_secs(120)));
    }

    #[test]
    fn json_and_claim_conflict() {
        let error =
            Cli::try_parse_from(["amtoken", "decode", "--json", "--claim", "sub"]).unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::ArgumentConflict);
    }
}
