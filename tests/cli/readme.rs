//! The settings and exit-code tables of docs/REFERENCE.md against the CLI definition and the
//! exit-code enum, so that neither can drift from the other.

use std::collections::BTreeSet;

use amtoken::cli::Cli;
use amtoken::error::Kind;
use clap::CommandFactory as _;

pub fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/REFERENCE.md")).unwrap()
}

/// The rows of the first table under `heading`, as cells.
pub fn table(readme: &str, heading: &str) -> Vec<Vec<String>> {
    let section = readme
        .split_once(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("README has no {heading:?}"))
        .1;
    section
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .skip(2)
        .map(|line| {
            line.trim_matches('|')
                .split(" | ")
                .map(|cell| cell.trim().to_string())
                .collect()
        })
        .collect()
}

/// Every `--flag` named in a cell.
fn flags_in(cell: &str) -> Vec<String> {
    cell.split('`')
        .filter_map(|code| code.split_whitespace().next())
        .filter(|word| word.starts_with("--"))
        .map(|word| word.trim_start_matches("--").to_string())
        .collect()
}

#[test]
fn the_settings_table_names_every_global_flag_with_its_variable() {
    let command = Cli::command();
    let readme = readme();
    let rows = table(&readme, "## Settings");
    let mut documented = BTreeSet::new();
    for row in &rows {
        let (flag_cell, env_cell) = (&row[1], &row[2]);
        for flag in flags_in(flag_cell) {
            let argument = command
                .get_arguments()
                .find(|argument| argument.get_long() == Some(flag.as_str()))
                .unwrap_or_else(|| panic!("README names --{flag}, which is not a global flag"));
            let env = argument
                .get_env()
                .map(|env| format!("`{}`", env.to_string_lossy()));
            if let Some(env) = &env {
                assert!(
                    env_cell.starts_with(env.as_str()),
                    "--{flag}: README says {env_cell:?}, the CLI reads {env}"
                );
            }
            documented.insert(flag);
        }
    }
    for argument in command.get_arguments() {
        let Some(long) = argument.get_long() else {
            continue;
        };
        if matches!(long, "help" | "version" | "color") {
            continue;
        }
        assert!(
            documented.contains(long),
            "--{long} is a global flag missing from the README's settings table"
        );
    }
}

#[test]
fn the_exit_code_table_matches_the_exit_codes() {
    let readme = readme();
    let documented: Vec<u8> = table(&readme, "## Exit codes")
        .iter()
        .map(|row| row[0].parse().unwrap())
        .collect();
    let mut actual = vec![0];
    actual.extend(Kind::ALL.iter().map(|kind| kind.exit_code()));
    assert_eq!(documented, actual);
}
