//! The quick parse of what scripts run most: `amtoken token`, `header` and `decode`.
//!
//! Building clap's tree (every global flag of `settings.rs`, each copied into the subcommand) costs more than
//! everything else a cached `amtoken token` does. This parser reads those three subcommands
//! with lexopt from the tables below, and gives up — returns `None`, so that clap parses — on
//! anything it might not take exactly as clap does: help and version, unknown or repeated
//! flags, `--`, a value that is empty, not UTF-8 or starts with `-`, an invalid value, a
//! conflict. The tests check the tables against clap's definitions and the results against
//! clap's on random command lines.

use std::ffi::OsString;
use std::time::Duration;

use clap::ValueEnum;
use clap::builder::TypedValueParser;

use super::settings::{FieldValue, Flag, GLOBAL_FLAGS, ValueSource};
use super::{Cli, Command, DecodeArgs, GlobalArgs, TokenArgs, TokenFormat, parse_duration};

const fn switch(long: &'static str) -> Flag {
    Flag {
        long,
        short: None,
        takes_value: false,
        env: None,
        default: None,
        secret: false,
        file_key: None,
    }
}

const fn option(long: &'static str, env: Option<&'static str>) -> Flag {
    Flag {
        long,
        short: None,
        takes_value: true,
        env,
        default: None,
        secret: false,
        file_key: None,
    }
}

impl Flag {
    const fn short(self, letter: char) -> Self {
        Flag {
            short: Some(letter),
            ..self
        }
    }

    const fn defaulting_to(self, value: &'static str) -> Self {
        Flag {
            default: Some(value),
            ..self
        }
    }
}

/// [`TokenArgs`] (`token` and `header`).
pub(super) static TOKEN_FLAGS: [Flag; 2] = [
    option("min-ttl", None).defaulting_to("5m"),
    option("output", None).short('o'),
];

/// [`DecodeArgs`]; its one positional argument is the token.
pub(super) static DECODE_FLAGS: [Flag; 7] = [
    switch("json"),
    option("claim", None),
    switch("check"),
    switch("verify"),
    option("jwks", None),
    option("audience", None),
    option("leeway", None).defaulting_to("60s"),
];

/// The subcommands this parser takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subcommand {
    Token,
    Header,
    Decode,
}

impl Subcommand {
    fn named(name: &str) -> Option<Self> {
        match name {
            "token" => Some(Self::Token),
            "header" => Some(Self::Header),
            "decode" => Some(Self::Decode),
            _ => None,
        }
    }

    fn flags(self) -> &'static [Flag] {
        match self {
            Self::Token | Self::Header => &TOKEN_FLAGS,
            Self::Decode => &DECODE_FLAGS,
        }
    }
}

/// What the command line gave: each flag once, by its long name (switches as `"true"`).
#[derive(Default)]
struct Given {
    subcommand: Option<Subcommand>,
    positional: Option<String>,
    values: Vec<(&'static str, String)>,
}

impl Given {
    fn set(&mut self, long: &'static str, value: String) -> Option<()> {
        if self.values.iter().any(|(seen, _)| *seen == long) {
            return None;
        }
        self.values.push((long, value));
        Some(())
    }

    fn switch(&self, long: &str) -> bool {
        self.values.iter().any(|(seen, _)| *seen == long)
    }

