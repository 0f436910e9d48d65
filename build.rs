//! Link options for the `amtoken` binary only.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if target_os == "linux" && target_env == "gnu" {
        // Pack the ~5,700 relative relocations of a position-independent executable (DT_RELR):
        // the loader applies them in a fraction of the time, and the binary stays PIE (ASLR).
        // GNU ld 2.38, lld and glibc 2.36 have it.
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
        // Link GCC's unwinder statically into the binary, as `gcc -static-libgcc` does: with
        // panic=abort it only ever prints a backtrace, and without libgcc_s.so.1 the loader maps
        // one library fewer and its start-up code (CPU feature probing) never runs. The whole
        // archive, so that its definitions win over the -lgcc_s rustc puts first. Without the
        // archive, the usual dynamic libgcc_s is linked. The library (tests, fuzz targets)
        // is left as it is.
        if let Some(archive) = static_unwinder() {
            println!(
                "cargo:rustc-link-arg-bins=-Wl,--whole-archive,{},--no-whole-archive",
                archive.display()
            );
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}

/// The C compiler's `libgcc_eh.a`, when it has one.
fn static_unwinder() -> Option<PathBuf> {
    let output = Command::new("cc")
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()?;
    let printed = String::from_utf8(output.stdout).ok()?;
    // Without the archive the compiler prints the bare name back.
    let archive = Path::new(printed.trim());
    let usable = output.status.success() && archive.is_absolute() && archive.is_file();
    // A comma would split the linker argument.
    (usable && !printed.contains(',')).then(|| archive.to_path_buf())
}
