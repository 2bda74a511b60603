#!/usr/bin/env bash
# HTTP API benchmark: release build, `accolade serve` on a fresh SQLite store (API only, no
# worker, so acceptance is measured alone), then wrk with keep-alive:
#   1. POST /v1/messages        — 64 connections, 10 s: accepted messages/s and latency percentiles
#   2. POST /v1/messages/batch  — 1,000 messages a request, 4 connections, 10 s: messages/s
# Every accepted message is durable (SQLite WAL, synchronous=FULL) before its 202 is sent.
#   scripts/bench-api.sh [--duration 10s] [--connections 64]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/serve-port.sh

duration=10s
connections=64
while (($#)); do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    *) echo "usage: scripts/bench-api.sh [--duration 10s] [--connections 64]" >&2; exit 2 ;;
  esac
done

scripts/setup.sh
swift build -c release --product accolade >&2
bin=$PWD/.build/release/accolade

work=$(mktemp -d)
serve_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/accolade.yml" <<YAML
store: { sqlite: $work/queue.sqlite }
templates: $PWD/templates
log_level: warning
server:
  listen: 127.0.0.1:0
  tokens: [ bench-token ]
channels:
  email:
    from: "Acme Rewards <rewards@example.com>"
    smtp: { url: "smtp://127.0.0.1:9", starttls: never }
YAML

"$bin" serve --config "$work/accolade.yml" --no-worker >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
port=$(serve_port bench-api "$serve_pid" "$work/serve.out" "$work/serve.err") || exit 1

message='{"template":"reward-earned","to":{"email":"ana@example.com","name":"Ana Putri","locale":"id-ID"},"data":{"program":"Kudos Awards","reward":{"voucher":{"amount":50000,"currency":"IDR"},"code":"RW-7Q2K","expires_on":"2026-12-31"}}}'

cat >"$work/single.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-token"
wrk.body = [[$message]]
local accepted, other = 0, 0
function response(status, headers, body)
  if status == 202 then accepted = accepted + 1 else other = other + 1 end
end
LUA

/usr/bin/python3 - "$message" >"$work/batch.json" <<'PY'
import json, sys
m = json.loads(sys.argv[1])
print(json.dumps({"messages": [m] * 1000}))
PY
cat >"$work/batch.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-token"
local f = io.open("$work/batch.json", "r")
wrk.body = f:read("*a")
f:close()
LUA

url="http://127.0.0.1:$port/v1/messages"
# Warm up (page cache, SQLite file growth, JIT-free but allocator warm).
wrk -t1 -c8 -d2s -s "$work/single.lua" "$url" >/dev/null

echo "== POST /v1/messages: $connections connections, $duration =="
wrk -t2 -c"$connections" -d"$duration" --latency -s "$work/single.lua" "$url" | tee "$work/single.txt"
echo
echo "== POST /v1/messages/batch: 1,000 messages a request, 4 connections, $duration =="
wrk -t1 -c4 -d"$duration" --latency -s "$work/batch.lua" "$url/batch" | tee "$work/batch.txt"

single_rps=$(awk '/Requests\/sec/ {print $2}' "$work/single.txt")
single_p99=$(awk '$1 == "99%" {print $2}' "$work/single.txt")
batch_rps=$(awk '/Requests\/sec/ {print $2}' "$work/batch.txt")
non2xx=$(awk '/Non-2xx/ {n += $NF} END {print n + 0}' "$work/single.txt" "$work/batch.txt")
stored=$("$bin" stats --config "$work/accolade.yml" --json | /usr/bin/python3 -c 'import json,sys; print(sum(json.load(sys.stdin).values()))')
echo
echo "== summary =="
printf 'single:  %s accepted messages/s, p99 %s  (target >= 5,000/s, p99 < 20 ms)\n' "$single_rps" "$single_p99"
printf 'batch:   %.0f messages/s  (target >= 30,000/s)\n' "$(/usr/bin/python3 -c "print($batch_rps * 1000)")"
printf 'non-2xx: %s; deliveries stored: %s\n' "${non2xx:-0}" "$stored"
