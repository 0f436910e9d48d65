#!/usr/bin/env bash
# Times `amtoken token` with a valid cached token (the hot path: no network, no keychain, no
# lock) against the start of an empty Rust binary built the same way. Target: within 2x.
# Usage: bash tests/bench/token.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
mkdir -p "$home/cache/amtoken"
chmod 700 "$home/cache/amtoken"
expires=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
cat >"$home/cache/amtoken/default.json" <<JSON
{"access_token":"$(cat "$root/tests/fixtures/approvalmax-access-token.jwt")","token_type":"Bearer",
 "expires_at":"$expires","scope":"https://www.approvalmax.com/scopes/public_api/read",
 "issuer":"https://identity.approvalmax.com","client_id":"bench-client"}
JSON
chmod 600 "$home/cache/amtoken/default.json"
export HOME=$home XDG_CACHE_HOME=$home/cache XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data
export AMTOKEN_CLIENT_ID=bench-client
"$amtoken" token >/dev/null # fails loudly if the hot path does not serve the token
out=$(mktemp)
hyperfine --warmup 20 --runs 300 -N --export-json "$out" -n empty -n "amtoken token" \
  "$empty" "$amtoken token" >&2
ratio "$out"
