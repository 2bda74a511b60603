#!/usr/bin/env bash
# The pipelined half of bench-sms.sh and bench-whatsapp.sh, the way a dispatcher runs in
# production: one `accolade serve` (HTTP API + worker in one process, fresh SQLite queue) takes the
# rows over POST /v1/messages/batch (1,000 per request, one keep-alive connection) while its
# worker delivers them; timed from the first request until the last delivery is recorded as sent.
#   scripts/bench-pipelined.sh BIN CONFIG CSV CHANNEL COUNT
# CONFIG must use `sqlite: …/accolade.sqlite`; a copy beside it uses pipelined.sqlite and a port.
set -euo pipefail
bin=$1 config=$2 csv=$3 channel=$4 messages=$5
dir=$(dirname "$config")
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed "s|sqlite: .*accolade.sqlite|sqlite: $dir/pipelined.sqlite|" "$config" >"$dir/pipelined.yml"
printf 'server:\n  listen: 127.0.0.1:%s\n  public_url: http://127.0.0.1:%s\n' "$port" "$port" >>"$dir/pipelined.yml"

# The CSV rows as batch bodies (the same messages `send --csv` would queue).
mkdir -p "$dir/batches"
/usr/bin/python3 - "$csv" "$channel" "$dir/batches" <<'PY'
import csv, json, sys
path, channel, out = sys.argv[1], sys.argv[2], sys.argv[3]
to_keys = {"email", "phone", "whatsapp", "name", "locale"}
messages = []
with open(path, newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        to, data = {}, {}
        for key, value in row.items():
            if key in to_keys:
                to[key] = value
                continue
            name, _, kind = key.partition(":")
            node, parts = data, name.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = int(value) if kind == "number" else value
        messages.append({"template": "reward-earned", "to": to, "channels": [channel], "data": data})
for n, start in enumerate(range(0, len(messages), 1000)):
    with open(f"{out}/{n:04d}.json", "w", encoding="utf-8") as f:
        json.dump({"messages": messages[start:start + 1000]}, f, ensure_ascii=False)
PY

"$bin" serve --config "$dir/pipelined.yml" >"$dir/serve.out" 2>"$dir/serve.err" &
serve_pid=$!
trap 'kill -TERM "$serve_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening on" "$dir/serve.out" 2>/dev/null && break; sleep 0.1; done
grep -q "listening on" "$dir/serve.out" || { echo "bench-pipelined: accolade serve did not start" >&2; cat "$dir/serve.err" >&2; exit 1; }

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
args=()
for body in "$dir"/batches/*.json; do
  args+=(--next -sS -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' --data-binary "@$body"
         "http://127.0.0.1:$port/v1/messages/batch")
done
codes=$(curl "${args[@]:1}")
t1=$(now)
wait "$poller_pid"
read -r sent t2 <"$dir/piped"
kill -TERM "$serve_pid" 2>/dev/null || true
wait "$serve_pid" 2>/dev/null || true
[ -z "$(echo "$codes" | grep -v '^202$' || true)" ] || { echo "bench-pipelined: a batch was not accepted: $codes" >&2; exit 1; }
/usr/bin/python3 - "$messages" "$t0" "$t1" "$t2" "$sent" <<'PY'
import sys
n, t0, t1, t2, sent = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
print(f"pipelined:  {sent} sent by accolade serve while its API took the batches: all accepted at {t1 - t0:.2f} s, "
      f"last sent at {t2 - t0:.2f} s → {n / (t2 - t0):.0f} deliveries/s end to end")
PY
[ "$sent" = "$messages" ] || { echo "bench-pipelined: sent $sent of $messages" >&2; exit 1; }
