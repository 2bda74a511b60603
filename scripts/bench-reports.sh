#!/usr/bin/env bash
# Report benchmark: how fast `accolade report` answers from the rollups of N deliveries
# (default 10 M, spread over 90 days; target < 200 ms per report). Loads the counters straight
# into a fresh SQLite store (scripts/bench-reports.py: what N deliveries' outcomes, receipts and
# redemptions leave), then times each report: the median of 5 runs of `accolade report`, both
# the report itself (the query and the figures, as the command logs it at debug level) and the
# whole process (configuration, templates, opening the store included). Run by hand, not in CI.
# With --postgres URL (an empty database, e.g. one made in scripts/postgres-test-cluster.sh's
# cluster), the same counters are copied there and the reports read from PostgreSQL instead.
#   scripts/bench-reports.sh [--deliveries 10000000] [--days 90] [--combos 40] [--no-build | --bin PATH] [--postgres URL]
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: scripts/bench-reports.sh [--deliveries N] [--days N] [--combos N] [--no-build | --bin PATH] [--postgres URL]"
deliveries=10000000
days=90
combos=40
build=1
bin=""
postgres=""
while (($#)); do
  case "$1" in
    --deliveries) deliveries=$2; shift 2 ;;
    --days) days=$2; shift 2 ;;
    --combos) combos=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --bin) bin=$2; build=0; shift 2 ;;
    --postgres) postgres=$2; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
if ((build)); then
  scripts/setup.sh
  swift build -c release --product accolade >&2
fi
bin=${bin:-$PWD/.build/release/accolade}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/accolade.yml" <<YAML
store: { sqlite: $work/queue.sqlite }
templates: $PWD/templates
log_level: warning
YAML
export ACCOLADE_CONFIG=$work/accolade.yml
"$bin" report rebuild >/dev/null   # creates and migrates the store
now_ms=$(( $(date +%s) * 1000 ))
/usr/bin/python3 scripts/bench-reports.py "$work/queue.sqlite" --deliveries "$deliveries" --days "$days" --combos "$combos" \
  --end-bucket $(( now_ms / 900000 ))
ls -l "$work/queue.sqlite" | awk '{ printf "store file: %.0f MiB\n", $5 / 1048576 }'
if [ -n "$postgres" ]; then
  # The same counters in PostgreSQL: migrate the empty database, copy the table, analyse it.
  cat >"$work/accolade.yml" <<YAML
store: { postgres: "$postgres" }
templates: $PWD/templates
log_level: warning
YAML
  "$bin" report rebuild >/dev/null
  /usr/bin/python3 -c '
import csv, sqlite3, sys
out = csv.writer(sys.stdout)
for row in sqlite3.connect(sys.argv[1]).execute("SELECT * FROM report_rollups"):
    out.writerow(row)' "$work/queue.sqlite" | psql -q -v ON_ERROR_STOP=1 "$postgres" -c "\copy report_rollups FROM STDIN CSV"
  psql -q -v ON_ERROR_STOP=1 "$postgres" -c "VACUUM ANALYZE report_rollups"
  echo "copied the counters to PostgreSQL ($(psql -Atq "$postgres" -c "SELECT pg_size_pretty(pg_total_relation_size('report_rollups'))"))"
fi

run() {
  local label=$1; shift
  local times=() inner=()
  for _ in 1 2 3 4 5; do
    local start end
    start=$(date +%s%N)
    "$bin" report --format json --log-level debug "$@" >"$work/out.json" 2>"$work/err.log"
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
    inner+=($(grep -o 'report.ms=[0-9.]*' "$work/err.log" | head -1 | cut -d= -f2 | cut -d. -f1))
  done
  local median report
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
  report=$(printf '%s\n' "${inner[@]}" | sort -n | sed -n 3p)
  printf '%-46s report %5s ms, whole process %5s ms (medians of 5; report runs: %s)\n' "$label" "$report" "$median" "${inner[*]}"
}
since=$(date -u -d '30 days ago' +%F)
since90=$(date -u -d "$days days ago" +%F)
run "last 30 days, totals" --since "$since"
run "last 30 days by day" --since "$since" --by day
run "last 30 days by programme" --since "$since" --by programme
run "last 30 days by week,programme (Asia/Kolkata)" --since "$since" --by week,programme --tz Asia/Kolkata
run "last 30 days by day (Asia/Kathmandu, +05:45)" --since "$since" --by day --tz Asia/Kathmandu
run "last 30 days by day,channel,provider,country" --since "$since" --by day,channel,provider,country
run "$days days by day,channel" --since "$since90" --by day,channel
run "$days days by day,channel (Asia/Jakarta)" --since "$since90" --by day,channel --tz Asia/Jakarta
run "$days days by month,programme,template" --since "$since90" --by month,programme,template
