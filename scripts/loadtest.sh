#!/usr/bin/env bash
# Load-tests the real hookflow server with wrk through the benchmark kit's
# run.sh, next to a reference measured in the same run (the machine is shared
# and noisy: only ratios from one run mean anything).
#
#   WORKLOAD=order  (default) the "order webhook" flow of the kit
#                   (workload/flow.json), next to the bare net/http ceiling
#                   and the hand-written echo handler of the kit's baseline/
#   WORKLOAD=items  a flow storing every request's order as an item, next to
#                   a bare GORM insert loop (BenchmarkBareInsertOnePerTx in
#                   storage/items_bench_test.go: one row per transaction on
#                   the store's write connection and settings), run before
#                   and after the wrk rounds
#
#   BENCH_DIR       the benchmark kit (default ../shared/bench)
#   ACCOUNTABILITY  run logging of the uploaded flow: all (default), activity, null
#   ROUNDS, DURATION, CONNS, …  passed through to run.sh
#
# Needs wrk and jq (apt-get install -y wrk jq).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR="$(cd "${BENCH_DIR:-../shared/bench}" && pwd)"
WORKLOAD="${WORKLOAD:-order}"
ACCOUNTABILITY="${ACCOUNTABILITY:-all}"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

api() { curl -fs "http://127.0.0.1:8055$1" -H 'Authorization: Bearer loadtest' "${@:2}"; }

# bare_rows_per_s runs the bare insert loop and prints rows per second.
bare_rows_per_s() {
  (cd storage && "$work/storage.test" -test.run '^$' -test.bench 'BareInsertOnePerTx$' -test.benchtime 20000x) |
    awk '/^BenchmarkBareInsertOnePerTx/ { printf "%.0f\n", 1e9 / $3 }'
}

echo ">> building hookflow" >&2
go build -o "$work/hookflow" ./cmd/hookflow
case "$WORKLOAD" in
order)
  (cd "$BENCH_DIR/baseline" && go build -o "$work/ceiling" ./cmd/ceiling && go build -o "$work/echohandler" ./cmd/echohandler)
  "$work/ceiling" >/dev/null 2>&1 & pids+=($!)
  "$work/echohandler" >/dev/null 2>&1 & pids+=($!)
  flow="$(cat "$BENCH_DIR/workload/flow.json")"
  ;;
items)
  go test -c -o "$work/storage.test" ./storage
  bare_before="$(bare_rows_per_s)"
  echo ">> bare GORM insert loop: $bare_before rows/s" >&2
  flow="$(cat flows/testdata/bench_item_create.json)"
  ;;
*) echo "WORKLOAD must be order or items" >&2; exit 2 ;;
esac

ADMIN_TOKEN=loadtest HOST=127.0.0.1 PORT=8055 DB_FILENAME="$work/data/hookflow.db" LOG_LEVEL=error \
  "$work/hookflow" >"$work/hookflow.log" 2>&1 & pids+=($!)
hookflow_pid=$!
for _ in $(seq 1 100); do curl -fs http://127.0.0.1:8055/server/ping >/dev/null && break; sleep 0.1; done

flow="$(jq --arg acc "$ACCOUNTABILITY" '.accountability = (if $acc == "null" then null else $acc end)' <<<"$flow")"
id="$(api /flows -X POST -H 'Content-Type: application/json' --data-binary "$flow" | jq -r .data.id)"
echo ">> $WORKLOAD flow $id (accountability: $ACCOUNTABILITY)" >&2
url="http://127.0.0.1:8055/flows/trigger/$id"

if [ "$WORKLOAD" = order ]; then
  PID_HOOKFLOW="$hookflow_pid" TARGET_HOOKFLOW="$url" OUTDIR="${OUTDIR:-$work/results}" "$BENCH_DIR/run.sh"
  exit
fi
# The answers are the stored items, not the order workload's: run.sh's check is skipped.
TARGET_CEILING= TARGET_ECHO= SKIP_CHECK=1 PID_ITEMS="$hookflow_pid" TARGET_ITEMS="$url" \
  OUTDIR="${OUTDIR:-$work/results}" "$BENCH_DIR/run.sh"
echo ">> items stored: $(api '/items/orders?aggregate%5Bcount%5D=*' | jq -c .data)"
kill "$hookflow_pid"
echo ">> bare GORM insert loop: $bare_before rows/s before the wrk rounds, $(bare_rows_per_s) after"
