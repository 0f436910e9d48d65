//! The base command of every CLI test: the real binary, with a clean environment and a private
//! home so nothing from the developer's machine leaks in or out.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// A private home for one test: `HOME` and every `XDG_*` directory point inside it.
pub struct Sandbox {
    pub home: TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Sandbox {
            home: tempfile::tempdir().expect("temporary home"),
        }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.home.path().join(relative)
    }

    /// `amtoken` with the environment cleared of `AMTOKEN_*`, `NO_COLOR` and `RUST_BACKTRACE`.
    pub fn amtoken(&self) -> Command {
        Command::from_std(self.std_amtoken())
    }

    /// The same as [`Sandbox::amtoken`], as a std `Command` that can be spawned and killed.
    pub fn std_amtoken(&self) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_amtoken"));
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy().into_owned();
            if name.starts_with("AMTOKEN_") || name.starts_with("XDG_") {
                command.env_remove(&name);
            }
        }
        // Proxies of the machine would stand between the tests and their loopback servers.
        for proxy in ["http_proxy", "https_proxy", "all_proxy", "no_proxy"] {
            command.env_remove(proxy).env_remove(proxy.to_uppercase());
        }
        command
            .env_remove("NO_COLOR")
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE")
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_CACHE_HOME", self.path("cache"));
        command
    }
}

/// The path of a file in `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The text of a file in `tests/fixtures`, trimmed.
pub fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(name))
        .expect("fixture")
        .trim()
        .to_string()
}

/// stdout and stderr of a finished command, as text.
pub fn outputs(output: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Asserts that `output` is a failure with exit `code` and nothing on stdout; its stderr.
pub fn failed(output: &std::process::Output, code: i32) -> String {
    let (stdout, stderr) = outputs(output);
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    assert_eq!(stdout, "", "{stderr}");
    stderr
}

/// The client the fault-injection tests use; the provider's clients are named in `provider`.
pub const CLIENT_ID: &str = "client-1";
/// A client secret that must never appear in any output.
pub const CLIENT_SECRET: &str = "s3cret-client-value";
/// A refresh token that must never appear in any output.
pub const REFRESH_TOKEN: &str = "rt-original-0123456789abcdef";

impl Sandbox {
    /// A sandbox whose default profile holds [`REFRESH_TOKEN`] for `issuer` (file store).
    pub fn logged_in_at(issuer: &str) -> Self {
        let sandbox = Sandbox::new();
        sandbox.store_record("default", issuer, REFRESH_TOKEN);
        sandbox
    }

    /// `amtoken ARGS` against `issuer` (see [`Sandbox::amtoken_for`]), run to its end.
    pub fn run_at(&self, issuer: &str, args: &[&str]) -> std::process::Output {
        self.amtoken_for(issuer)
            .args(args)
            .output()
            .expect("amtoken runs")
    }

    /// A sandbox logged in at `issuer` whose cache holds `access_token` for an hour: commands
    /// that need a token get it with no server.
    pub fn cached_at(issuer: &str, access_token: &str) -> Self {
        let sandbox = Sandbox::logged_in_at(issuer);
        sandbox.cache_token("default", issuer, access_token, 3600);
        sandbox
    }

    /// `amtoken` as a std `Command` for `issuer` and [`CLIENT_ID`], the file store and a
    /// runtime directory of the sandbox's: for `exec` and `serve`, which run on.
    pub fn std_amtoken_at(&self, issuer: &str) -> std::process::Command {
        let mut command = self.std_amtoken();
        command
            .env("AMTOKEN_ISSUER", issuer)
            .env("AMTOKEN_CLIENT_ID", CLIENT_ID)
            .env("AMTOKEN_STORE", "file")
            .env("XDG_RUNTIME_DIR", self.path("run"));
        command
    }

    /// `amtoken` set up for `issuer` and [`CLIENT_ID`], with the secret in the environment and
    /// the file store.
    pub fn amtoken_for(&self, issuer: &str) -> Command {
        let mut command = self.amtoken();
        command
            .env("AMTOKEN_ISSUER", issuer)
            .env("AMTOKEN_CLIENT_ID", CLIENT_ID)
            .env("AMTOKEN_CLIENT_SECRET", CLIENT_SECRET)
            .env("AMTOKEN_STORE", "file");
        command
    }

    /// Writes a store-file record for `profile`, as `amtoken exchange` would have.
    pub fn store_record(&self, profile: &str, issuer: &str, refresh_token: &str) {
        let record = serde_json::json!({
            "refresh_token": refresh_token,
            "issuer": issuer,
            "client_id": CLIENT_ID,
            "scope": "https://www.approvalmax.com/scopes/public_api/read offline_access",
            "obtained_at": "2026-11-01T00:00:00Z",
        });
        write_private(&self.store_file(profile), &record.to_string());
    }

    /// The store file of `profile`.
    pub fn store_file(&self, profile: &str) -> PathBuf {
        self.path(&format!("data/amtoken/{profile}.json"))
    }

    /// The access-token cache of `profile`.
    pub fn cache_file(&self, profile: &str) -> PathBuf {
        self.path(&format!("cache/amtoken/{profile}.json"))
    }

    /// The stored record of `profile`, parsed.
    pub fn stored_record(&self, profile: &str) -> serde_json::Value {
        read_json(&self.store_file(profile))
    }

    /// The refresh token stored for `profile` in the file store.
    pub fn stored_refresh_token(&self, profile: &str) -> String {
        self.stored_record(profile)["refresh_token"]
            .as_str()
            .expect("a stored refresh token")
            .to_string()
    }

    /// Writes an access-token cache for `profile` that expires in `seconds`.
    pub fn cache_token(&self, profile: &str, issuer: &str, access_token: &str, seconds: i64) {
        let expires_at = chrono::Utc::now() + chrono::Duration::seconds(seconds);
        let cache = serde_json::json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_at": expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "scope": "https://www.approvalmax.com/scopes/public_api/read",
            "issuer": issuer,
            "client_id": CLIENT_ID,
        });
        write_private(&self.cache_file(profile), &cache.to_string());
    }
}

