//! `Secret`: a string that never shows itself by accident, and is wiped from memory when it
//! is dropped.

use std::fmt;

/// A refresh token, client secret or access token. `Debug` is redacted and there is no
/// `Display`; [`Secret::expose`] is the only way to the value. Dropping it overwrites the
/// bytes (`zeroize`), so a token `serve` held yesterday is not left in freed memory.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Drop for Secret {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl Secret {
    /// Wraps a value read from the user, the environment, a file or the server.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the one place that must send or store it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// `Secret` has no `Serialize`: a structure that is to carry one into a file, the keychain or
/// Vault says so on the field, `#[serde(with = "crate::secret::exposed")]` (or
/// `exposed_option`), so that no secret is serialized by accident (into a log, an error, a
/// `--json` output).
pub mod exposed {
    use super::Secret;

    pub fn serialize<S: serde::Serializer>(
        secret: &Secret,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(secret.expose())
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Secret, D::Error> {
        serde::Deserialize::deserialize(deserializer)
    }
}

/// [`exposed`] for an optional secret.
pub mod exposed_option {
    use super::Secret;

    pub fn serialize<S: serde::Serializer>(
        secret: &Option<Secret>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match secret {
            Some(secret) => serializer.serialize_some(secret.expose()),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Secret>, D::Error> {
        serde::Deserialize::deserialize(deserializer)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::new("s3cr3t-value");
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        assert_eq!(secret.expose(), "s3cr3t-value");
    }
}
