#!/usr/bin/env bash
# SMS and WhatsApp throughput benchmark, end to end through the real CLI (release build), for
# scripts/bench-sms.sh and scripts/bench-whatsapp.sh:
#   1. nginx on 127.0.0.1 stands in for the provider: Twilio (every POST answers 201 with a
#      Twilio-shaped body) or the Graph API (200 with a Graph-shaped body and a wamid);
#   2. `accolade send reward-earned --csv --channels CHANNEL` queues N personalised messages
#      (SQLite store; WhatsApp through the approved-template mapping in reward-earned's manifest);
#   3. `accolade worker --drain` delivers them (libcurl multi, keep-alive) and exits when nothing
#      is left;
#   4. pipelined (scripts/bench-pipelined.sh), as in production: `accolade serve` takes the same
#      rows on POST /v1/messages/batch while its worker delivers them.
# Prints enqueue, delivery, end-to-end and pipelined rates (deliveries/s); target ≥ 5,000/s.
# channels.whatsapp.rate_per_second is raised for the sink (Meta's default is 80/s per number).
#
#   scripts/bench-messaging.sh sms|whatsapp [--messages N] [--concurrency N]
# ACCOLADE_BUILD_PATH picks the SwiftPM scratch folder (default .build); ACCOLADE_BENCH_SKIP_BUILD=1
# reuses the release binary already there.
set -euo pipefail
cd "$(dirname "$0")/.."

channel=${1:-}
case "$channel" in
  sms) label="SMS"; via="via Twilio provider"; address=phone ;;
  whatsapp) label="WhatsApp templates"; via="via the WhatsApp channel"; address=whatsapp ;;
  *) echo "usage: $0 sms|whatsapp [--messages N] [--concurrency N]" >&2; exit 2 ;;
esac
shift
messages=20000
concurrency=128
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) messages=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    *) echo "usage: $0 [--messages N] [--concurrency N]" >&2; exit 2 ;;
  esac
done

[ -x /usr/sbin/nginx ] || { echo "bench-$channel: nginx not found (apt-get install nginx-light)" >&2; exit 1; }
scratch=${ACCOLADE_BUILD_PATH:-.build}
if [ "${ACCOLADE_BENCH_SKIP_BUILD:-}" != 1 ]; then
  swift build -c release --product accolade --scratch-path "$scratch" >&2
fi
bin=$scratch/release/accolade

work=$(mktemp -d /tmp/accolade-bench-$channel.XXXXXX)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sid=AC$(printf '0123456789abcdef%.0s' 1 2)
pnid=106540352242922
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$port;
    location /2010-04-01/Accounts/$sid/Messages.json {
      default_type application/json;
      return 201 '{"sid":"SM\$request_id","status":"queued","num_segments":"1","error_code":null,"error_message":null}';
    }
    location = /v23.0/$pnid/messages {
      default_type application/json;
      return 200 '{"messaging_product":"whatsapp","contacts":[{"input":"+6281","wa_id":"6281"}],"messages":[{"id":"wamid.HBgL\$request_id","message_status":"accepted"}]}';
    }
    location / { return 404; }
  }
}
NGINX
/usr/sbin/nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
cleanup() {
  kill "$nginx_pid" 2>/dev/null || true
  wait "$nginx_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done
kill -0 "$nginx_pid" || { echo "bench-$channel: nginx did not start" >&2; cat "$work/nginx/error.log" >&2; exit 1; }

cat >"$work/accolade.yml" <<YAML
store:
  sqlite: $work/accolade.sqlite
templates: $PWD/templates
log_level: warning
channels:
$(if [ "$channel" = sms ]; then cat <<SMS
  sms:
    providers:
      - name: twilio
        type: twilio
        base_url: http://127.0.0.1:$port
        account_sid: $sid
        auth_token: bench-token
        from: "+15005550006"
SMS
else cat <<WA
  whatsapp:
    api_base: http://127.0.0.1:$port
    api_version: v23.0
    phone_number_id: "$pnid"
    access_token: bench-token
    rate_per_second: 1000000
WA
fi)
worker:
  concurrency: $concurrency
  batch_size: 512
YAML

# One personalised row per message: distinct numbers, names, amounts and codes.
/usr/bin/python3 - "$messages" "$address" >"$work/winners.csv" <<'PY'
import sys
n, address = int(sys.argv[1]), sys.argv[2]
names = ["Ana Putri", "Budi Santoso", "Jürgen Müller", "María López", "Siti Rahma", "John Smith"]
print(f"{address},name,locale,program,reward.voucher.amount:number,reward.voucher.currency,reward.code,reward.expires_on")
for i in range(n):
    locale, currency = [("id", "IDR"), ("en", "USD"), ("de", "EUR"), ("es", "EUR")][i % 4]
    amount = 50000 + i if currency == "IDR" else 10 + i % 90
    print(f"+6281{i:09d},{names[i % len(names)]},{locale},Kudos Awards,{amount},{currency},RW-{i:06X},2026-12-31")
PY

now() { date +%s.%N; }
t0=$(now)
"$bin" send reward-earned --csv "$work/winners.csv" --channels "$channel" --config "$work/accolade.yml" >/dev/null
t1=$(now)
/usr/bin/time -f '%M %U %S' -o "$work/rss" "$bin" worker --drain --config "$work/accolade.yml"
t2=$(now)
sent=$("$bin" stats --json --config "$work/accolade.yml" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("sent", d.get("states", {}).get("sent", 0)) if isinstance(d, dict) else d)')

/usr/bin/python3 - "$messages" "$t0" "$t1" "$t2" "$sent" "$(cat "$work/rss")" "$concurrency" "$(cat /proc/loadavg)" "$label" "$via" <<'PY'
import sys
label, via = sys.argv[9], sys.argv[10]
n, t0, t1, t2 = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
sent, (rss_kib, user, system), conc = sys.argv[5], sys.argv[6].split(), sys.argv[7]
rss_kib, cpu = int(rss_kib), float(user) + float(system)
print(f"enqueue:    {n} {label} (validate + render + queue) in {t1 - t0:.2f} s → {n / (t1 - t0):.0f} messages/s")
print(f"deliver:    {sent} sent {via} (concurrency {conc}) in {t2 - t1:.2f} s → {n / (t2 - t1):.0f} deliveries/s")
print(f"end to end: {n / (t2 - t0):.0f} deliveries/s (send --csv + worker --drain, {t2 - t0:.2f} s)")
print(f"worker: peak RSS {rss_kib / 1024:.1f} MiB, CPU {cpu:.2f} s ({cpu / n * 1e6:.0f} µs per delivery); load average {sys.argv[8].split()[0]}")
PY
[ "$sent" = "$messages" ] || { echo "bench-$channel: expected $messages sent, stats say $sent" >&2; exit 1; }

# Pipelined: the worker runs while the rows are queued (the way a dispatcher runs).
scripts/bench-pipelined.sh "$bin" "$work/accolade.yml" "$work/winners.csv" "$channel" "$messages"