    /// The flag's value from the command line, else its environment variable, else its
    /// default, parsed: `Some(None)` when there is none, `None` (give up) when it is invalid.
    fn value<T>(&self, flag: &Flag, parse: impl Fn(&str) -> Option<T>) -> Option<Option<T>> {
        let text = match self.values.iter().find(|(seen, _)| *seen == flag.long) {
            Some((_, text)) => Some(text.clone()),
            None => match flag.env.and_then(std::env::var_os) {
                Some(text) => Some(plain(text)?),
                None => flag.default.map(str::to_owned),
            },
        };
        match text {
            Some(text) => parse(&text).map(Some),
            None => Some(None),
        }
    }
}

impl ValueSource for Given {
    fn field<F, P>(&mut self, flag: &'static Flag, parser: P) -> Option<F>
    where
        F: FieldValue,
        P: TypedValueParser<Value = F::Parsed>,
    {
        let command = clap::Command::new("amtoken");
        let parsed = self.value(flag, |text| {
            parser
                .parse_ref(&command, None, std::ffi::OsStr::new(text))
                .ok()
        })?;
        F::from_parsed(parsed)
    }
}

/// Parses `args` (the program name first) when they are a plain `token`, `header` or `decode`
/// command line; `None` leaves them to clap.
pub(super) fn parse(args: &[OsString]) -> Option<Cli> {
    if args.iter().any(|arg| arg == "--") {
        return None;
    }
    let mut parser = lexopt::Parser::from_args(args.iter().skip(1).cloned());
    let mut given = Given::default();
    while let Some(arg) = parser.next().ok()? {
        let flag = match arg {
            lexopt::Arg::Value(value) => {
                let value = plain(value)?;
                match given.subcommand {
                    None => given.subcommand = Some(Subcommand::named(&value)?),
                    Some(Subcommand::Decode) if given.positional.is_none() => {
                        given.positional = Some(value);
                    }
                    Some(_) => return None,
                }
                continue;
            }
            lexopt::Arg::Long(name) => find(&given, |flag| flag.long == name)?,
            lexopt::Arg::Short(letter) => find(&given, |flag| flag.short == Some(letter))?,
        };
        let value = if flag.takes_value {
            plain(parser.value().ok()?)?
        } else {
            "true".to_owned()
        };
        given.set(flag.long, value)?;
    }
    let subcommand = given.subcommand?;
    let global = GlobalArgs::collect(&mut given)?;
    let command = match subcommand {
        Subcommand::Token => Command::Token(token_args(&given)?),
        Subcommand::Header => Command::Header(token_args(&given)?),
        Subcommand::Decode => Command::Decode(decode_args(&given)?),
    };
    Some(Cli { global, command })
}

/// The flag `matches` picks among the global flags and, after the subcommand, its own.
fn find(given: &Given, matches: impl Fn(&Flag) -> bool) -> Option<&'static Flag> {
    let own = given.subcommand.map_or(&[][..], Subcommand::flags);
    GLOBAL_FLAGS.iter().chain(own).find(|flag| matches(flag))
}

/// A value clap would take as it is: UTF-8, not empty, not starting with `-`.
fn plain(value: impl Into<OsString>) -> Option<String> {
    let value = value.into().into_string().ok()?;
    (!value.is_empty() && !value.starts_with('-')).then_some(value)
}

fn text(value: &str) -> Option<String> {
    Some(value.to_owned())
}

fn duration(value: &str) -> Option<Duration> {
    parse_duration(value).ok()
}

fn choice<T: ValueEnum>(value: &str) -> Option<T> {
    T::from_str(value, false).ok()
}

fn token_args(given: &Given) -> Option<TokenArgs> {
    let [min_ttl, output] = &TOKEN_FLAGS;
    Some(TokenArgs {
        min_ttl: given.value(min_ttl, duration)??,
        output: given.value(output, choice::<TokenFormat>)?,
    })
}

fn decode_args(given: &Given) -> Option<DecodeArgs> {
    let [json, claim, check, verify, jwks, audience, leeway] = &DECODE_FLAGS;
    let args = DecodeArgs {
        token: given.positional.clone(),
        json: given.switch(json.long),
        claim: given.value(claim, text)?,
        check: given.switch(check.long),
        verify: given.switch(verify.long),
        jwks: given.value(jwks, text)?,
        audience: given.value(audience, text)?,
        leeway: given.value(leeway, duration)??,
    };
    // `--json` conflicts with `--claim`: clap says so.
    (!(args.json && args.claim.is_some())).then_some(args)
}

#[cfg(test)]
mod tests {
    use clap::{Args as _, CommandFactory as _, Parser as _};
    use proptest::prelude::*;

