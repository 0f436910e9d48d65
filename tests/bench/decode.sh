#!/usr/bin/env bash
# Times `amtoken decode` of a typical 1 KB ApprovalMax token against the start of an empty Rust
# binary built the same way. Target: within 1.5x. Usage: bash tests/bench/decode.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
token="$root/tests/fixtures/approvalmax-access-token.jwt"
out=$(mktemp)
hyperfine --warmup 20 --runs 300 -N --export-json "$out" -n empty -n "amtoken decode --json" \
  "$empty" "$amtoken decode --json $(cat "$token")" >&2
ratio "$out"
