#!/usr/bin/env bash
# Runs its arguments with the real parts of the test suite up: an unlocked gnome-keyring in the
# current (private) D-Bus session, the OpenID Connect provider of tests/oidc on loopback, and
# the API stand-in that checks its tokens, and an OpenBao dev server. Exports
# AMTOKEN_TEST_ISSUER, AMTOKEN_TEST_API_URL, AMTOKEN_TEST_VAULT_ADDR, AMTOKEN_TEST_VAULT_TOKEN
# and AMTOKEN_TEST_KEYRING for the tests; stops them all afterwards.
set -euo pipefail
work=$(mktemp -d)
provider=""
api=""
bao=""
cleanup() {
  [[ -n $bao ]] && kill "$bao" 2>/dev/null
  [[ -n $provider ]] && kill "$provider" 2>/dev/null
  [[ -n $api ]] && kill "$api" 2>/dev/null
  [[ -n ${GNOME_KEYRING_PID:-} ]] && kill "$GNOME_KEYRING_PID" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# gnome-keyring keeps its keyrings under HOME: give it a throwaway one, unlocked with a known
# password, so the "login" collection is the default and needs no prompt.
mkdir -p "$work/keyring-home"
eval "$(printf 'amtoken-test' | HOME="$work/keyring-home" gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL GNOME_KEYRING_PID
export AMTOKEN_TEST_KEYRING=1
# Where that keyring lives, so a test can lock it and unlock it again with the password.
export AMTOKEN_TEST_KEYRING_HOME="$work/keyring-home"

# await PID NAME: waits for $work/NAME.json, which the server PID writes once it listens.
await() {
  for _ in $(seq 300); do
    [[ -s $work/$2.json ]] && return
    kill -0 "$1" 2>/dev/null || { cat "$work/$2.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "tests/services.sh: $2 did not start" >&2
  exit 1
}

node tests/oidc/server.mjs "$work/provider.json" 2>"$work/provider.log" &
provider=$!
await "$provider" provider
AMTOKEN_TEST_ISSUER=$(sed -E 's/.*"issuer":"([^"]+)".*/\1/' "$work/provider.json")
export AMTOKEN_TEST_ISSUER

node tests/oidc/api.mjs "$AMTOKEN_TEST_ISSUER" "$work/api.json" 2>"$work/api.log" &
api=$!
await "$api" api
AMTOKEN_TEST_API_URL=$(sed -E 's/.*"api":"([^"]+)".*/\1/' "$work/api.json")
export AMTOKEN_TEST_API_URL
# An OpenBao dev server on loopback (KV version 2 at secret/, in memory), for --store vault.
# pip puts `bao` among Python's scripts, which need not be on PATH.
command -v bao >/dev/null || PATH="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
bao_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
AMTOKEN_TEST_VAULT_TOKEN=$(python3 -c 'import secrets; print("test-" + secrets.token_hex(12))')
# Its audit log (declared in the configuration: OpenBao enables no audit device over the API)
# lets the fleet tests see which paths a runner asked for; values are HMACed, not logged.
AMTOKEN_TEST_VAULT_AUDIT_LOG="$work/bao-audit.log"
cat >"$work/bao.hcl" <<HCL
audit "file" "amtoken-tests" {
  options {
    file_path = "$AMTOKEN_TEST_VAULT_AUDIT_LOG"
  }
}
HCL
bao server -dev -dev-root-token-id="$AMTOKEN_TEST_VAULT_TOKEN" \
  -dev-listen-address="127.0.0.1:$bao_port" -config="$work/bao.hcl" >"$work/bao.log" 2>&1 &
bao=$!
AMTOKEN_TEST_VAULT_ADDR="http://127.0.0.1:$bao_port"
for _ in $(seq 300); do
  curl -fsS "$AMTOKEN_TEST_VAULT_ADDR/v1/sys/health" >/dev/null 2>&1 && break
  kill -0 "$bao" 2>/dev/null || { cat "$work/bao.log" >&2; exit 1; }
  sleep 0.1
done
export AMTOKEN_TEST_VAULT_ADDR AMTOKEN_TEST_VAULT_TOKEN AMTOKEN_TEST_VAULT_AUDIT_LOG

echo "tests/services.sh: keyring unlocked, provider at $AMTOKEN_TEST_ISSUER, API at $AMTOKEN_TEST_API_URL, OpenBao at $AMTOKEN_TEST_VAULT_ADDR" >&2

"$@"
