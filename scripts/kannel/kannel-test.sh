#!/usr/bin/env bash
# A throw-away Kannel (bearerbox + smsbox + fakesmsc) on 127.0.0.1 for tests and benchmarks.
#
#   eval "$(scripts/kannel/kannel-test.sh start [DIR])"    # prints export lines (see below)
#   scripts/kannel/kannel-test.sh stop-smsc  "$ACCOLADE_KANNEL_DIR"   # fake SMSC down: sends answer "queued"
#   scripts/kannel/kannel-test.sh start-smsc "$ACCOLADE_KANNEL_DIR"   # back up: queued messages flow
#   scripts/kannel/kannel-test.sh stop "$ACCOLADE_KANNEL_DIR"
#
# Every port is picked free on 127.0.0.1; logs, PID files and the message store live in DIR
# (a new temporary folder when omitted). fakesmsc writes each message it receives to
# DIR/fakesmsc.log ("Got message N: <from to text …>"). Set ACCOLADE_KANNEL_MO_URL before `start`
# to have replies (MO messages, e.g. STOP) forwarded there as GET ?from=&to=&text= (appended with
# & when the URL has a query already); `mo DIR FROM TEXT` makes fakesmsc send one such reply.
# Exports: ACCOLADE_KANNEL_DIR, ACCOLADE_KANNEL_SENDSMS_URL, ACCOLADE_KANNEL_USERNAME,
# ACCOLADE_KANNEL_PASSWORD, ACCOLADE_KANNEL_ADMIN_URL, ACCOLADE_KANNEL_FAKESMSC_LOG.
# Exit status 3 from `start` means the Kannel binaries are not installed (tests skip on it).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bearerbox=/usr/sbin/bearerbox
smsbox=/usr/sbin/smsbox
fakesmsc=/usr/lib/kannel/test/fakesmsc

