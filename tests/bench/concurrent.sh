#!/usr/bin/env bash
# 32 `amtoken token` processes at once, when the cached access token is about to expire, against
# the local OpenID Connect provider of tests/oidc: the wall time until all 32 have printed, and
# how many refresh requests the provider saw (must be 1 each round).
# Usage: bash tests/bench/concurrent.sh [ROUNDS]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
rounds=${1:-10}
processes=32
work=$(mktemp -d)
provider=""
trap '[[ -n $provider ]] && kill "$provider"; rm -rf "$work"' EXIT
[[ -d $root/tests/oidc/node_modules/oidc-provider ]] || npm ci --prefix "$root/tests/oidc" --no-audit --no-fund --loglevel=error
node "$root/tests/oidc/server.mjs" "$work/provider.json" 2>"$work/provider.log" &
provider=$!
for _ in $(seq 300); do [[ -s $work/provider.json ]] && break; sleep 0.1; done
issuer=$(sed -E 's/.*"issuer":"([^"]+)".*/\1/' "$work/provider.json")
client=amtoken-post
export HOME=$work/home XDG_CACHE_HOME=$work/home/cache XDG_CONFIG_HOME=$work/home/config XDG_DATA_HOME=$work/home/data
export AMTOKEN_ISSUER=$issuer AMTOKEN_CLIENT_ID=$client AMTOKEN_CLIENT_SECRET=$client-secret
export AMTOKEN_REDIRECT_URI=https://app.example.test/callback AMTOKEN_STORE=file

# A code, the way a browser gets one (the provider logs in and consents by itself).
url="$issuer/connect/authorize?response_type=code&client_id=$client&redirect_uri=https%3A%2F%2Fapp.example.test%2Fcallback&scope=https%3A%2F%2Fwww.approvalmax.com%2Fscopes%2Fpublic_api%2Fread%20offline_access&state=bench&prompt=consent"
for _ in $(seq 10); do
  url=$(curl -s -o /dev/null -w '%{redirect_url}' -b "$work/jar" -c "$work/jar" "$url")
  [[ $url == https://app.example.test/* ]] && break
  [[ $url == /* ]] && url="$issuer$url"
done
"$amtoken" exchange --code "$url" 2>/dev/null

refreshes() { curl -s "$issuer/test/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['$client']['refresh_token'])"; }
cache=$XDG_CACHE_HOME/amtoken/default.json
total=0
for round in $(seq "$rounds"); do
  # Leave the cached token 60 s to live: less than the default --min-ttl of 5 minutes.
  python3 - "$cache" <<'PY'
import json, sys, datetime
path = sys.argv[1]
cache = json.load(open(path))
soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=60)
cache["expires_at"] = soon.strftime("%Y-%m-%dT%H:%M:%SZ")
json.dump(cache, open(path, "w"))
PY
  before=$(refreshes)
  start=$(date +%s%N)
  pids=()
  for i in $(seq "$processes"); do
    "$amtoken" token >"$work/out.$i" 2>&1 &
    pids+=($!)
  done
  wait "${pids[@]}"
  elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  seen=$(( $(refreshes) - before ))
  distinct=$(cat "$work"/out.* | sort -u | wc -l)
  echo "round $round: $processes processes in $elapsed_ms ms, refresh requests seen: $seen, distinct tokens printed: $distinct"
  total=$((total + elapsed_ms))
done
echo "mean wall time for $processes concurrent amtoken token: $((total / rounds)) ms over $rounds rounds"