/// Writes `text` to `path` with mode 0600, creating private parents.
pub fn write_private(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = path.parent().unwrap();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// A JSON file, parsed.
pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    serde_json::from_str(&text).expect("JSON")
}

/// The mode bits of a file.
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Fails when stderr or stdout shows a secret.
pub fn assert_no_secret(output: &std::process::Output, secrets: &[&str]) {
    let (stdout, stderr) = outputs(output);
    for secret in secrets.iter().chain([&CLIENT_SECRET, &REFRESH_TOKEN]) {
        assert!(
            !stderr.contains(secret),
            "stderr shows {secret:?}: {stderr}"
        );
        assert!(
            !stdout.contains(secret),
            "stdout shows {secret:?}: {stdout}"
        );
    }
}

/// A token response as ApprovalMax sends it, with `access_token` the sample JWT.
pub fn token_response(refresh_token: &str) -> serde_json::Value {
    serde_json::json!({
        "access_token": fixture_text("approvalmax-access-token.jwt"),
        "expires_in": 3600,
        "token_type": "Bearer",
        "refresh_token": refresh_token,
        "scope": "https://www.approvalmax.com/scopes/public_api/read offline_access",
        "id_token": "ignored-extra-field",
    })
}

/// A token endpoint on `server` that answers every request with [`token_response`].
pub fn token_endpoint<'a>(
    server: &'a httpmock::MockServer,
    refresh_token: &str,
) -> httpmock::Mock<'a> {
    let body = token_response(refresh_token);
    server.mock(|when, then| {
        when.path("/connect/token");
        then.status(200).json_body(body);
    })
}

/// Held by the tests that use the shared test keychain, so that one that locks it does not
/// pull it from under another.
pub fn keychain_exclusive() -> std::sync::MutexGuard<'static, ()> {
    static KEYCHAIN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    KEYCHAIN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
