# Sourced by the scripts that start `accolade serve --listen 127.0.0.1:0` (api-fuzz, benchmarks).
#
# serve_port NAME PID OUT ERR: waits up to 10 s for serve (PID) to print its "listening on" line
# to OUT, prints the port it chose and returns 0; on failure prints what serve said on ERR, naming
# the calling script NAME, and returns 1.
serve_port() {
  local name=$1 pid=$2 out=$3 err=$4 port=""
  for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out" | head -1)
    [ -n "$port" ] && { echo "$port"; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "$name: accolade serve did not start:" >&2
  cat "$err" >&2
  return 1
}
