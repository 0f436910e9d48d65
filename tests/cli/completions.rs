//! `amtoken completions` and the committed scripts in `completions/`.

use std::path::Path;

use crate::util::Sandbox;

const SCRIPTS: [(&str, &str); 5] = [
    ("bash", "amtoken.bash"),
    ("zsh", "_amtoken"),
    ("fish", "amtoken.fish"),
    ("powershell", "_amtoken.ps1"),
    ("elvish", "amtoken.elv"),
];

/// Fails when a committed script differs from what the binary generates. Set
/// `AMTOKEN_UPDATE_COMPLETIONS=1` to rewrite them instead.
#[test]
fn committed_completion_scripts_are_up_to_date() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("AMTOKEN_UPDATE_COMPLETIONS").is_some();
    for (shell, file) in SCRIPTS {
        let output = Sandbox::new()
            .amtoken()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(output.status.success(), "{shell}: {output:?}");
        let path = folder.join(file);
        if update {
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(&path, &output.stdout).unwrap();
            continue;
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == output.stdout,
            "completions/{file} is stale; regenerate with: AMTOKEN_UPDATE_COMPLETIONS=1 cargo test --test cli completions"
        );
    }
}

#[test]
fn completions_know_the_subcommands() {
    Sandbox::new()
        .amtoken()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicates::str::contains("decode"));
}
