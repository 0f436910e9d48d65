//! Everything that reaches the terminal: the colour decision, stdout writes that survive a
//! closed pipe, warnings, notes and the error line on stderr, pretty (optionally coloured) JSON
//! and time formatting. The only module allowed to print.

use std::io::{self, IsTerminal as _, Write as _};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

/// Decides colour once: a forced choice (`--color always|never`) wins; otherwise colour needs
/// stdout to be a terminal and `NO_COLOR` to be unset or empty.
pub fn use_color(forced: Option<bool>) -> bool {
    forced.unwrap_or_else(|| {
        std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
            && io::stdout().is_terminal()
    })
}

/// Writes `text` to stdout in one call. A closed pipe (`amtoken token | head -c0`) is not an
/// error: the reader has what it wanted.
pub fn print(text: &str) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Writes bytes to stdout as they are (an API answer piped on); a closed pipe is not an error.
pub fn print_bytes(bytes: &[u8]) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Whether stdout is a terminal (pretty output) rather than a pipe or file (exact bytes).
pub fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}

/// A progress line on stderr for a long walk, shown only when stderr is a terminal: one line,
/// rewritten in place (`\r`, erase to the end), cleared when the walk ends. (Written here
/// rather than with indicatif, which links libm: one more library loaded at every start.)
pub struct Progress {
    terminal: bool,
}

impl Progress {
    /// Starts it, on a terminal only.
    pub fn start() -> Self {
        Progress {
            terminal: io::stderr().is_terminal(),
        }
    }

    /// Says how far the walk is.
    pub fn update(&self, message: String) {
        if self.terminal {
            let mut stderr = io::stderr().lock();
            let _ = write!(stderr, "\r\x1b[2Kamtoken: {message}");
            let _ = stderr.flush();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.terminal {
            let _ = write!(io::stderr().lock(), "\r\x1b[2K");
        }
    }
}

/// A warning on stderr, never on stdout.
pub fn warn(message: impl std::fmt::Display) {
    let _ = writeln!(io::stderr().lock(), "amtoken: warning: {message}");
}

/// A note on stderr (summaries, progress), never on stdout: `amtoken: {message}`.
pub fn note(message: impl std::fmt::Display) {
    let _ = writeln!(io::stderr().lock(), "amtoken: {message}");
}

/// A log line on stderr as it is, with no `amtoken:` prefix: a JSON object a log shipper
/// parses whole (`serve --log-format json`).
pub fn log_line(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// Whether standard input is a terminal someone can type (or paste) into.
pub fn stdin_is_terminal() -> bool {
    io::stdin().is_terminal()
}

/// Asks on stderr and reads one line from standard input, waiting at most `timeout`; `None`
/// when the time ran out or the input ended.
pub fn prompt(question: &str, timeout: std::time::Duration) -> Option<String> {
    {
        let mut stderr = io::stderr().lock();
        let _ = write!(stderr, "{question}");
        let _ = stderr.flush();
    }
    let (sender, receiver) = std::sync::mpsc::channel();
    // A thread, because a read from a terminal cannot be given a deadline; if the time runs
    // out it is left blocked, and the process ends soon after.
    std::thread::spawn(move || {
        let mut line = String::new();
        let read = io::stdin().read_line(&mut line);
        let _ = sender.send(read.ok().filter(|count| *count > 0).map(|_| line));
    });
    receiver.recv_timeout(timeout).ok().flatten()
}

/// The error report: `amtoken: error: …` and maybe one `hint: …` line, on stderr.
pub fn error_lines(message: &str, hint: Option<&str>) {
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "amtoken: error: {message}");
    if let Some(hint) = hint {
        let _ = writeln!(stderr, "hint: {hint}");
    }
}

/// How a token is printed on stdout (`--output`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFormat {
    /// The access token alone.
    Raw,
    /// `Authorization: Bearer <token>`.
    Header,
    /// One JSON object.
    Json,
    /// `export AMTOKEN_ACCESS_TOKEN=…` and `export AMTOKEN_EXPIRES_AT=…`, for `eval`.
    Env,
    /// Nothing.
    None,
    /// Nothing printed: `AMTOKEN_ACCESS_TOKEN` (heredoc form) and `AMTOKEN_EXPIRES_AT` appended
    /// to the file `$GITHUB_ENV` names.
    GithubEnv,
    /// The same into `$GITHUB_OUTPUT`.
    GithubOutput,
}

impl TokenFormat {
    /// The GitHub Actions file this format writes to, by its variable.
    pub fn github_file(self) -> Option<&'static str> {
        match self {
            TokenFormat::GithubEnv => Some("GITHUB_ENV"),
            TokenFormat::GithubOutput => Some("GITHUB_OUTPUT"),
            _ => None,
        }
    }
}

