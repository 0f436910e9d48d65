#!/usr/bin/env bash
# Randomised SIGKILL points against the real provider (rotation on): `amtoken refresh` and
# `amtoken token` killed at a random moment of their first 40 ms, then the next refresh must
# work. Prints how many kill points left the profile needing a new login, apart from those in
# the lost-response window (the provider issued a token, the process died before storing it).
# Usage: bash tests/stress/kill-points.sh [POINTS]   (default 250; tests/run installs what it needs)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export AMTOKEN_KILL_POINTS=${1:-250}
bash tests/run --prepare
exec dbus-run-session -- bash tests/services.sh \
  cargo test --locked --release --test cli randomised_kill_points -- --ignored --nocapture