    use super::*;

    fn args(argv: &[&str]) -> Vec<OsString> {
        argv.iter().map(Into::into).collect()
    }

    /// The hot path's answer, when it has one, is clap's.
    fn agrees_with_clap(argv: &[&str]) -> Option<Cli> {
        let fast = parse(&args(argv))?;
        let full = Cli::try_parse_from(argv).unwrap_or_else(|error| {
            panic!("{argv:?}: the hot path parsed what clap refuses: {error}")
        });
        assert_eq!(format!("{fast:?}"), format!("{full:?}"), "{argv:?}");
        Some(fast)
    }

    #[test]
    fn the_tables_are_clap_s_flags() {
        let commands = [
            (
                GLOBAL_FLAGS,
                GlobalArgs::augment_args(clap::Command::new("g")),
            ),
            (
                &TOKEN_FLAGS[..],
                TokenArgs::augment_args(clap::Command::new("t")),
            ),
            (
                &DECODE_FLAGS[..],
                DecodeArgs::augment_args(clap::Command::new("d")),
            ),
        ];
        for (table, command) in commands {
            let clap_flags: Vec<String> = command
                .get_arguments()
                .filter(|arg| !arg.is_positional())
                .map(|arg| {
                    let default = arg.get_default_values().first();
                    format!(
                        "{:?} {:?} {} {:?} {:?}",
                        arg.get_long(),
                        arg.get_short(),
                        arg.get_action().takes_values(),
                        arg.get_env().map(|env| env.to_string_lossy().into_owned()),
                        default.map(|value| value.to_string_lossy().into_owned()),
                    )
                })
                .collect();
            let ours: Vec<String> = table
                .iter()
                .map(|flag| {
                    format!(
                        "{:?} {:?} {} {:?} {:?}",
                        Some(flag.long),
                        flag.short,
                        flag.takes_value,
                        flag.env,
                        flag.default
                    )
                })
                .collect();
            assert_eq!(ours, clap_flags);
        }
        for name in ["token", "header", "decode"] {
            assert!(Cli::command().find_subcommand(name).is_some(), "{name}");
        }
    }

    #[test]
    fn plain_token_header_and_decode_command_lines_are_parsed_as_clap_does() {
        let cases: [&[&str]; 12] = [
            &["amtoken", "decode", "--json", "a.b.c"],
            &["amtoken", "decode", "token"],
            &[
                "amtoken",
                "--issuer",
                "https://x",
                "decode",
                "--verify",
                "--leeway",
                "5m",
            ],
            &[
                "amtoken",
                "decode",
                "--claim=sub",
                "--check",
                "--jwks",
                "k.json",
                "x",
            ],
            &["amtoken", "token"],
            &["amtoken", "header", "--min-ttl", "90s"],
            &[
                "amtoken",
                "-p",
                "ci",
                "token",
                "-o",
                "json",
                "--timeout",
                "2m",
            ],
            &["amtoken", "token", "--store", "file", "--profile", "x"],
            &["amtoken", "--color", "never", "header", "-o", "env"],
            &["amtoken", "token", "--client-id", "c", "-v"],
            &["amtoken", "-vpci", "token", "-ojson", "--cacert=/ca.pem"],
            &[
                "amtoken",
                "token",
                "--client-auth",
                "basic",
                "--lock-timeout",
                "1m",
            ],
        ];
        for argv in cases {
            assert!(agrees_with_clap(argv).is_some(), "{argv:?}");
        }
    }