/// Registers `secret` with the GitHub Actions runner, which then shows `***` for it in the job's
/// log: the `::add-mask::` workflow command, on stderr (the runner reads both streams), so
/// that a `$(…)` capture of stdout gets the token alone. A token is printable ASCII with no
/// space (the token-response check), so it cannot break the command's line.
pub fn mask_in_ci(secret: &str) {
    let _ = writeln!(io::stderr().lock(), "::add-mask::{secret}");
}

/// `NAME<<DELIMITER`, the value, `DELIMITER`: the multi-line form of `$GITHUB_ENV` and
/// `$GITHUB_OUTPUT`, with a random delimiter the value does not hold — no value can end the
/// entry early and add a variable of its own.
pub fn github_file_entry(name: &str, value: &str, random: &str) -> String {
    let mut delimiter = format!("ghadelimiter_{random}");
    while value.contains(&delimiter) {
        delimiter.push('_');
    }
    format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
}

/// What [`render_token`] shows of a token.
#[derive(Debug, Clone, Copy)]
pub struct TokenView<'a> {
    pub access_token: &'a str,
    pub token_type: &'a str,
    pub expires_at: DateTime<Utc>,
    pub scope: &'a str,
    pub profile: &'a str,
}

/// The `--output` text for a token (empty for `none`).
pub fn render_token(format: TokenFormat, token: &TokenView<'_>, now: DateTime<Utc>) -> String {
    let access_token = token.access_token;
    match format {
        TokenFormat::Raw => format!("{access_token}\n"),
        TokenFormat::Header => format!("Authorization: Bearer {access_token}\n"),
        TokenFormat::Json => {
            #[derive(Serialize)]
            struct TokenJson<'a> {
                access_token: &'a str,
                token_type: &'a str,
                expires_at: String,
                expires_at_unix: i64,
                expires_in: i64,
                scope: &'a str,
                profile: &'a str,
            }
            let json = TokenJson {
                access_token,
                token_type: token.token_type,
                expires_at: rfc3339(token.expires_at),
                expires_at_unix: token.expires_at.timestamp(),
                expires_in: (token.expires_at - now).num_seconds(),
                scope: token.scope,
                profile: token.profile,
            };
            format!("{}\n", serde_json::to_string(&json).unwrap_or_default())
        }
        TokenFormat::Env => format!(
            "export AMTOKEN_ACCESS_TOKEN={}\nexport AMTOKEN_EXPIRES_AT={}\n",
            shell_quote(access_token),
            shell_quote(&rfc3339(token.expires_at))
        ),
        TokenFormat::None | TokenFormat::GithubEnv | TokenFormat::GithubOutput => String::new(),
    }
}

/// Single-quotes `text` for POSIX shells unless it is plainly safe.
fn shell_quote(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_.:+/=".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

pub use crate::text::rfc3339;

/// A duration from now in words: `in 42m`, `3h 5m ago`, `now`. Two units at most.
pub fn relative(seconds_from_now: i64) -> String {
    let magnitude = seconds_from_now.unsigned_abs();
    if magnitude == 0 {
        return "now".to_string();
    }
    let units = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)];
    let mut parts = Vec::new();
    let mut rest = magnitude;
    for (name, size) in units {
        if rest >= size && parts.len() < 2 {
            parts.push(format!("{}{name}", rest / size));
            rest %= size;
        } else if !parts.is_empty() {
            // Stop at the first empty unit after the largest one: "2d 3s" would mislead.
            break;
        }
    }
    let span = parts.join(" ");
    if seconds_from_now > 0 {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}

/// Pretty JSON, two-space indent; coloured keys, strings, numbers and literals when asked.
pub fn pretty_json(value: &impl Serialize, color: bool) -> String {
    let mut out = Vec::new();
    let result = if color {
        value.serialize(&mut serde_json::Serializer::with_formatter(
            &mut out,
            ColorFormatter::default(),
        ))
    } else {
        value.serialize(&mut serde_json::Serializer::pretty(&mut out))
    };
    // Serialising a JSON value into memory cannot fail; an empty string would be the worst case.
    debug_assert!(result.is_ok());
    String::from_utf8(out).unwrap_or_default()
}

const KEY: &str = "\x1b[1;34m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[36m";
const LITERAL: &str = "\x1b[35m";
const RESET: &str = "\x1b[0m";

/// serde_json's pretty formatter with ANSI colours around keys and values.
#[derive(Default)]
struct ColorFormatter {
    pretty: PrettyFormatter<'static>,
    in_key: bool,
}

