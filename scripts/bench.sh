#!/usr/bin/env bash
# Throughput benchmark: release build, postfix's smtp-sink on loopback, then `accolade bench`
# (renders/s, enqueue and delivery rates for 20,000 personalised emails, peak RSS).
#   scripts/bench.sh [--messages N] [--concurrency N] [--connections N]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build -c release --product accolade
bin=.build/release/accolade

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# smtp-sink: accept and discard, 1000-connection backlog. Runs as nobody when root.
sink_user=()
[ "$(id -u)" -eq 0 ] && sink_user=(-u nobody)
/usr/sbin/smtp-sink "${sink_user[@]}" 127.0.0.1:"$port" 1000 &
sink=$!
trap 'kill $sink 2>/dev/null || true' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done
kill -0 $sink || { echo "bench: smtp-sink did not start" >&2; exit 1; }

$bin bench --smtp-url "smtp://127.0.0.1:$port" "$@"
