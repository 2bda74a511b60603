#!/usr/bin/env bash
# Fuzzes the HTTP API with schemathesis against the OpenAPI document a real `accolade serve`
# serves (SQLite in a temporary folder, loopback only, no worker: nothing is delivered). Every
# operation, every default check (no 5xx, 4xx are problem documents, responses match the
# document, 405 + Allow for undeclared methods, schema-valid requests accepted, invalid ones
# refused); the few exceptions are in scripts/api-fuzz/schemathesis.toml and hooks.py, each with
# its reason. Fails unless at least MIN_CASES (default 1000) cases ran and none failed.
#   scripts/api-fuzz.sh              # needs a built .build/debug/accolade (swift build)
#   scripts/api-fuzz.sh --seed 7     # more arguments go to `schemathesis run`
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/serve-port.sh

version=4.32.5
min_cases=${MIN_CASES:-1000}
bin=${ACCOLADE_BIN:-.build/debug/accolade}
venv=var/api-fuzz/venv
[ -x "$bin" ] || swift build

# schemathesis from PyPI, pinned, in a virtualenv of Debian's Python (installed once).
if [ "$("$venv/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $version" ]; then
  rm -rf "$venv"
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$version"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/accolade-fuzz.XXXXXX")
token=fuzz-token-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
inbox_secret=fuzz-inbox-secret-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
cat > "$work/accolade.yml" <<YAML
store:
  sqlite: $work/queue.sqlite
templates: $PWD/templates
log_level: error
server:
  listen: 127.0.0.1:0
  public_url: http://127.0.0.1
  tokens: [ "$token" ]
channels:
  email:
    from: "Acme Rewards <rewards@example.com>"
    smtp:
      url: smtp://127.0.0.1:9     # never contacted: no worker runs
      starttls: never
  qr:
    directory: $work/qr
  inbox:
    signing_secret: $inbox_secret
    allowed_origins: [ "https://crm.example.com" ]
preferences:
  signing_secret: $inbox_secret-preferences
YAML

# One workflow listening to the OpenAPI example's event, so POST /v1/events starts (and replays)
# real runs; a long delay and no sends, so every schema-valid event is accepted whatever its data.
mkdir -p "$work/workflows"
cat > "$work/workflows/fuzz.yml" <<YAML
name: fuzz-delay
on: deal.closed
steps:
  - delay: { for: 30d }
YAML

"$bin" serve --config "$work/accolade.yml" --no-worker > "$work/serve.out" 2> "$work/serve.err" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(serve_port api-fuzz "$pid" "$work/serve.out" "$work/serve.err") || exit 1

base=http://127.0.0.1:$port
# The feed routes take an inbox token, not the API token: one minted by the token route itself
# (so that route is exercised the way a CRM backend uses it), for one recipient, valid 1 hour.
inbox_token=$(curl -sS --fail-with-body -X POST "$base/v1/inbox/tokens" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"recipient_id": "fuzz-recipient", "ttl": "1h"}' \
  | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])') \
  || { echo "api-fuzz: could not mint an inbox token" >&2; exit 1; }
# The reports dashboard takes its own link token (`?token=`), minted the same way, valid 1 hour.
dashboard_token=$(curl -sS --fail-with-body -X POST "$base/v1/reports/tokens" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"ttl": "1h"}' \
  | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])') \
  || { echo "api-fuzz: could not mint a dashboard token" >&2; exit 1; }
# schemathesis.toml gives each operation the credential its `security` names (API, inbox or
# dashboard token).
set +e
ACCOLADE_FUZZ_TOKEN=$token ACCOLADE_FUZZ_INBOX_TOKEN=$inbox_token ACCOLADE_FUZZ_DASHBOARD_TOKEN=$dashboard_token \
  PYTHONPATH=scripts/api-fuzz \
  "$venv/bin/schemathesis" --config-file scripts/api-fuzz/schemathesis.toml run "$base/openapi.yaml" \
  --url "$base" --no-color --report junit --report-junit-path var/api-fuzz/junit.xml "$@" \
  > var/api-fuzz/schemathesis.out 2>&1
status=$?
set -e
cases=$(sed -n 's/^ *\([0-9][0-9]*\) generated.*/\1/p' var/api-fuzz/schemathesis.out | tail -n 1)
if [ "$status" -ne 0 ] || [ -z "$cases" ] || [ "$cases" -lt "$min_cases" ]; then
  cat var/api-fuzz/schemathesis.out >&2
  [ "$status" -ne 0 ] || echo "api-fuzz: only ${cases:-0} cases ran; at least $min_cases are required" >&2
  echo "api-fuzz: 0 passed, 1 failed" >&2
  exit 1
fi
sed -n '/^Test cases:/,/^$/p' var/api-fuzz/schemathesis.out | tr -s ' ' >&2
echo "api-fuzz: schemathesis $version, $cases cases against every operation of $base/openapi.yaml"
echo "api-fuzz: $cases passed, 0 failed"
