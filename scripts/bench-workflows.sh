#!/usr/bin/env bash
# Workflow benchmark: release build, loopback only, client and server on the same machine.
# Three `accolade serve` processes one after the other, each on a fresh SQLite store with the inbox
# channel (no network: what is measured is Accolade) and one 2-step workflow (send on the inbox,
# then wait for read):
#   accept   — serve --no-worker: N events through POST /v1/events in batches of 1,000 recipients:
#              events/s accepted (target >= 20,000/s); plain POST /v1/messages/batch for comparison
#   plain    — serve: N plain messages through POST /v1/messages/batch until every delivery is sent
#   workflow — serve: N events through POST /v1/events until every delivery the runs made is sent;
#              the workflow engine's overhead on delivery throughput = 1 − workflow/plain (target <= 20 %)
#   scripts/bench-workflows.sh [--events 100000] [--batch 1000] [--connections 4] [--short] [--no-build | --bin PATH]
# --short: 10,000 events.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/serve-port.sh

usage="usage: scripts/bench-workflows.sh [--events N] [--batch N] [--connections N] [--short] [--no-build | --bin PATH]"
events=100000
batch=1000
connections=4
build=1
bin=""
while (($#)); do
  case "$1" in
    --events) events=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --short) events=10000; shift ;;
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

work=$(mktemp -d)
serve_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n')

# start_serve PHASE [--no-worker]: a fresh store and workflows folder for PHASE, serve started,
# sets serve_pid and port.
start_serve() {
  local phase=$1; shift
  mkdir -p "$work/$phase/workflows"
  cat >"$work/$phase/accolade.yml" <<YAML
store: { sqlite: $work/$phase/queue.sqlite }
templates: $PWD/templates
log_level: warning
server:
  listen: 127.0.0.1:0
  tokens: [ bench-token ]
  max_body_kib: 4096
channels:
  inbox:
    signing_secret: "$secret"
worker:
  concurrency: 256
  batch_size: 512
YAML
  cat >"$work/$phase/workflows/bench.yml" <<YAML
name: bench-reward
on: bench.reward
steps:
  - send: { template: reward-earned, channels: [inbox] }
  - wait: { for: read, within: 24h }
YAML
  "$bin" serve --config "$work/$phase/accolade.yml" "$@" >"$work/$phase/serve.out" 2>"$work/$phase/serve.err" &
  serve_pid=$!
  port=$(serve_port bench-workflows "$serve_pid" "$work/$phase/serve.out" "$work/$phase/serve.err") || exit 1
}

stop_serve() {
  kill "$serve_pid" 2>/dev/null || true
  wait "$serve_pid" 2>/dev/null || true
  serve_pid=""
}

client() {
  local phase=$1; shift
  /usr/bin/python3 scripts/bench-workflows.py --phase "$phase" --base-url "http://127.0.0.1:$port" --token bench-token \
    --bin "$bin" --config "$work/$phase/accolade.yml" --events "$events" --batch "$batch" --connections "$connections" "$@"
}

echo "bench-workflows: $events events, batches of $batch recipients, $connections connections; SQLite; $(nproc) cores shared by server and client"
start_serve accept --no-worker
client accept
stop_serve

start_serve plain
client plain --result "$work/plain.rate"
stop_serve

start_serve workflow
client workflow --result "$work/workflow.rate"
runs=$("$bin" runs list --config "$work/workflow/accolade.yml" --state scheduled --limit 1000 --json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
stop_serve

/usr/bin/python3 - "$work/plain.rate" "$work/workflow.rate" "$runs" <<'PY'
import sys
plain = float(open(sys.argv[1]).read())
flow = float(open(sys.argv[2]).read())
overhead = (1 - flow / plain) * 100
print("overhead of the workflow engine on delivery throughput: %.1f %% (%.0f vs %.0f deliveries/s; target <= 20 %%); "
      "runs waiting at step 2 (first 1,000 listed): %s" % (overhead, flow, plain, sys.argv[3]))
PY
