#!/usr/bin/env bash
# The fleet's cost as it grows (issue 28.2): tests/bench/fleet_cost.py inside tests/services.sh.
# Usage: bash tests/bench/fleet_cost.sh [SECONDS-PER-RUN]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
if [[ -z ${AMTOKEN_TEST_ISSUER:-} ]]; then
  bash tests/run --prepare
  cargo build --locked --quiet
  exec dbus-run-session -- bash tests/services.sh python3 tests/bench/fleet_cost.py "$@"
fi
exec python3 tests/bench/fleet_cost.py "$@"