macro_rules! coloured_scalar {
    ($($method:ident($type:ty) => $colour:expr),* $(,)?) => {$(
        fn $method<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: $type) -> io::Result<()> {
            writer.write_all($colour.as_bytes())?;
            PrettyFormatter::$method(&mut self.pretty, writer, value)?;
            writer.write_all(RESET.as_bytes())
        }
    )*};
}

impl Formatter for ColorFormatter {
    coloured_scalar! {
        write_bool(bool) => LITERAL,
        write_i64(i64) => NUMBER,
        write_u64(u64) => NUMBER,
        write_f64(f64) => NUMBER,
        write_number_str(&str) => NUMBER,
    }

    fn write_null<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        write!(writer, "{LITERAL}null{RESET}")
    }
    fn begin_string<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(if self.in_key { KEY } else { STRING }.as_bytes())?;
        writer.write_all(b"\"")
    }
    fn end_string<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b"\"")?;
        writer.write_all(RESET.as_bytes())
    }
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.begin_array(writer)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.end_array(writer)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.pretty.begin_array_value(writer, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.end_array_value(writer)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.begin_object(writer)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.end_object(writer)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.in_key = true;
        self.pretty.begin_object_key(writer, first)
    }
    fn end_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.in_key = false;
        self.pretty.end_object_key(writer)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.begin_object_value(writer)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.end_object_value(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn relative_times_read_naturally() {
        let cases = [
            (0, "now"),
            (42, "in 42s"),
            (42 * 60, "in 42m"),
            (-(3 * 3600 + 5 * 60), "3h 5m ago"),
            (3 * 3600 + 5 * 60 + 7, "in 3h 5m"),
            (2 * 86_400 + 3, "in 2d"),
            (-(86_400 + 3600), "1d 1h ago"),
            (i64::MIN, "106751991167300d 15h ago"),
        ];
        for (seconds, expected) in cases {
            assert_eq!(relative(seconds), expected, "{seconds}");
        }
    }

    #[test]
    fn pretty_json_is_plain_without_colour_and_coloured_with_it() {
        let value = json!({"a": "x", "n": 1, "t": true, "z": null});
        let plain = pretty_json(&value, false);
        assert_eq!(
            plain,
            "{\n  \"a\": \"x\",\n  \"n\": 1,\n  \"t\": true,\n  \"z\": null\n}"
        );
        let coloured = pretty_json(&value, true);
        assert!(
            coloured.contains("\x1b[1;34m\"a\"\x1b[0m: \x1b[32m\"x\"\x1b[0m"),
            "{coloured:?}"
        );
        let stripped = coloured
            .split('\x1b')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    part.split_once('m').map_or("", |(_, rest)| rest)
                }
            })
            .collect::<String>();
        assert_eq!(stripped, plain);
    }

    #[test]
    fn every_token_format_renders_as_documented() {
        let at = |text: &str| {
            DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc)
        };
        let token = TokenView {
            access_token: "aaa.bbb.ccc",
            token_type: "Bearer",
            expires_at: at("2026-11-25T11:00:00Z"),
            scope: "read offline_access",
            profile: "ci",
        };
        let cases = [
            (TokenFormat::Raw, "aaa.bbb.ccc\n"),
            (TokenFormat::Header, "Authorization: Bearer aaa.bbb.ccc\n"),
            (
                TokenFormat::Env,
                "export AMTOKEN_ACCESS_TOKEN=aaa.bbb.ccc\nexport AMTOKEN_EXPIRES_AT=2026-11-25T11:00:00Z\n",
            ),
            (
                TokenFormat::Json,
                "{\"access_token\":\"aaa.bbb.ccc\",\"token_type\":\"Bearer\",\"expires_at\":\"2026-11-25T11:00:00Z\",\"expires_at_unix\":1795604400,\"expires_in\":3600,\"scope\":\"read offline_access\",\"profile\":\"ci\"}\n",
            ),
            (TokenFormat::None, ""),
        ];
        for (format, expected) in cases {
            assert_eq!(
                render_token(format, &token, at("2026-11-25T10:00:00Z")),
                expected,
                "{format:?}"
            );
        }
    }

    #[test]
    fn shell_quoting_keeps_odd_values_inert() {
        assert_eq!(shell_quote("abc.DEF-1"), "abc.DEF-1");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's $(x)"), r"'it'\''s $(x)'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn rfc3339_is_utc_to_the_second() {
        let at = DateTime::from_timestamp(1_700_000_000, 123).unwrap();
        assert_eq!(rfc3339(at), "2023-11-14T22:13:20Z");
    }
}
