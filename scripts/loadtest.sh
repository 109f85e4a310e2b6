#!/usr/bin/env bash
# Load-tests the real hookflow server on the "order webhook" workload next to
# the bare net/http ceiling and the hand-written echo handler, in one run
# (the machine is shared and noisy: only ratios from one run mean anything).
#
#   BENCH_DIR   the benchmark kit (default ../shared/bench): run.sh, check.sh,
#               workload/, baseline/
#   ROUNDS, DURATION, CONNS, …  passed through to run.sh
#   ACCOUNTABILITY  run logging of the uploaded flow: all (default), activity, null
#
# Needs wrk and jq (apt-get install -y wrk jq).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR="$(cd "${BENCH_DIR:-../shared/bench}" && pwd)"
ACCOUNTABILITY="${ACCOUNTABILITY:-all}"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

echo ">> building hookflow and the baselines" >&2
go build -o "$work/hookflow" ./cmd/hookflow
(cd "$BENCH_DIR/baseline" && go build -o "$work/ceiling" ./cmd/ceiling && go build -o "$work/echohandler" ./cmd/echohandler)

"$work/ceiling" >/dev/null 2>&1 & pids+=($!)
"$work/echohandler" >/dev/null 2>&1 & pids+=($!)
ADMIN_TOKEN=loadtest HOST=127.0.0.1 PORT=8055 DB_FILENAME="$work/data/hookflow.db" LOG_LEVEL=error \
  "$work/hookflow" >"$work/hookflow.log" 2>&1 & pids+=($!)
hookflow_pid=$!
for _ in $(seq 1 100); do curl -fs http://127.0.0.1:8055/server/ping >/dev/null && break; sleep 0.1; done

flow="$(jq --arg acc "$ACCOUNTABILITY" 'if $acc == "null" then .accountability = null else .accountability = $acc end' "$BENCH_DIR/workload/flow.json")"
id="$(curl -fs -X POST http://127.0.0.1:8055/flows -H 'Authorization: Bearer loadtest' \
  -H 'Content-Type: application/json' --data-binary "$flow" | jq -r .data.id)"
echo ">> flow $id (accountability: $ACCOUNTABILITY)" >&2

PID_HOOKFLOW="$hookflow_pid" TARGET_HOOKFLOW="http://127.0.0.1:8055/flows/trigger/$id" \
  OUTDIR="${OUTDIR:-$work/results}" "$BENCH_DIR/run.sh"
