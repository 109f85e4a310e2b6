#!/usr/bin/env bash
# Load-tests the order-webhook flow (the benchmark kit's workload/flow.json,
# run logging on) on SQLite, on PostgreSQL with one server, and on
# PostgreSQL with two servers sharing the database, next to the kit's
# baselines, in one run of the kit's run.sh (rounds interleaved).
#
# Server CPU counts every process that serves: for SQLite the server, for
# PostgreSQL both hookflow servers and the whole PostgreSQL cluster (its
# postmaster and every backend), so requests per server CPU-second compare
# what each setup costs the machine. The "pg2" target sends half of wrk's
# connections to each server (wrk.lookup in setup()); "pg1" sends all to
# one while the other runs idle.
#
#   BENCH_DIR  the benchmark kit (default ../shared/bench)
#   PG_PORT    port of the throwaway PostgreSQL cluster (default 55439);
#              PostgreSQL's binaries are taken from /usr/lib/postgresql
#   PG_SYNC    synchronous_commit of the cluster (default on; fsync is on)
#   PORT_BASE  the servers listen on PORT_BASE (SQLite), +1 and +2 (the two
#              on PostgreSQL), the baselines on +3 (ceiling) and +4 (echo);
#              default 18255, away from other load tests' ports
#   ROUNDS, DURATION, CONNS, …  passed through to run.sh
#
# Needs wrk, jq and PostgreSQL's server binaries; run as root (the cluster
# runs as the postgres user) or as a user that may run initdb.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR="$(cd "${BENCH_DIR:-../shared/bench}" && pwd)"
PG_PORT="${PG_PORT:-55439}"
PG_SYNC="${PG_SYNC:-on}"
PORT_BASE="${PORT_BASE:-18255}"
p_sqlite=$PORT_BASE p_a=$((PORT_BASE + 1)) p_b=$((PORT_BASE + 2)) p_ceiling=$((PORT_BASE + 3)) p_echo=$((PORT_BASE + 4))
OUTDIR="${OUTDIR:-${TMPDIR:-/tmp}/hookflow-loadtest-$(date -u +%Y%m%dT%H%M%SZ)}"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
work="$(mktemp -d)"
chmod 755 "$work"
pids=()
as_postgres() { "$@"; }
if [ "$(id -u)" = 0 ]; then as_postgres() { runuser -u postgres -- "$@"; }; fi
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  mkdir -p "$OUTDIR" && cp "$work"/*.log "$OUTDIR/" 2>/dev/null || true
  as_postgres "$PG_BIN/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo ">> building hookflow and the baselines" >&2
go build -o "$work/hookflow" ./cmd/hookflow
(cd "$BENCH_DIR/baseline" && go build -o "$work/ceiling" ./cmd/ceiling && go build -o "$work/echohandler" ./cmd/echohandler)
"$work/ceiling" -addr "127.0.0.1:$p_ceiling" >"$work/ceiling.log" 2>&1 & pids+=($!)
"$work/echohandler" -addr "127.0.0.1:$p_echo" >"$work/echohandler.log" 2>&1 & pids+=($!)

echo ">> PostgreSQL cluster on 127.0.0.1:$PG_PORT (fsync on, synchronous_commit $PG_SYNC)" >&2
mkdir -p "$work/pgsock" "$work/pg"
touch "$work/pg.log"
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$work/pgsock" "$work/pg" "$work/pg.log"; fi
as_postgres "$PG_BIN/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C >/dev/null
as_postgres "$PG_BIN/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $work/pgsock -c synchronous_commit=$PG_SYNC" start >/dev/null ||
  { echo "PostgreSQL did not start on port $PG_PORT (PG_PORT chooses another): $(tail -n 3 "$work/pg.log")" >&2; exit 1; }
postmaster="$(head -n 1 "$work/pg/postmaster.pid")"
dsn="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"

start() { # port, then environment
  local port="$1"; shift
  env ADMIN_TOKEN=loadtest HOST=127.0.0.1 PORT="$port" LOG_LEVEL=error "$@" "$work/hookflow" \
    >"$work/hookflow-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/server/ping" >/dev/null && return; sleep 0.1; done
  echo "hookflow on $port did not start: $(cat "$work/hookflow-$port.log")" >&2; exit 1
}
upload() { # port -> flow id; run logging on (accountability "all")
  jq '.accountability = "all"' "$BENCH_DIR/workload/flow.json" |
    curl -fs "http://127.0.0.1:$1/flows" -H 'Authorization: Bearer loadtest' -H 'Content-Type: application/json' \
      --data-binary @- | jq -r .data.id
}

start "$p_sqlite" DB_FILENAME="$work/data/hookflow.db"
sqlite_pid="${pids[-1]}"
pg_env=(DB_CLIENT=postgres DB_CONNECTION_STRING="$dsn" SECRET_KEY="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')")
start "$p_a" "${pg_env[@]}" DB_FILENAME="$work/a/hookflow.db"
pg_a="${pids[-1]}"
start "$p_b" "${pg_env[@]}" DB_FILENAME="$work/b/hookflow.db"
pg_b="${pids[-1]}"
sqlite_flow="$(upload "$p_sqlite")"
pg_flow="$(upload "$p_a")"
# The second server hears of the flow (a notification) and answers it.
for _ in $(seq 1 50); do
  curl -fs "http://127.0.0.1:$p_b/flows/trigger/$pg_flow" -H 'Content-Type: application/json' \
    --data-binary @"$BENCH_DIR/workload/body-pass.json" >/dev/null && break
  sleep 0.1
done

# The kit's wrk script, and for URLs holding both=<port> every second
# thread sent to that port instead.
cat >"$work/split.lua" <<EOF
dofile("$BENCH_DIR/workload/post.lua")
local threads = 0
function setup(thread)
  threads = threads + 1
  local other = string.match(wrk.path, "both=(%d+)")
  if other and threads % 2 == 0 then
    thread.addr = wrk.lookup(wrk.host, other)[1]
  end
end
EOF

LUA="$work/split.lua" OUTDIR="$OUTDIR" \
  TARGET_CEILING="http://127.0.0.1:$p_ceiling/flow" TARGET_ECHO="http://127.0.0.1:$p_echo/flow" \
  TARGET_SQLITE="http://127.0.0.1:$p_sqlite/flows/trigger/$sqlite_flow" PID_SQLITE="$sqlite_pid" \
  TARGET_PG1="http://127.0.0.1:$p_a/flows/trigger/$pg_flow" PID_PG1="$pg_a $pg_b $postmaster" \
  TARGET_PG2="http://127.0.0.1:$p_a/flows/trigger/$pg_flow?both=$p_b" PID_PG2="$pg_a $pg_b $postmaster" \
  "$BENCH_DIR/run.sh"

# Each server's share of the runs (the sync runs it answered, all targets):
# that the two-server target reached both.
for port in "$p_a" "$p_b"; do
  n="$(curl -fs "http://127.0.0.1:$port/metrics" -H 'Authorization: Bearer loadtest' |
    awk '/^hookflow_runs_total/ { s += $NF } END { printf "%.0f", s }')"
  echo ">> PostgreSQL server on $port ran $n runs" >&2
done
