//! Small text helpers every layer uses, written once: SHA-256 in hex, printable text, the
//! one RFC 3339 form amtoken writes, and a list of choices in words.

use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest as _, Sha256};

/// The SHA-256 of `text`, as lower-case hex; only the first `bytes` bytes of it when given
/// (a file name, a fingerprint).
pub fn sha256_hex(text: &str, bytes: Option<usize>) -> String {
    let digest = Sha256::digest(text.as_bytes());
    hex::encode(&digest[..bytes.unwrap_or(digest.len()).min(digest.len())])
}

/// `text` with every control character (a line break, an escape sequence) turned into a
/// space: what comes from a server or a file is shown on one line and cannot drive the
/// terminal.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `2026-11-25T21:06:59Z`: UTC, to the second.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `a, b or c`: a list of choices as a sentence says it.
pub fn one_of(names: &[String]) -> String {
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// An optional time as RFC 3339 UTC; null or an empty string reads as none.
pub(crate) mod optional_rfc3339_serde {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize as _, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        at: &Option<DateTime<Utc>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => serializer.serialize_str(&crate::text::rfc3339(*at)),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            None => Ok(None),
            Some(text) if text.is_empty() => Ok(None),
            Some(text) => DateTime::parse_from_rfc3339(&text)
                .map(|at| Some(at.with_timezone(&Utc)))
                .map_err(serde::de::Error::custom),
        }
    }
}

/// Times as RFC 3339 UTC to the second, as docs/DESIGN.md writes them.
pub(crate) mod rfc3339_serde {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize as _, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&crate::text::rfc3339(*at))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(deserializer)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|at| at.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_say_what_they_do() {
        assert_eq!(
            sha256_hex("abc", None),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(sha256_hex("abc", Some(4)), "ba7816bf");
        let names = ["a".to_string(), "b".to_string(), "c".to_string()];
        assert_eq!(one_of(&names), "a, b or c");
        assert_eq!(one_of(&names[..1]), "a");
        assert_eq!(printable("a\nb\u{1b}[31mc"), "a b [31mc");
        let at = DateTime::parse_from_rfc3339("2026-11-25T22:06:59.75+01:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(rfc3339(at), "2026-11-25T21:06:59Z");
    }
}
