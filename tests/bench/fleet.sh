#!/usr/bin/env bash
# The fleet store's cost and effect, against OpenBao and the provider of tests/services.sh:
#   - a cached `amtoken token --store vault` (the local cache is a first look: no Vault call)
#     against one whose local cache is empty, so it reads the shared secret (one Vault GET);
#   - the fleet run of the test suite: 8 runners across 40 two-second expiries, its refresh
#     count and wall time.
# Usage: bash tests/bench/fleet.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/tests/bench/common.sh"
with_services "${BASH_SOURCE[0]}"
provider_login amtoken-vault
export AMTOKEN_STORE=vault AMTOKEN_VAULT_ADDR=$AMTOKEN_TEST_VAULT_ADDR VAULT_TOKEN=$AMTOKEN_TEST_VAULT_TOKEN
export AMTOKEN_VAULT_PATH=amtoken/bench-$$
# Log in again into the shared secret (provider_login used the file store).
"$amtoken" refresh --force --store file -o none 2>/dev/null
record=$(cat "$XDG_DATA_HOME/amtoken/default.json")
curl -fsS -H "X-Vault-Token: $VAULT_TOKEN" -X POST \
  -d "{\"data\": $record}" "$AMTOKEN_VAULT_ADDR/v1/secret/data/$AMTOKEN_VAULT_PATH" >/dev/null
"$amtoken" token >/dev/null   # refreshes once into the shared secret
out=$(mktemp)
hyperfine -N --warmup 20 --runs 300 --export-json "$out" \
  --prepare true --prepare "rm -f $XDG_CACHE_HOME/amtoken/default.json" \
  -n "token, local cache fresh" "$amtoken token" \
  -n "token, reads the shared secret" "$amtoken token" >/dev/null
python3 - "$out" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
print("| `amtoken token --store vault` | median |")
print("| --- | --- |")
for r in results:
    print(f"| {r['command']} | {r['median'] * 1e3:.2f} ms |")
print(f"\nadded by reading the shared secret: {(results[1]['median'] - results[0]['median']) * 1e3:.2f} ms")
PY
cd "$root"
cargo test --quiet --locked --test cli eight_runners -- --ignored --nocapture 2>&1 | grep "^fleet:"
