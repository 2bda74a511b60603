#!/usr/bin/env bash
# In-app inbox benchmark: release build, ONE `accolade serve` (API + worker) on a fresh SQLite
# store, loopback only; client and server share the machine. scripts/bench-inbox.py then measures:
#   1. GET /v1/inbox/items with wrk (a different recipient's token per request, 20-item pages):
#      req/s, items/s, latency, server CPU a request             (target >= 10,000 req/s)
#      and GET /healthz right after as a yardstick for how busy the shared machine was
#   2. N concurrent SSE clients on GET /v1/inbox/stream, connected in waves: server RSS before and
#      with them, per-stream memory, server CPU while they sit idle (target < 200 MB RSS)
#   3. M rewards (POST /v1/messages, channels [inbox], to.id = a random client's recipient) at a
#      steady rate: p50/p99/max from each 202 to its `item` event at the client (target: within
#      1 s of durable), and every event checked — none lost, none doubled, per-recipient
#      sequences 1, 2, 3 … without gaps, the last `counts` event agreeing.
#   scripts/bench-inbox.sh [--clients 5000] [--rewards 1000] [--rate 200] [--feed-duration 10s]
#                          [--feed-connections 64] [--idle-seconds 15] [--deadline 600] [--short]
# --short: 500 clients, 100 rewards, 3 s of wrk, 3 s idle — finishes in under a minute once built.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/serve-port.sh

usage="usage: scripts/bench-inbox.sh [--clients N] [--rewards N] [--rate PER_S] [--feed-duration 10s] [--feed-connections N] [--idle-seconds S] [--deadline S] [--short] [--no-build | --bin PATH]"
clients=5000
rewards=1000
rate=200
feed_duration=10s
feed_connections=64
idle_seconds=15
deadline=600
build=1
bin=""
while (($#)); do
  case "$1" in
    --clients) clients=$2; shift 2 ;;
    --rewards) rewards=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --feed-duration) feed_duration=$2; shift 2 ;;
    --feed-connections) feed_connections=$2; shift 2 ;;
    --idle-seconds) idle_seconds=$2; shift 2 ;;
    --deadline) deadline=$2; shift 2 ;;
    --short) clients=500; rewards=100; feed_duration=3s; idle_seconds=3; deadline=60; shift ;;
    --no-build) build=0; shift ;;
    --bin) bin=$2; build=0; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done

if ((build)); then
  scripts/setup.sh
  swift build -c release --product accolade >&2
fi
bin=${bin:-$PWD/.build/release/accolade}

# One file descriptor per stream on each side: raise the soft limit (inherited by the server and
# the client) as far as the hard limit allows, and say so when that is not enough.
need=$((clients + 1024))
if (($(ulimit -Sn) < need)); then
  ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
fi
if (($(ulimit -Sn) < need)); then
  echo "bench-inbox: open files limited to $(ulimit -Sn) (hard $(ulimit -Hn)); $clients clients need about $need — expect refused connections" >&2
fi

work=$(mktemp -d)
serve_pid=""
client_pid=""
cleanup() {
  [ -n "$client_pid" ] && kill "$client_pid" 2>/dev/null && wait "$client_pid" 2>/dev/null
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
max_streams=$((clients + 1000 > 6000 ? clients + 1000 : 6000))
cat >"$work/accolade.yml" <<YAML
store: { sqlite: $work/queue.sqlite }
templates: $PWD/templates
log_level: warning
server:
  listen: 127.0.0.1:0
  tokens: [ bench-token ]
channels:
  inbox:
    signing_secret: "$secret"
    max_streams: $max_streams
YAML

"$bin" serve --config "$work/accolade.yml" >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
port=$(serve_port bench-inbox "$serve_pid" "$work/serve.out" "$work/serve.err") || exit 1
echo "accolade serve pid $serve_pid on 127.0.0.1:$port (SQLite, worker on, max_streams $max_streams; open files $(ulimit -Sn)); $(nproc) cores shared by server and client"

status=0
timeout --kill-after=10 "$deadline" /usr/bin/python3 scripts/bench-inbox.py \
  --base-url "http://127.0.0.1:$port" --api-token bench-token --secret "$secret" \
  --server-pid "$serve_pid" --work "$work" --clients "$clients" --rewards "$rewards" --rate "$rate" \
  --feed-duration "$feed_duration" --feed-connections "$feed_connections" \
  --idle-seconds "$idle_seconds" --deadline "$deadline" &
client_pid=$!
wait "$client_pid" || status=$?
client_pid=""
if [ -s "$work/serve.err" ]; then
  echo "-- server stderr (last lines) --" >&2
  tail -5 "$work/serve.err" >&2
fi
exit "$status"
