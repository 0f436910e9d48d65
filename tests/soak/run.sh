#!/usr/bin/env bash
# The soak run (issue 28): `serve`, `exec` and a fleet against the provider and OpenBao while a
# schedule injects faults (tests/soak/soak.py says which, and what fails the run).
# Usage: bash tests/soak/run.sh [MINUTES]   (default 2, what `bash tests/run` runs; the long
# run of docs/RELIABILITY.md is 30)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
minutes=${1:-2}
cd "$root"
if [[ -z ${AMTOKEN_TEST_ISSUER:-} ]]; then
  bash tests/run --prepare
  cargo build --locked --quiet
  exec dbus-run-session -- bash tests/services.sh python3 tests/soak/soak.py "$minutes"
fi
cargo build --locked --quiet
exec python3 tests/soak/soak.py "$minutes"
