//! The command line, as clap derive types only: no behaviour lives here.
//!
//! House conventions: explicit short flags, upper-case `value_name`, `env` on every setting that
//! DESIGN.md gives a variable, a terse first doc line (`-h`) and a fuller paragraph (`--help`).

use clap::{Args, Parser, Subcommand, ValueEnum};

/// OAuth 2.0 tokens for the ApprovalMax public API.
///
/// Exchanges authorization codes, keeps the rotating refresh token in the OS keychain, hands
/// valid access tokens to scripts and decodes JWTs.
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

/// Options that work before or after the subcommand.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// When to colour output
    ///
    /// `auto` colours when stdout is a terminal and NO_COLOR is not set.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decode a JWT and show its header, claims and expiry
    ///
    /// Reads the token from the argument, or from standard input when the argument is absent or
    /// `-`. Accepts what people paste: quotes, a leading `Bearer ` or `Authorization: Bearer `,
    /// and line breaks inside the token. The signature is not verified.
    Decode(DecodeArgs),

    /// Print a shell completion script
    ///
    /// The generated scripts are also committed in the repository's `completions/` folder.
    Completions(CompletionsArgs),
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

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
    fn json_and_claim_conflict() {
        let error =
            Cli::try_parse_from(["amtoken", "decode", "--json", "--claim", "sub"]).unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::ArgumentConflict);
    }
}
