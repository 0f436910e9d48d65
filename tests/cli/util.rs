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
        let mut command = Command::cargo_bin("amtoken").expect("the amtoken binary");
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy().into_owned();
            if name.starts_with("AMTOKEN_") || name.starts_with("XDG_") {
                command.env_remove(&name);
            }
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