    #[test]
    fn anything_unusual_is_left_to_clap() {
        let cases: [&[&str]; 14] = [
            &["amtoken", "token", "--help"],
            &["amtoken", "token", "-h"],
            &["amtoken", "--version"],
            &["amtoken", "token", "--bogus"],
            &["amtoken", "status"],
            &["amtoken", "help", "token"],
            &["amtoken", "decode", "--json", "--claim", "sub", "x"],
            &["amtoken", "-p", "token", "status"],
            &["amtoken", "token", "-p", "a", "-p", "b"],
            &["amtoken", "token", "--min-ttl", "5x"],
            &["amtoken", "token", "--profile", "--store"],
            &["amtoken", "decode", "--", "x"],
            &["amtoken", "decode", "-"],
            &["amtoken", "--min-ttl", "5m", "token"],
        ];
        for argv in cases {
            assert!(parse(&args(argv)).is_none(), "{argv:?}");
        }
    }

    /// Words that no table holds: subcommands, values, and what the quick parse must give up on.
    const TRICKY_WORDS: &[&str] = &[
        "token",
        "header",
        "decode",
        "status",
        "help",
        "--",
        "-",
        "",
        "-vp",
        "-pci",
        "-p=ci",
        "ci",
        "never",
        "bogus",
        "-ojson",
        "json",
        "raw",
        "90s",
        "5x",
        "sub",
        "5m",
        "file",
        "/ca.pem",
        "basic",
        "--help",
        "-h",
        "--version",
        "-V",
        "--verbose=true",
        "a.b.c",
        "https://x",
        "--bogus",
        "-x",
        "--vault-path",
    ];

    /// The words the property test draws from: every flag of the tables (as `--long`,
    /// `--long=`, and `-s`), every value clap knows for it, and [`TRICKY_WORDS`] — so that a
    /// flag added to a table is fuzzed without anyone remembering to list it.
    fn words() -> Vec<String> {
        let command = Cli::command();
        let mut arguments: Vec<&clap::Arg> = command.get_arguments().collect();
        for name in ["token", "decode"] {
            if let Some(subcommand) = command.find_subcommand(name) {
                arguments.extend(subcommand.get_arguments());
            }
        }
        let mut words: Vec<String> = TRICKY_WORDS.iter().map(|word| word.to_string()).collect();
        for flag in GLOBAL_FLAGS.iter().chain(&TOKEN_FLAGS).chain(&DECODE_FLAGS) {
            words.push(format!("--{}", flag.long));
            words.push(format!("--{}=", flag.long));
            if let Some(short) = flag.short {
                words.push(format!("-{short}"));
            }
            if let Some(argument) = arguments
                .iter()
                .find(|argument| argument.get_long() == Some(flag.long))
            {
                words.extend(
                    argument
                        .get_possible_values()
                        .iter()
                        .map(|value| value.get_name().to_string()),
                );
            }
        }
        words.sort();
        words.dedup();
        words
    }

    #[test]
    fn the_fuzzed_words_cover_every_flag_of_the_tables() {
        let words = words();
        for flag in GLOBAL_FLAGS.iter().chain(&TOKEN_FLAGS).chain(&DECODE_FLAGS) {
            assert!(words.contains(&format!("--{}", flag.long)), "{}", flag.long);
        }
        for value in ["keyring", "vault", "post", "env", "none", "always"] {
            assert!(words.iter().any(|word| word == value), "{value}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn whatever_the_hot_path_parses_clap_parses_the_same(
            before in proptest::collection::vec(any::<prop::sample::Index>(), 0..4),
            subcommand in 0..4_usize,
            after in proptest::collection::vec(any::<prop::sample::Index>(), 0..6),
        ) {
            let words = words();
            let pick = |index: prop::sample::Index| words[index.index(words.len())].as_str();
            let mut argv = vec!["amtoken"];
            argv.extend(before.into_iter().map(pick));
            argv.push(["token", "header", "decode", "status"][subcommand]);
            argv.extend(after.into_iter().map(pick));
            agrees_with_clap(&argv);
        }
    }
}
