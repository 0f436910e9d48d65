//! `--vault-auth jwt`: `auth/{mount}/login` with the role and a CI identity token — from
//! `--vault-jwt-file` (read at each login), or GitHub Actions' OIDC request
//! (`ACTIONS_ID_TOKEN_REQUEST_URL` with the runner's `ACTIONS_ID_TOKEN_REQUEST_TOKEN`, and
//! `--vault-jwt-audience`).

use std::path::Path;

use serde_json::{Value, json};

use super::{Credential, Method, errors_of, max_login_bytes, read_credential_file};
use crate::http::{Method as HttpMethod, Request, header};
use crate::secret::Secret;
use crate::store::vault::VaultStore;
use crate::store::{JwtSource, StoreError};

pub(super) struct Jwt<'a> {
    pub mount: &'a str,
    pub role: &'a str,
    pub source: &'a JwtSource,
}

impl Method for Jwt<'_> {
    fn name(&self) -> &'static str {
        "jwt"
    }

    fn credential(&self, vault: &VaultStore) -> Result<Credential, StoreError> {
        let jwt = match self.source {
            JwtSource::File(path) => read_credential_file("--vault-jwt-file", path)?,
            JwtSource::GitHubActions {
                request_url,
                request_token,
                audience,
            } => github_actions_token(vault, request_url, request_token, audience.as_deref())?,
        };
        Ok(Credential::Login {
            mount: self.mount.to_string(),
            body: json!({ "role": self.role, "jwt": jwt.expose() }),
        })
    }

    /// The identity the token stands for: the file token's `iss` and `sub`, or the GitHub job
    /// (a digest of its request token, which is the job's own).
    fn who(&self) -> String {
        let identity = match self.source {
            JwtSource::File(path) => identity_in_file(path),
            JwtSource::GitHubActions { request_token, .. } => format!(
                "github-job {}",
                crate::text::sha256_hex(request_token.expose(), Some(16))
            ),
        };
        format!("{} {} {identity}", self.mount, self.role)
    }
}

/// `iss sub` of the JWT in `path`, unverified (it only names a cache file); the path when the
/// file holds no readable JWT.
pub(super) fn identity_in_file(path: &Path) -> String {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| crate::jwt::decode(text.trim()).ok())
        .map(|token| {
            format!(
                "{} {}",
                token.claim_str("iss").unwrap_or_default(),
                token.claim_str("sub").unwrap_or_default()
            )
        })
        .unwrap_or_else(|| path.display().to_string())
}

/// GitHub Actions' OIDC answer: `{"value": "<JWT>"}`.
fn github_actions_token(
    vault: &VaultStore,
    request_url: &str,
    request_token: &Secret,
    audience: Option<&str>,
) -> Result<Secret, StoreError> {
    let bad_url = |why: String| StoreError::BadSetting {
        setting: crate::cli::settings::ACTIONS_ID_TOKEN_REQUEST_URL.to_string(),
        why,
    };
    let mut url =
        crate::http::check_url(request_url).map_err(|cause| bad_url(cause.to_string()))?;
    if let Some(audience) = audience {
        url.query_pairs_mut().append_pair("audience", audience);
    }
    let request = Request::new(HttpMethod::GET, url, max_login_bytes())
        .secret_header(
            header::AUTHORIZATION,
            &format!("Bearer {}", request_token.expose()),
        )
        .map_err(|error| vault.refused(error.to_string()))?;
    let reply = vault.login_request(request)?;
    let answer: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
    match (reply.status.is_success(), answer["value"].as_str()) {
        (true, Some(jwt)) if !jwt.is_empty() => Ok(Secret::new(jwt)),
        _ => Err(vault.refused(format!(
            "the GitHub Actions OIDC request answered HTTP {} without a token (does the job have `permissions: id-token: write`?): {}",
            reply.status.as_u16(),
            errors_of(&reply)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 27.15: two jobs of one role, each with its own identity token, never share a
    /// cached Vault token: the cache is keyed by the identity too.
    #[test]
    fn the_cache_key_names_the_identity_never_the_token() {
        use base64::Engine as _;
        let root = tempfile::tempdir().unwrap();
        let token_for = |sub: &str| {
            let part = |value: serde_json::Value| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
            };
            format!(
                "{}.{}.sig",
                part(serde_json::json!({"alg": "RS256"})),
                part(serde_json::json!({"iss": "https://ci.example", "sub": sub}))
            )
        };
        let who = |name: &str, sub: &str| {
            let path = root.path().join(name);
            std::fs::write(&path, token_for(sub)).unwrap();
            let source = JwtSource::File(path);
            Jwt {
                mount: "jwt",
                role: "ci",
                source: &source,
            }
            .who()
        };
        let first = who("a.jwt", "repo:one:ref:main");
        let second = who("b.jwt", "repo:two:ref:main");
        assert_ne!(first, second);
        assert_eq!(first, "jwt ci https://ci.example repo:one:ref:main");
        assert!(!first.contains("sig") && !first.contains("eyJ"));
        let job = |request_token: &str| {
            let source = JwtSource::GitHubActions {
                request_url: "https://token.actions.example".into(),
                request_token: Secret::new(request_token),
                audience: None,
            };
            Jwt {
                mount: "jwt",
                role: "ci",
                source: &source,
            }
            .who()
        };
        assert_ne!(job("job-one-bearer"), job("job-two-bearer"));
        assert!(!job("job-one-bearer").contains("job-one-bearer"));
    }
}
