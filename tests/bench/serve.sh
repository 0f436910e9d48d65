#!/usr/bin/env bash
# `amtoken serve` with a cached token: requests per second and latency percentiles of GET /token
# over the Unix socket and over loopback TCP (oha, 1 and 32 connections with keep-alive, 10 s each),
# beside the same token from `amtoken token` as a process (hyperfine). No provider needed: the
# cache holds a token for an hour, so every request is the hot path.
# Installs oha from crates.io into ~/.cache/amtoken-bench (outside the repository) when missing.
# Usage: bash tests/bench/serve.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
tools=${XDG_CACHE_HOME:-$HOME/.cache}/amtoken-bench
if [[ ! -x $tools/bin/oha ]]; then
  echo "installing oha into $tools" >&2
  cargo install --quiet --locked oha --root "$tools"
fi
oha="$tools/bin/oha"
command -v jq >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null; }

home=$(mktemp -d)
serve_pids=()
cleanup() { for pid in "${serve_pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$home"; }
trap cleanup EXIT
cached_home "$home"
mkdir -p "$home/data/amtoken" "$home/run"
chmod 700 "$home/data/amtoken" "$home/run"
cat >"$home/data/amtoken/default.json" <<JSON
{"refresh_token":"rt-bench","issuer":"https://identity.approvalmax.com","client_id":"bench-client",
 "scope":"s","obtained_at":"2026-11-01T00:00:00Z"}
JSON
chmod 600 "$home/data/amtoken/default.json"
export XDG_RUNTIME_DIR=$home/run AMTOKEN_STORE=file

"$amtoken" serve 2>"$home/socket.log" &
serve_pids+=($!)
"$amtoken" serve -p default --listen 127.0.0.1:0 2>"$home/tcp.log" &
serve_pids+=($!)
for _ in $(seq 100); do
  [[ -S $home/run/amtoken/default.sock ]] && grep -q listening "$home/tcp.log" 2>/dev/null && break
  sleep 0.05
done
port=$(sed -nE 's/.*127\.0\.0\.1:([0-9]+).*/\1/p' "$home/tcp.log")
secret=$(cat "$home/run/amtoken/default.serve-secret")

run_oha() { # NAME CONNECTIONS ARGS…: 10 s with keep-alive; prints a Markdown row
  local name=$1 connections=$2 out; shift 2
  out=$(mktemp -p "$home" oha-XXXX.json)
  "$oha" --no-tui --output-format json -z 10s -c "$connections" "$@" >"$out"
  jq -r --arg name "$name" '"| \($name) | \(.summary.requestsPerSec | floor) | \(.latencyPercentiles.p50 * 1e3 * 1000 | round / 1000) ms | \(.latencyPercentiles.p99 * 1e3 * 1000 | round / 1000) ms | \(.statusCodeDistribution | to_entries | map("\(.key): \(.value)") | join(", ")) |"' "$out"
}
echo "| how | requests/s | p50 | p99 | answers |"
echo "| --- | --- | --- | --- | --- |"
for connections in 1 32; do
  run_oha "GET /token, Unix socket, $connections connection(s)" "$connections" \
    --unix-socket "$home/run/amtoken/default.sock" http://localhost/token
  run_oha "GET /token, loopback TCP, $connections connection(s)" "$connections" \
    -H "Authorization: Bearer $secret" "http://127.0.0.1:$port/token"
done
hyperfine -N --warmup 50 --runs 2000 --export-json "$home/token.json" "$amtoken token" >/dev/null 2>&1
jq -r '.results[0] | "| `amtoken token`, a process each (one at a time) | \(1 / .mean | floor) | \(.median * 1e3 * 1000 | round / 1000) ms | \(([.times[]] | sort | .[(length * 0.99 | floor)]) * 1e3 * 1000 | round / 1000) ms | exit 0: \(.exit_codes | length) |"' "$home/token.json"
echo
echo "cores: $(nproc); serve's runtime threads: min(cores, 4)"
