//! Link options for the `amtoken` binary only.

fn main() {
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    // Pack the ~5,700 relative relocations of a position-independent executable (DT_RELR):
    // the loader applies them in a fraction of the time, and the binary stays PIE (ASLR).
    // GNU ld 2.38 and glibc 2.36 have it; tests/bench/compare.sh measures the difference.
    if target_os == "linux" && target_env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
