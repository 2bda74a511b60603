#!/usr/bin/env bash
# PostgreSQL vs SQLite on this machine: end-to-end email throughput of `accolade worker --drain`
# with 1 and 2 worker processes, and the store's claim+complete latency measured in-process.
# Starts a throw-away PostgreSQL cluster (scripts/postgres-test-cluster.sh) and postfix's smtp-sink
# on 127.0.0.1, builds release, and removes everything afterwards.
#   scripts/bench-postgres.sh [--messages N]        (default 20000)
#   ACCOLADE_SCRATCH=.build-x scripts/bench-postgres.sh   # another SwiftPM scratch folder
#   ACCOLADE_BIN=path/to/release/accolade scripts/bench-postgres.sh   # skip set-up and build
set -euo pipefail
cd "$(dirname "$0")/.."

messages=20000
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) messages=$2; shift 2 ;;
    *) echo "usage: $0 [--messages N]" >&2; exit 2 ;;
  esac
done
scratch=${ACCOLADE_SCRATCH:-.build}

if [ -n "${ACCOLADE_BIN:-}" ]; then
  bin=$ACCOLADE_BIN   # a release binary built elsewhere
else
  [ -n "${ACCOLADE_SKIP_SETUP:-}" ] || scripts/setup.sh
  swift build -c release --product accolade --scratch-path "$scratch" >&2
  bin=$scratch/release/accolade
fi

work=$(mktemp -d /tmp/accolade-bench-pg.XXXXXX)
sink=
pg_dir=
cleanup() {
  [ -n "$sink" ] && kill "$sink" 2>/dev/null || true
  [ -n "$pg_dir" ] && scripts/postgres-test-cluster.sh stop "$pg_dir" || true
  rm -rf "$work"
}
trap cleanup EXIT

eval "$(scripts/postgres-test-cluster.sh start)"
pg_dir=$ACCOLADE_PG_DIR
admin=$ACCOLADE_TEST_POSTGRES_URL

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sink_user=()
[ "$(id -u)" -eq 0 ] && sink_user=(-u nobody)
/usr/sbin/smtp-sink "${sink_user[@]}" 127.0.0.1:"$port" 1000 &
sink=$!
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done
kill -0 "$sink" || { echo "bench-postgres: smtp-sink did not start" >&2; exit 1; }

csv=$work/bulk.csv
/usr/bin/python3 - "$messages" >"$csv" <<'EOF'
import sys
n = int(sys.argv[1])
print("email,name,locale,program,reward.code,reward.expires_on,reward.points:number")
for i in range(n):
    print(f"user{i}@example.com,User {i},{['en','id','es','de'][i % 4]},Kudos,RW-{i:06d},2026-12-31,{100 + i}")
EOF

runs=0
store_line=
store_url=
# A fresh store per run (sets store_line, and store_url for PostgreSQL): a throw-away SQLite
# file or a new database on the cluster.
new_store() {
  runs=$((runs + 1))
  if [ "$1" = sqlite ]; then
    store_line="sqlite: $work/run-$runs.sqlite"
  else
    psql "$admin" -q -c "CREATE DATABASE bench_$runs"
    store_url=${admin%/*}/bench_$runs
    store_line="postgres: \"$store_url\""
  fi
}

write_config() {  # $1 = store line, $2 = file
  cat >"$2" <<EOF
store: { $1 }
templates: templates
log_level: warning
channels:
  email:
    from: "Acme Rewards <rewards@example.com>"
    smtp: { url: "smtp://127.0.0.1:$port", starttls: never, max_connections: 16 }
worker:
  concurrency: 128
  batch_size: 256
  lease: 2m
  poll_interval: 250ms
  shutdown_grace: 10s
  retry: { max_attempts: 8, base_delay: 2s, max_delay: 1h }
EOF
}

now() { date +%s.%N; }
rate() { /usr/bin/python3 -c "import sys; print(round(int(sys.argv[1]) / (float(sys.argv[3]) - float(sys.argv[2]))))" "$@"; }

declare -A result
for backend in sqlite postgres; do
  for workers in 1 2; do
    cfg=$work/$backend-$workers.yml
    new_store "$backend"
    write_config "$store_line" "$cfg"
    t0=$(now)
    "$bin" send reward-earned --csv "$csv" --config "$cfg" --json >/dev/null
    t1=$(now)
    pids=()
    for _ in $(seq "$workers"); do "$bin" worker --drain --config "$cfg" & pids+=($!); done
    for p in "${pids[@]}"; do wait "$p"; done
    t2=$(now)
    sent=$("$bin" stats --config "$cfg" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get("sent", 0))')
    [ "$sent" -eq "$messages" ] || { echo "bench-postgres: $backend/$workers sent $sent of $messages" >&2; exit 1; }
    result[$backend-$workers]=$(rate "$messages" "$t1" "$t2")
    printf '%-8s %d worker(s): enqueue %6s msg/s, deliver %6s msg/s (%d sent)\n' \
      "$backend" "$workers" "$(rate "$messages" "$t0" "$t1")" "${result[$backend-$workers]}" "$sent"
  done
done
ratio=$(/usr/bin/python3 -c "print(round(100 * ${result[postgres-1]} / ${result[sqlite-1]}))")
echo "postgres/sqlite, 1 worker: ${ratio}% (target >= 70%)"
echo

echo "claim+complete latency, batches of 256, in-process (milliseconds):"
cfg=$work/latency.yml
write_config "sqlite: $work/unused.sqlite" "$cfg"
for claimers in 1 2; do
  "$bin" bench --claim-latency --messages "$messages" --claimers "$claimers" --config "$cfg"
  new_store postgres
  "$bin" bench --claim-latency --messages "$messages" --claimers "$claimers" --config "$cfg" --postgres "$store_url"
done
