#!/usr/bin/env bash
# Fault injection against a real run of Accolade: real `accolade worker` / `accolade serve`
# processes, a real SQLite file, a real PostgreSQL cluster (scripts/postgres-test-cluster.sh), a
# real SMTP server that misbehaves (scripts/test-servers/smtp_faulty.py) and the Twilio/WhatsApp
# stand-ins in their fault modes. It prints one table row per fault and exits non-zero when a row
# misses the bar.
#
#   scripts/chaos.sh                 # full form (several minutes; 5,000 messages in the PostgreSQL row)
#   scripts/chaos.sh --short         # fewer messages, same rows: what scripts/test.sh runs
#   scripts/chaos.sh --rows kill9,sqlite-lock --keep    # some rows; keep logs, stores and sink records
#   scripts/chaos.sh --list          # the rows and their keys
#   ACCOLADE_BIN=.build/release/accolade scripts/chaos.sh   # a binary built elsewhere (skips the build)
#
# Rows (each on a fresh store with its own sinks; lease 5 s, retries 250 ms doubling to 2 s, 8 attempts;
# config in scripts/chaos/*.yml, provider secrets random per run and passed in the environment):
#   pg-restart       PostgreSQL restarted twice (pg_ctl restart -m fast) during a drain, 2 workers
#   sqlite-lock      another process holds the SQLite write lock (BEGIN EXCLUSIVE) for 10 s mid-drain
#                    (longer than the 5 s lease), 2 workers
#   smtp-faults      the SMTP server answers 421 / 451 or drops the connection on 20% of messages
#   twilio-faults,   the stand-in answers 429 with Retry-After (5%), 500 (5%), or accepts the request
#   whatsapp-faults  and never answers (2%; the provider timeout is 2 s)
#   twilio-early,    the stand-in calls Accolade's webhook (signed) with `delivered` BEFORE it answers
#   whatsapp-early   the send request; the final state must be `delivered`
#   twilio-replay,   after answering, the stand-in replays statuses out of order and twice
#   whatsapp-replay  (delivered,sent,delivered,failed / read,delivered,sent,read,failed); the final
#                    state must be `delivered` / `read` (never moved backwards, `failed` never wins)
#   kill9            SIGKILL to one of 2 workers at 30% of the drain
#   sigterm          SIGTERM to one of 2 workers at 30%, deliveries in flight (the SMTP server
#                    answers each message after 20 ms, shutdown_grace 1 s)
#   tls-swap         the relay's STARTTLS certificate is from an untrusted CA, then replaced on disk by
#                    one from the CA in channels.email.smtp.ca_file: nothing may fail. EXPECTED TO FAIL
#                    until the product has `ca_file`: a build that refuses the key runs
#                    the row without it and says so.
#
# Definitions (per row; a message's marker is its recipient address, unique per message, and its
# idempotency key names it in the store):
#   messages      accepted: counted from `accolade send --csv --json` (each row had an id made)
#   delivered     messages whose marker reached the sink at least once (the SMTP sink records it
#                 only when it answered 250; the stand-ins only requests they accepted: a 429, 500
#                 or stalled request was never taken by the provider)
#   lost          accepted but never reached a sink and not in a legitimate final state. Under these
#                 faults no provider refuses a message for good, so no final state is legitimate: a
#                 message `failed` because a fault burned its attempts is lost, and so is one still
#                 queued when the row's deadline passed.
#   duplicates    extra arrivals of the same message at its sink (arrivals − 1, summed)
#   worker exits  worker processes that exited on their own (not by the script's signal) during
#                 the row; like a supervisor, the script starts a replacement (up to 5 per row)
#   wrong state   Accolade's own view disagrees with the sinks: a message that arrived but did not
#                 end in the expected state (`sent`; `delivered`/`read` in the receipt rows), or one
#                 Accolade calls sent that never arrived. `accolade stats --json` is also checked to
#                 count every accepted message.
# The bar: every row 0 lost, 0 worker exits, 0 wrong states; 0 duplicates where no
# process was killed, and at most the deliveries the killed/terminated worker had in flight
# (its running claims in the store at the signal) where one was.
#
# Loopback only; ports are picked at run time; every wait has a deadline; every process started
# is stopped by PID on exit, failure or Ctrl-C (and the PostgreSQL cluster removed).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${ACCOLADE_BIN:-}" ]; then
  bin=$ACCOLADE_BIN
else
  [ -n "${ACCOLADE_SKIP_SETUP:-}" ] || scripts/setup.sh
  swift build --product accolade >&2
  bin=.build/debug/accolade
fi
[ -x "$bin" ] || { echo "chaos: $bin is not an executable accolade binary" >&2; exit 2; }
exec /usr/bin/python3 scripts/chaos/chaos.py --bin "$bin" "$@"