die() { echo "kannel-test: $*" >&2; exit 1; }

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits (bounded: ~15 s) until 127.0.0.1:$1 accepts connections and the process $2 lives.
wait_port() {
  local port=$1 pid=$2 what=$3
  for _ in $(seq 150); do
    kill -0 "$pid" 2>/dev/null || die "$what exited during start-up; see its log in $dir"
    (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0
    sleep 0.1
  done
  die "$what did not listen on 127.0.0.1:$port within 15 s; see its log in $dir"
}

# Stops the process in PID file $1: SIGTERM, up to 5 s, then SIGKILL.
stop_pid() {
  local file=$1 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

# Starts fakesmsc against bearerbox's SMSC port and prints what it gets. Without arguments it
# generates no traffic (-m 0); `start_smsc FROM TEXT` has it send that one mobile-originated
# message first (a handset replying), then keep receiving.
start_smsc() {
  local port count=0 message="1 2 text x"
  port=$(cat "$dir/smsc.port")
  if [ $# -eq 2 ]; then count=1; message="$1 $(cat "$dir/shortcode" 2>/dev/null || echo 12345) text $2"; fi
  # setsid: a terminal's Ctrl-C or the caller's process group must not take it down mid-test.
  setsid "$fakesmsc" -H 127.0.0.1 -r "$port" -i 0.01 -m "$count" "$message" >>"$dir/fakesmsc.log" 2>&1 </dev/null &
  echo $! >"$dir/fakesmsc.pid"
  # fakesmsc connects out to bearerbox; wait until bearerbox reports the SMSC online.
  for _ in $(seq 100); do
    kill -0 "$(cat "$dir/fakesmsc.pid")" 2>/dev/null || die "fakesmsc exited; see $dir/fakesmsc.log"
    if curl -fsS "http://127.0.0.1:$(cat "$dir/admin.port")/status.txt?password=$(cat "$dir/admin.password")" 2>/dev/null \
        | grep -q 'FAKE.*online'; then
      return 0
    fi
    sleep 0.1
  done
  die "fakesmsc did not come online within 10 s; see $dir/fakesmsc.log and $dir/bearerbox.log"
}

case "${1:-}" in
  start)
    for bin in "$bearerbox" "$smsbox" "$fakesmsc"; do
      [ -x "$bin" ] || { echo "kannel-test: $bin not found (apt-get install kannel kannel-extras)" >&2; exit 3; }
    done
    dir=${2:-$(mktemp -d /tmp/accolade-kannel.XXXXXX)}
    mkdir -p "$dir/store"
    dir=$(cd "$dir" && pwd)
    admin_port=$(free_port); smsbox_port=$(free_port); smsc_port=$(free_port); sendsms_port=$(free_port)
    admin_password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
    password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
    echo "$admin_port" >"$dir/admin.port"; echo "$smsc_port" >"$dir/smsc.port"; echo "$admin_password" >"$dir/admin.password"
    if [ -n "${ACCOLADE_KANNEL_MO_URL:-}" ]; then
      # A URL that already has a query (e.g. ?token=…) gets the parameters appended with &.
      case "$ACCOLADE_KANNEL_MO_URL" in *\?*) sep='\&' ;; *) sep='?' ;; esac
      mo="get-url = \"${ACCOLADE_KANNEL_MO_URL}${sep}from=%p\&to=%P\&text=%a\&ts=%T\""
    else
      mo='text = "No service specified"'
    fi
    sed -e "s|@DIR@|$dir|g" -e "s|@ADMIN_PORT@|$admin_port|g" -e "s|@ADMIN_PASSWORD@|$admin_password|g" \
        -e "s|@SMSBOX_PORT@|$smsbox_port|g" -e "s|@SMSC_PORT@|$smsc_port|g" -e "s|@SENDSMS_PORT@|$sendsms_port|g" \
        -e "s|@USERNAME@|tester|g" -e "s|@PASSWORD@|$password|g" -e "s|@MO_URL@|${ACCOLADE_KANNEL_MO_URL:-(unset)}|g" \
        -e "s|@MO_SERVICE@|$mo|g" \
        "$here/kannel.conf.template" >"$dir/kannel.conf"
    chmod 600 "$dir/kannel.conf"
    # Order per the Kannel guide: bearerbox, then the fake SMSC, then smsbox.
    setsid "$bearerbox" -v 1 "$dir/kannel.conf" >>"$dir/bearerbox.out" 2>&1 </dev/null &
    echo $! >"$dir/bearerbox.pid"
    wait_port "$admin_port" "$(cat "$dir/bearerbox.pid")" bearerbox
    wait_port "$smsbox_port" "$(cat "$dir/bearerbox.pid")" bearerbox
    start_smsc
    setsid "$smsbox" -v 1 "$dir/kannel.conf" >>"$dir/smsbox.out" 2>&1 </dev/null &
    echo $! >"$dir/smsbox.pid"
    wait_port "$sendsms_port" "$(cat "$dir/smsbox.pid")" smsbox
    # The sendsms port opens before smsbox has its bearerbox connection; wait for that too, or the
    # first sendsms of a test can stall on a loaded machine.
    for _ in $(seq 150); do
      curl -fsS "http://127.0.0.1:$admin_port/status.txt?password=$admin_password" 2>/dev/null | grep -q 'smsbox:' && break
      sleep 0.1
    done
    echo "export ACCOLADE_KANNEL_DIR=$dir"
    echo "export ACCOLADE_KANNEL_SENDSMS_URL=http://127.0.0.1:$sendsms_port/cgi-bin/sendsms"
    echo "export ACCOLADE_KANNEL_USERNAME=tester"
    echo "export ACCOLADE_KANNEL_PASSWORD=$password"
    echo "export ACCOLADE_KANNEL_ADMIN_URL=http://127.0.0.1:$admin_port"
    echo "export ACCOLADE_KANNEL_FAKESMSC_LOG=$dir/fakesmsc.log"
    ;;
  stop-smsc)
    dir=${2:?usage: stop-smsc DIR}
    stop_pid "$dir/fakesmsc.pid"
    ;;
  mo)
    # mo DIR FROM TEXT: restart the fake SMSC so it sends one MO message (e.g. STOP) from FROM.
    dir=${2:?usage: mo DIR FROM TEXT}
    from=${3:?usage: mo DIR FROM TEXT}
    text=${4:?usage: mo DIR FROM TEXT}
    stop_pid "$dir/fakesmsc.pid"
    start_smsc "$from" "$text"
    ;;
  start-smsc)
    dir=${2:?usage: start-smsc DIR}
    [ -f "$dir/fakesmsc.pid" ] && kill -0 "$(cat "$dir/fakesmsc.pid")" 2>/dev/null && exit 0
    start_smsc
    ;;
  stop)
    dir=${2:?usage: stop DIR}
    [ -d "$dir" ] || exit 0
    # smsbox first so nothing new arrives, then the SMSC, then bearerbox (which writes its store).
    stop_pid "$dir/smsbox.pid"
    stop_pid "$dir/fakesmsc.pid"
    stop_pid "$dir/bearerbox.pid"
    if [ "${ACCOLADE_KANNEL_KEEP_DIR:-}" != 1 ]; then rm -rf "$dir"; fi
    ;;
  *)
    echo "usage: $0 start [DIR] | stop DIR | stop-smsc DIR | start-smsc DIR | mo DIR FROM TEXT" >&2; exit 2 ;;
esac
