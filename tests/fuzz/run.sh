#!/usr/bin/env bash
# Runs every fuzz target for a fixed time and prints, per target, the executions and crashes.
# Needs the nightly toolchain (installed on the project's machines) and cargo-fuzz (installed
# from crates.io when missing). The committed seeds in tests/fuzz/corpus are read, never
# written: the growing corpus lives in tests/fuzz/target/corpus, crashes in tests/fuzz/artifacts.
# Usage: bash tests/fuzz/run.sh [SECONDS-PER-TARGET | --runs EXECUTIONS-PER-TARGET] [TARGET...]
# (default 120 seconds, every target). A run bounded by --runs can be paused (SIGSTOP) and
# resumed without changing what it does, e.g. while a benchmark needs the machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
limit=(-max_total_time="${1:-120}")
if [[ ${1:-} == --runs ]]; then
  limit=(-runs="$2")
  shift
fi
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
targets=(jwt token_response callback config jwks)
(($# > 1)) && targets=("${@:2}")
cargo +nightly fuzz build --fuzz-dir . -O
printf '%-16s %14s %10s %8s\n' target executions exec/s crashes
for target in "${targets[@]}"; do
  mkdir -p "target/corpus/$target" "artifacts/$target"
  log=$(mktemp)
  status=0
  cargo +nightly fuzz run --fuzz-dir . -O "$target" "target/corpus/$target" "corpus/$target" -- \
    "${limit[@]}" -print_final_stats=1 >"$log" 2>&1 || status=$?
  runs=$(grep -aEo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1 || true)
  rate=$(grep -aEo 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1 || true)
  crashes=$(find "artifacts/$target" -type f | wc -l)
  printf '%-16s %14s %10s %8s\n' "$target" "${runs:-?}" "${rate:-?}" "$crashes"
  if ((status != 0)); then
    echo "$target failed (exit $status); the log:" >&2
    grep -av '^ *at \|^ *[0-9]*: ' "$log" | tail -40 >&2
  fi
  rm -f "$log"
done
