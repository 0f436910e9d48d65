# Shared by the benchmark scripts: hyperfine, the release binary, and an empty Rust binary built
# with the same profile, so that ratios compare amtoken with the bare cost of starting a process.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if ! command -v hyperfine >/dev/null; then
  echo "installing hyperfine" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
fi
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
amtoken="$root/target/release/amtoken"

# empty_binary NAME [build.rs]: an empty `fn main() {}` built with amtoken's own
# [profile.release] (copied from Cargo.toml), and with amtoken's build.rs (link options) when
# given; prints its path.
empty_binary() {
  local dir="$root/target/bench-$1"
  mkdir -p "$dir/src"
  {
    printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2024"\n[workspace]\n' "$1"
    awk '/^\[/ { on = ($0 == "[profile.release]") } on' "$root/Cargo.toml"
  } >"$dir/Cargo.toml.new"
  cmp -s "$dir/Cargo.toml.new" "$dir/Cargo.toml" || mv "$dir/Cargo.toml.new" "$dir/Cargo.toml"
  rm -f "$dir/Cargo.toml.new"
  [[ -f $dir/src/main.rs ]] || echo 'fn main() {}' >"$dir/src/main.rs"
  if [[ -n ${2:-} ]]; then
    cmp -s "$2" "$dir/build.rs" || cp "$2" "$dir/build.rs"
  fi
  cargo build --release --quiet --manifest-path "$dir/Cargo.toml" >&2
  echo "$dir/target/release/$1"
}
# The baseline of the targets: an empty binary built with the same profile.
empty=$(empty_binary empty)
# For comparison: an empty binary that is also linked as amtoken is (build.rs).
empty_linked=$(empty_binary empty-linked "$root/build.rs")

# ratio JSON: mean of the second command over the first, from a hyperfine --export-json file.
ratio() {
  python3 - "$1" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base, measured = results[0]["mean"], results[1]["mean"]
print(f"empty binary: {base*1e3:.2f} ms, amtoken: {measured*1e3:.2f} ms, ratio {measured/base:.2f}x")
PY
}

# with_services SCRIPT: unless the provider is up, install what the suite needs and run SCRIPT
# again inside tests/services.sh (keychain, provider, API stand-in).
with_services() {
  if [[ -z ${AMTOKEN_TEST_ISSUER:-} ]]; then
    bash "$root/tests/run" --prepare
    exec dbus-run-session -- bash "$root/tests/services.sh" bash "$1"
  fi
}

# provider_login CLIENT: a private HOME logged in to the provider as CLIENT (file store): the
# authorize flow walked with curl (the provider consents by itself), then `amtoken exchange`.
# Sets work (the HOME, removed on exit) and exports the AMTOKEN_* settings.
provider_login() {
  local client=$1 redirect=https://app.example.test/callback url
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  export HOME=$work XDG_CACHE_HOME=$work/cache XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data
  url="$AMTOKEN_TEST_ISSUER/connect/authorize?response_type=code&client_id=$client&redirect_uri=$(jq -rn --arg v "$redirect" '$v|@uri')&scope=offline_access&state=bench&prompt=consent"
  for _ in $(seq 10); do
    url=$(curl -sS -o /dev/null -c "$work/jar" -b "$work/jar" -w '%{redirect_url}' "$url")
    [[ $url == "$redirect"* ]] && break
  done
  export AMTOKEN_ISSUER=$AMTOKEN_TEST_ISSUER AMTOKEN_CLIENT_ID=$client AMTOKEN_CLIENT_SECRET=$client-secret
  export AMTOKEN_REDIRECT_URI=$redirect AMTOKEN_STORE=file
  "$amtoken" exchange --code "$url" 2>/dev/null
}

# cached_home DIR: a HOME in DIR whose cache holds the sample token for an hour (client
# bench-client), so that `amtoken token` takes its hot path; exports HOME and the XDG_* dirs.
cached_home() {
  local home=$1 expires
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
}
