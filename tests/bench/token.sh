#!/usr/bin/env bash
# Times `amtoken token` with a valid cached token (the hot path: no network, no keychain, no
# lock) against the start of an empty Rust binary built the same way. Target: within 2x.
# Usage: bash tests/bench/token.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
cached_home "$home"
"$amtoken" token >/dev/null # fails loudly if the hot path does not serve the token
out=$(mktemp)
hyperfine --warmup 20 --runs 300 -N --export-json "$out" -n empty -n "amtoken token" \
  "$empty" "$amtoken token" >&2
ratio "$out"
