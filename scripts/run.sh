#!/usr/bin/env bash
# Sets everything up and runs the dispatcher on embedded SQLite (`accolade serve`: the HTTP API and a
# delivery worker), delivering email to a local SMTP
# stand-in (no provider credentials needed). Messages that "arrive" are kept in var/mail/.
#   scripts/run.sh   # build, start the stand-in, queue a sample reward, serve on 127.0.0.1:8080 (Ctrl-C stops)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build
bin=.build/debug/accolade
mkdir -p var/mail

# Local SMTP stand-in on 127.0.0.1:2525 (aiosmtpd), keeping every message as var/mail/N.eml + N.json.
/usr/bin/python3 scripts/test-servers/smtp_capture.py --dir var/mail --port 2525 > var/smtp-standin.port &
smtp_pid=$!
trap 'kill $smtp_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s var/smtp-standin.port ] && break; sleep 0.1; done
kill -0 $smtp_pid 2>/dev/null || { echo "run: the SMTP stand-in could not start on 127.0.0.1:2525 (port in use?)" >&2; exit 1; }
echo "run: SMTP stand-in listening on 127.0.0.1:2525, messages land in var/mail/" >&2

export SMTP_STARTTLS=never
$bin templates check > /dev/null
id=$($bin send reward-earned --to ana@example.com --name "Ana Putri" --locale id \
  --data '{"program":"Kudos Awards","reward":{"voucher":{"amount":50000,"currency":"IDR"},"code":"RW-7Q2K","expires_on":"2026-12-31"},"note":"Twelve new accounts in October. Thank you!"}')
echo "run: queued sample message $id (see: $bin status $id; $bin log $id)" >&2
port=${ACCOLADE_PORT:-8080}
cat >&2 <<EOF
run: starting the HTTP API and a worker on http://127.0.0.1:$port (Ctrl-C stops both gracefully). Try:
  curl -sS http://127.0.0.1:$port/v1/messages -H 'Content-Type: application/json' \\
    -d '{"template":"reward-earned","to":{"email":"budi@example.com","locale":"id"},"data":{"program":"Kudos Awards","reward":{"points":1200,"code":"PT-1200","expires_on":"2026-12-31"}}}'
  and open http://127.0.0.1:$port/v1/templates/reward-earned/preview?locale=id in a browser.
EOF
$bin serve --listen "127.0.0.1:$port"
