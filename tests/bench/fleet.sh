#!/usr/bin/env bash
# The fleet store's cost and effect, against OpenBao and the provider of tests/services.sh:
#   - a cached `amtoken token --store vault` (the local cache is a first look: no Vault call)
#     against one whose local cache is empty, so it reads the shared secret (one Vault GET);
#   - the same read by a runner that logs in to Vault by AppRole: a new login every run
#     (--vault-token-cache memory, the default), and with the Vault token kept in the file
#     cache (--vault-token-cache file);
#   - the fleet runs of the test suite: 8 runners across 40 two-second expiries, and 8 AppRole
#     runners across 10: refresh counts, Vault logins and wall time.
# Usage: bash tests/bench/fleet.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
user_home=$HOME   # cargo's and rustup's; provider_login gives amtoken a private HOME
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
# An AppRole role whose tokens read and write the bench path, and a secret id in a 0600 file.
vault() { curl -fsS -H "X-Vault-Token: $VAULT_TOKEN" "$@"; }
mount=approle-bench-$$
vault -X POST -d '{"type":"approle"}' "$AMTOKEN_VAULT_ADDR/v1/sys/auth/$mount" >/dev/null
policy=$(python3 -c 'import json, sys
print(json.dumps({"policy": f"path \"secret/data/{sys.argv[1]}\" {{ capabilities = [\"create\", \"read\", \"update\"] }}"}))' "$AMTOKEN_VAULT_PATH")
vault -X PUT -d "$policy" \
  "$AMTOKEN_VAULT_ADDR/v1/sys/policies/acl/bench-$$" >/dev/null
vault -X POST -d "{\"token_policies\": [\"bench-$$\"], \"token_ttl\": \"1h\"}" \
  "$AMTOKEN_VAULT_ADDR/v1/auth/$mount/role/runner" >/dev/null
json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
role_id=$(vault "$AMTOKEN_VAULT_ADDR/v1/auth/$mount/role/runner/role-id" | json '["data"]["role_id"]')
(umask 077; vault -X POST "$AMTOKEN_VAULT_ADDR/v1/auth/$mount/role/runner/secret-id" |
  json '["data"]["secret_id"]' >"$work/secret-id")
approle="env -u VAULT_TOKEN AMTOKEN_VAULT_AUTH=approle AMTOKEN_VAULT_AUTH_MOUNT=$mount AMTOKEN_VAULT_ROLE_ID=$role_id AMTOKEN_VAULT_SECRET_ID_FILE=$work/secret-id"
$approle AMTOKEN_VAULT_TOKEN_CACHE=file "$amtoken" token >/dev/null  # fills the Vault token cache
out=$(mktemp)
hyperfine -N --warmup 20 --runs 300 --export-json "$out" \
  --prepare true --prepare "rm -f $XDG_CACHE_HOME/amtoken/default.json" \
  --prepare "rm -f $XDG_CACHE_HOME/amtoken/default.json" \
  --prepare "rm -f $XDG_CACHE_HOME/amtoken/default.json" \
  -n "token, local cache fresh" "env $amtoken token" \
  -n "token, reads the shared secret (VAULT_TOKEN)" "env $amtoken token" \
  -n "token, reads the shared secret, AppRole login every run" "$approle $amtoken token" \
  -n "token, reads the shared secret, AppRole with the cached Vault token" \
  "$approle AMTOKEN_VAULT_TOKEN_CACHE=file $amtoken token" >/dev/null
python3 - "$out" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
print("| `amtoken token --store vault` | median |")
print("| --- | --- |")
for r in results:
    print(f"| {r['command']} | {r['median'] * 1e3:.2f} ms |")
median = [r["median"] * 1e3 for r in results]
print(f"\nadded by reading the shared secret: {median[1] - median[0]:.2f} ms")
print(f"added by an AppRole login: {median[2] - median[1]:.2f} ms; with the cached Vault token: {median[3] - median[1]:.2f} ms")
PY
cd "$root"
# The test harness prints its progress dots on the same lines as the runs' summaries.
log=$work/fleet-tests.log   # removed with the HOME on exit
if ! env HOME="$user_home" cargo test --quiet --locked --test cli eight_ -- --ignored --nocapture >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
grep -o "fleet.*" "$log"

