#!/usr/bin/env bash
# The pipelined half of bench-sms.sh and bench-whatsapp.sh, as a dispatcher runs in production:
# a fresh SQLite queue, `accolade worker` already running while `accolade send --csv` queues
# the rows; timed from the first row read until the last delivery is recorded as sent.
#   scripts/bench-pipelined.sh BIN CONFIG CSV CHANNEL COUNT
# CONFIG must use `sqlite: …/accolade.sqlite`; a copy pointing at pipelined.sqlite beside it is used.
set -euo pipefail
bin=$1 config=$2 csv=$3 channel=$4 messages=$5
dir=$(dirname "$config")
sed "s|sqlite: .*accolade.sqlite|sqlite: $dir/pipelined.sqlite|" "$config" >"$dir/pipelined.yml"
"$bin" migrate --config "$dir/pipelined.yml" >/dev/null
"$bin" worker --config "$dir/pipelined.yml" &
worker_pid=$!
trap 'kill -TERM "$worker_pid" 2>/dev/null || true' EXIT
now() { date +%s.%N; }
t0=$(now)
# One poller reading the queue every 20 ms (spawning `accolade stats` that often would compete
# for the CPU being measured); it prints the time the last delivery was recorded as sent.
/usr/bin/python3 - "$dir/pipelined.sqlite" "$messages" >"$dir/piped" <<'PY' &
import sqlite3, sys, time
path, n = sys.argv[1], int(sys.argv[2])
deadline = time.time() + 60
db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
sent = 0
while time.time() < deadline:
    sent = db.execute("SELECT count(*) FROM deliveries WHERE state = 'sent'").fetchone()[0]
    if sent >= n:
        break
    time.sleep(0.02)
print(sent, f"{time.time():.6f}")
PY
poller_pid=$!
"$bin" send reward-earned --csv "$csv" --channels "$channel" --config "$dir/pipelined.yml" >/dev/null
t1=$(now)
wait "$poller_pid"
read -r sent t2 <"$dir/piped"
kill -TERM "$worker_pid" 2>/dev/null || true
wait "$worker_pid" 2>/dev/null || true
/usr/bin/python3 - "$messages" "$t0" "$t1" "$t2" "$sent" <<'PY'
import sys
n, t0, t1, t2, sent = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
print(f"pipelined:  {sent} sent with the worker running during send --csv: queued in {t1 - t0:.2f} s, "
      f"last sent at {t2 - t0:.2f} s → {n / (t2 - t0):.0f} deliveries/s end to end")
PY
[ "$sent" = "$messages" ] || { echo "bench-pipelined: sent $sent of $messages" >&2; exit 1; }
