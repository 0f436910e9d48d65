//! The committed man pages under `man/`, generated from the CLI definition by clap_mangen:
//! `amtoken.1`, and `amtoken-<command>.1` for each subcommand.

use std::path::Path;

use amtoken::cli::Cli;
use clap::CommandFactory as _;

fn render(command: clap::Command) -> Vec<u8> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command).render(&mut page).unwrap();
    page
}

/// Fails when a page under `man/` differs from what the CLI definition generates. Set
/// `AMTOKEN_UPDATE_MAN=1` to rewrite them instead.
#[test]
fn the_committed_man_pages_are_up_to_date() {
    let cli = Cli::command();
    let mut pages = vec![("amtoken.1".to_string(), render(cli.clone()))];
    for sub in cli.get_subcommands().filter(|sub| sub.get_name() != "help") {
        let name = format!("amtoken-{}", sub.get_name());
        let file = format!("{name}.1");
        // clap names are static strings; a test may leak a few.
        pages.push((file, render(sub.clone().name(&*name.leak()))));
    }
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let update = std::env::var_os("AMTOKEN_UPDATE_MAN").is_some();
    for (file, page) in pages {
        let path = folder.join(&file);
        if update {
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(&path, &page).unwrap();
            continue;
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == page,
            "man/{file} is stale; regenerate with: AMTOKEN_UPDATE_MAN=1 cargo test --test cli man"
        );
    }
    let main = std::fs::read_to_string(folder.join("amtoken.1"))
        .unwrap()
        .replace("\\-", "-");
    for command in ["login", "authorize-url", "decode", "logout"] {
        assert!(main.contains(command), "amtoken.1 lacks {command}");
    }
}
