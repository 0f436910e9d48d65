#!/usr/bin/env bash
# The peak memory of a 10,000-item `amtoken api --paginate` walk (100 pages of 100 items, about
# 2.6 MB of JSON) against the API stand-in, as an array and as JSON lines, next to the peak of a
# single-page call: memory is bounded by one page, not by the walk.
# Usage: bash tests/bench/paginate.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/tests/bench/common.sh"
with_services "${BASH_SOURCE[0]}"
[[ -x /usr/bin/time ]] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
provider_login amtoken-api
export AMTOKEN_API_URL=$AMTOKEN_TEST_API_URL
# row LABEL ARGS...: one table row — the items printed, the output size, the peak memory.
row() {
  local label=$1 peak items
  shift
  peak=$(/usr/bin/time -f '%M' "$amtoken" api "$@" 2>&1 >"$work/out" | tail -1)
  if [[ $* == *--jsonl* ]]; then items=$(wc -l <"$work/out"); else items=$(jq 'if type == "array" then length else (.payload | length) end' "$work/out"); fi
  echo "| $label | $items | $(($(stat -c %s "$work/out") / 1024)) KiB | $peak KiB |"
}
echo "| walk | items | output | peak memory |"
echo "| --- | --- | --- | --- |"
row "one page" "many?total=100&limit=100"
row "--paginate (array)" --paginate "many?total=10000&limit=100"
row "--paginate --jsonl" --paginate --jsonl "many?total=10000&limit=100"
