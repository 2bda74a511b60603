#!/usr/bin/env bash
# Sets everything up and runs the dispatcher on embedded SQLite (`accolade serve`: the HTTP API and a
# delivery worker), delivering through local stand-ins (no provider credentials needed): email to
# an SMTP server (messages kept in var/mail/), SMS to a Twilio API stand-in and WhatsApp to a
# Graph API stand-in (requests they accepted logged in var/sms.jsonl and var/whatsapp.jsonl).
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
pids="$smtp_pid"
trap 'kill $pids 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s var/smtp-standin.port ] && break; sleep 0.1; done
kill -0 $smtp_pid 2>/dev/null || { echo "run: the SMTP stand-in could not start on 127.0.0.1:2525 (port in use?)" >&2; exit 1; }
echo "run: SMTP stand-in listening on 127.0.0.1:2525, messages land in var/mail/" >&2

# Twilio-compatible stand-in on 127.0.0.1:2526 and Graph API stand-in on 127.0.0.1:2527; both check
# every request against the providers' official API shapes (see config/accolade.yml for real ones).
/usr/bin/python3 scripts/test-servers/twilio_standin.py --port 2526 --account-sid AC00000000000000000000000000000000 \
  --auth-token standin-auth-token --out var/sms.jsonl > var/twilio-standin.port &
pids="$pids $!"
/usr/bin/python3 scripts/test-servers/whatsapp_standin.py --port 2527 --phone-number-id 106540352242922 \
  --token standin-access-token --out var/whatsapp.jsonl > var/whatsapp-standin.port &
pids="$pids $!"
for f in var/twilio-standin.port var/whatsapp-standin.port; do
  for _ in $(seq 50); do [ -s "$f" ] && break; sleep 0.1; done
  [ -s "$f" ] || { echo "run: a provider stand-in could not start (ports 2526/2527 in use?)" >&2; exit 1; }
done
echo "run: Twilio stand-in on 127.0.0.1:2526 (var/sms.jsonl), WhatsApp stand-in on 127.0.0.1:2527 (var/whatsapp.jsonl)" >&2

export SMTP_STARTTLS=never
# The stand-ins' credentials and webhook secrets (config/accolade.yml ships no fallbacks for secrets).
# Set unconditionally: the stand-ins started above accept exactly these.
export TWILIO_AUTH_TOKEN=standin-auth-token
export WHATSAPP_TOKEN=standin-access-token
export WHATSAPP_APP_SECRET=standin-app-secret
export WHATSAPP_VERIFY_TOKEN=standin-verify-token
# The in-app inbox: a signing secret for browser tokens, random per run unless you set one.
export ACCOLADE_INBOX_SECRET=${ACCOLADE_INBOX_SECRET:-$(/usr/bin/python3 -c 'import secrets; print(secrets.token_urlsafe(48))')}
$bin templates check > /dev/null
id=$($bin send reward-earned --to ana@example.com --to +6281234567890 --to whatsapp:+6281234567890 --recipient-id crm-10492 --name "Ana Putri" --locale id \
  --data '{"program":"Kudos Awards","reward":{"voucher":{"amount":50000,"currency":"IDR"},"code":"RW-7Q2K","expires_on":"2026-12-31"},"note":"Twelve new accounts in October. Thank you!"}')
echo "run: queued sample message $id (see: $bin status $id; $bin log $id)" >&2
# A reward journey too: kudos.given starts the kudos-given workflow, which collects kudos for an
# hour and then sends them as one message (config/workflows/kudos-given.yml).
$bin trigger kudos.given --recipient-id crm-10492 --to ana@example.com --name "Ana Putri" \
  --data '{"program":"Kudos Awards","from":"Budi Santoso","message":"Thanks for the great demo!","points":10}' >&2
echo "run: started a sample workflow run (see: $bin runs list; $bin runs show <run-id>)" >&2
port=${ACCOLADE_PORT:-8080}
cat >&2 <<EOF
run: starting the HTTP API and a worker on http://127.0.0.1:$port (Ctrl-C stops both gracefully). Try:
  curl -sS http://127.0.0.1:$port/v1/messages -H 'Content-Type: application/json' \\
    -d '{"template":"reward-earned","to":{"email":"budi@example.com","locale":"id"},"data":{"program":"Kudos Awards","reward":{"points":1200,"code":"PT-1200","expires_on":"2026-12-31"}}}'
  SMS and WhatsApp go to the stand-ins: add "phone":"+6281234567890" or "whatsapp":"+6281234567890" to "to".
  An event for the workflows in config/workflows (another kudos joins the sample's digest):
  curl -sS http://127.0.0.1:$port/v1/events -H 'Content-Type: application/json' \
    -d '{"event":"kudos.given","recipients":[{"id":"crm-10492","email":"ana@example.com"}],"data":{"program":"Kudos Awards","from":"Citra","message":"You saved the launch."}}'
  and open http://127.0.0.1:$port/v1/templates/reward-earned/preview?locale=id in a browser.
  The sample recipient's in-app inbox (live; send more with "to":{"id":"crm-10492"}), valid 24 h:
    http://127.0.0.1:$port/v1/inbox/demo?token=$($bin inbox token crm-10492 --ttl 24h)
EOF
$bin serve --listen "127.0.0.1:$port"
