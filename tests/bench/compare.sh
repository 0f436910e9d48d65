#!/usr/bin/env bash
# amtoken side by side with what people use today, in one hyperfine run each (release builds,
# medians and ratios):
#   decode   `amtoken decode` / `jwt decode` (jwt-cli) / a jq one-liner, on the same token;
#   token    a cached `amtoken token` / the start of an empty Rust binary built with the same
#            profile (the target's baseline) / one also linked as amtoken is (build.rs);
#   refresh  `amtoken refresh --force` / the same refresh grant by curl, against the local
#            provider (client amtoken-bench, whose refresh token does not rotate).
# Installs what is missing (hyperfine, jq, curl from Debian; jwt-cli from crates.io into
# ~/.cache/amtoken-bench, outside the repository) and starts the provider through
# tests/services.sh. Prints a Markdown table, then the binary size and peak memory.
# Usage: bash tests/bench/compare.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/tests/bench/common.sh"
with_services "${BASH_SOURCE[0]}"
missing=()
for tool in jq curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[[ -x /usr/bin/time ]] || missing+=(time)
if ((${#missing[@]})); then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
tools=${XDG_CACHE_HOME:-$HOME/.cache}/amtoken-bench
if [[ ! -x $tools/bin/jwt ]]; then
  echo "installing jwt-cli into $tools" >&2
  cargo install --quiet --locked jwt-cli --root "$tools"
fi
jwt="$tools/bin/jwt"

token_file="$root/tests/fixtures/approvalmax-access-token.jwt"
token=$(cat "$token_file")

provider_login amtoken-bench
issuer=$AMTOKEN_TEST_ISSUER
refresh_token=$(jq -r .refresh_token "$XDG_DATA_HOME/amtoken/default.json")
curl_refresh="curl -sS -o /dev/null -d grant_type=refresh_token -d refresh_token=$refresh_token -d client_id=amtoken-bench -d client_secret=amtoken-bench-secret $issuer/connect/token"

jq_program='split(".")[1] | gsub("-";"+") | gsub("_";"/") | @base64d | fromjson'
hyperfine -N --warmup 20 --runs 300 --export-json "$work/decode.json" \
  -n "jwt decode (jwt-cli)" "$jwt decode $token" \
  -n "jq one-liner" "jq -R '$jq_program' $token_file" \
  -n "amtoken decode" "$amtoken --color never decode $token" >/dev/null
hyperfine -N --warmup 20 --runs 300 --export-json "$work/token.json" \
  -n "empty Rust binary" "$empty" \
  -n "empty Rust binary, linked as amtoken" "$empty_linked" \
  -n "amtoken token (cached)" "$amtoken token" >/dev/null
hyperfine -N --warmup 5 --runs 100 --export-json "$work/refresh.json" \
  -n "curl (refresh grant)" "$curl_refresh" \
  -n "amtoken refresh --force" "$amtoken refresh --force" >/dev/null

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
targets = {"amtoken decode": ("jwt decode (jwt-cli)", 0.9),
           "amtoken token (cached)": ("empty Rust binary", 1.3),
           "amtoken refresh --force": ("curl (refresh grant)", 1.2)}
print("| benchmark | command | median | ratio | target |")
print("| --- | --- | --- | --- | --- |")
for name in ["decode", "token", "refresh"]:
    results = {r["command"]: r["median"] for r in json.load(open(f"{work}/{name}.json"))["results"]}
    for command, median in results.items():
        ratio, target = "", ""
        if command in targets:
            base, limit = targets[command]
            value = median / results[base]
            ratio = f"{value:.2f}× {base}"
            target = f"≤ {limit}× {'met' if value <= limit else 'MISSED'}"
        print(f"| {name} | {command} | {median * 1e3:.2f} ms | {ratio} | {target} |")
token = {r["command"]: r["median"] for r in json.load(open(f"{work}/token.json"))["results"]}
linked = token["amtoken token (cached)"] / token["empty Rust binary, linked as amtoken"]
print(f"\ncached token against the empty binary linked as amtoken (build.rs): {linked:.2f}×")
PY
size=$(stat -c %s "$amtoken")
peak=$( { /usr/bin/time -f '%M' "$amtoken" token >/dev/null; } 2>&1 | tail -1)
echo
echo "binary: $((size / 1024)) KiB; peak memory of a cached \`amtoken token\`: ${peak} KiB"
