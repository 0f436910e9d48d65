# Shared by the benchmark scripts: hyperfine, the release binary, and an empty Rust binary built
# with the same profile, so that ratios compare amtoken with the bare cost of starting a process.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if ! command -v hyperfine >/dev/null; then
  echo "installing hyperfine" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
fi
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
amtoken="$root/target/release/amtoken"

empty_dir="$root/target/bench-empty"
if [ ! -x "$empty_dir/target/release/empty" ]; then
  mkdir -p "$empty_dir/src"
  cat >"$empty_dir/Cargo.toml" <<'TOML'
[package]
name = "empty"
version = "0.0.0"
edition = "2024"
[workspace]
[profile.release]
lto = true
codegen-units = 1
strip = true
TOML
  echo 'fn main() {}' >"$empty_dir/src/main.rs"
  cargo build --release --quiet --manifest-path "$empty_dir/Cargo.toml"
fi
empty="$empty_dir/target/release/empty"

# ratio JSON: mean of the second command over the first, from a hyperfine --export-json file.
ratio() {
  python3 - "$1" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base, measured = results[0]["mean"], results[1]["mean"]
print(f"empty binary: {base*1e3:.2f} ms, amtoken: {measured*1e3:.2f} ms, ratio {measured/base:.2f}x")
PY
}
