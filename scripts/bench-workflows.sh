#!/usr/bin/env bash
# Workflow benchmark: release build, loopback only, client and server on the same machine.
# `accolade serve` processes one after the other, each on a fresh SQLite store with the inbox
# channel (no network: what is measured is Accolade) and one 2-step workflow (send on the inbox,
# then wait for read): accept once, then ROUNDS rounds of plain and workflow, the order swapped
# every other round (plain first in odd rounds) so that drift in the machine's load falls on both:
#   accept   — serve --no-worker: N events through POST /v1/events in batches of 1,000 recipients:
#              events/s accepted (target >= 20,000/s); plain POST /v1/messages/batch for comparison
#   plain    — serve: N plain messages through POST /v1/messages/batch until every delivery is sent
#   workflow — serve: N events through POST /v1/events until every delivery the runs made is sent;
#              the workflow engine's overhead on delivery throughput = 1 − workflow/plain (target <= 20 %)
# Each round prints its overhead; the last line gives the overhead of the median workflow rate
# against the median plain rate, and the median of the rounds' overheads. The plain phase alone
# moves by ±12 % between runs on a shared machine, so one round says little.
#   scripts/bench-workflows.sh [--events 100000] [--batch 1000] [--connections 4] [--rounds 3] [--short] [--no-build | --bin PATH]
# --short: 10,000 events and 1 round (unless --rounds is given).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/serve-port.sh

usage="usage: scripts/bench-workflows.sh [--events N] [--batch N] [--connections N] [--rounds N] [--short] [--no-build | --bin PATH]"
events=100000
batch=1000
connections=4
rounds=""
short=0
build=1
bin=""
while (($#)); do
  case "$1" in
    --events) events=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --short) events=10000; short=1; shift ;;
    --no-build) build=0; shift ;;
    --bin) bin=$2; build=0; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
if [ -z "$rounds" ]; then
  if ((short)); then rounds=1; else rounds=3; fi
fi
if ! [[ "$rounds" =~ ^[1-9][0-9]*$ ]]; then
  echo "bench-workflows: --rounds takes a whole number of at least 1, not '$rounds'" >&2
  exit 2
fi

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

# client DIR [ARGS]: the client for the phase DIR names (accept, plain-ROUND, workflow-ROUND).
client() {
  local dir=$1; shift
  /usr/bin/python3 scripts/bench-workflows.py --phase "${dir%%-*}" --base-url "http://127.0.0.1:$port" --token bench-token \
    --bin "$bin" --config "$work/$dir/accolade.yml" --events "$events" --batch "$batch" --connections "$connections" "$@"
}

echo "bench-workflows: $events events, batches of $batch recipients, $connections connections, $rounds round(s); SQLite; $(nproc) cores shared by server and client"
start_serve accept --no-worker
client accept
stop_serve

# plain_phase ROUND / workflow_phase ROUND: one phase on a fresh store; the rate goes to
# $work/plain-ROUND.rate or $work/workflow-ROUND.rate, the runs left waiting to $work/workflow-ROUND.runs.
plain_phase() {
  start_serve "plain-$1"
  client "plain-$1" --result "$work/plain-$1.rate"
  stop_serve
}
workflow_phase() {
  start_serve "workflow-$1"
  client "workflow-$1" --result "$work/workflow-$1.rate"
  "$bin" runs list --config "$work/workflow-$1/accolade.yml" --state scheduled --limit 1000 --json \
    | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' >"$work/workflow-$1.runs"
  stop_serve
}

for ((round = 1; round <= rounds; round++)); do
  ((rounds > 1)) && echo "round $round of $rounds"
  if ((round % 2)); then
    plain_phase "$round"; workflow_phase "$round"
  else
    workflow_phase "$round"; plain_phase "$round"
  fi
done

/usr/bin/python3 - "$work" "$rounds" <<'PY'
import statistics
import sys
work, rounds = sys.argv[1], int(sys.argv[2])
read = lambda name: open("%s/%s" % (work, name)).read().strip()
plain = [float(read("plain-%d.rate" % r)) for r in range(1, rounds + 1)]
flow = [float(read("workflow-%d.rate" % r)) for r in range(1, rounds + 1)]
runs = [read("workflow-%d.runs" % r) for r in range(1, rounds + 1)]
ratios = [(1 - f / p) * 100 for f, p in zip(flow, plain)]
if rounds > 1:
    for r, (p, f, o) in enumerate(zip(plain, flow, ratios), 1):
        print("round %d: plain %.0f deliveries/s, workflow %.0f deliveries/s: overhead %.1f %%" % (r, p, f, o))
plain_median, flow_median = statistics.median(plain), statistics.median(flow)
overhead = (1 - flow_median / plain_median) * 100
median_note = "" if rounds == 1 else "; median of the %d rounds' overheads %.1f %%" % (rounds, statistics.median(ratios))
rates_note = "" if rounds == 1 else "medians of %d rounds: " % rounds
print("overhead of the workflow engine on delivery throughput: %.1f %% (%s%.0f vs %.0f deliveries/s; target <= 20 %%)%s; "
      "runs waiting at step 2 (first 1,000 listed): %s" % (overhead, rates_note, flow_median, plain_median, median_note, "/".join(runs)))
PY
