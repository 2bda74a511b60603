#!/usr/bin/env bash
# A throw-away PostgreSQL cluster on 127.0.0.1 for tests and benchmarks.
#   eval "$(scripts/postgres-test-cluster.sh start)"   # prints export lines: ACCOLADE_TEST_POSTGRES_URL, ACCOLADE_PG_DIR
#   eval "$(scripts/postgres-test-cluster.sh start --tls)"
#   scripts/postgres-test-cluster.sh stop "$ACCOLADE_PG_DIR"
# initdb refuses to run as root, so as root the cluster belongs to the unprivileged `postgres` user.
#
# --tls also turns TLS on (ssl=on) with a throw-away CA from test-servers/make_test_certs.sh and
# exports ACCOLADE_TEST_POSTGRES_TLS_DIR (ca.pem, client.pem, client.key, untrusted.pem, ...). The
# server's certificate names only `localhost`, so verify-full passes as localhost and fails as
# 127.0.0.1. Plain connections keep working (ACCOLADE_TEST_POSTGRES_URL has no sslmode); the user
# accolade_cert logs in only over TLS with the client certificate (pg_hba `cert`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "postgres-test-cluster: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    tls=0
    case "${2:-}" in
      "") ;;
      --tls) tls=1 ;;
      *) echo "usage: $0 start [--tls]" >&2; exit 2 ;;
    esac
    dir=$(mktemp -d /tmp/accolade-pg.XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    as_owner "$bin/initdb" -D "$dir/data" -U accolade --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    options="-h 127.0.0.1 -p $port -k $dir -c fsync=on -c max_connections=200"
    if [ "$tls" -eq 1 ]; then
      "$here/test-servers/make_test_certs.sh" "$dir/tls" >/dev/null
      # The server refuses a key that others can read or that belongs to someone else.
      [ "$(id -u)" -eq 0 ] && chown -R postgres: "$dir/tls"
      chmod 600 "$dir/tls/server.key"
      options="$options -c ssl=on -c ssl_cert_file=$dir/tls/localhost.pem -c ssl_key_file=$dir/tls/server.key -c ssl_ca_file=$dir/tls/ca.pem"
      hba="$dir/data/pg_hba.conf"
      { printf 'hostssl all accolade_cert 127.0.0.1/32 cert\nhostnossl all accolade_cert 0.0.0.0/0 reject\n'; cat "$hba"; } > "$hba.new"
      mv "$hba.new" "$hba"
      [ "$(id -u)" -eq 0 ] && chown postgres: "$hba"
    fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -o "$options" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U accolade accolade
    echo "export ACCOLADE_PG_DIR=$dir"
    echo "export ACCOLADE_TEST_POSTGRES_URL=postgres://accolade@127.0.0.1:$port/accolade"
    if [ "$tls" -eq 1 ]; then
      as_owner "$bin/psql" -q -h 127.0.0.1 -p "$port" -U accolade -d accolade -c "CREATE ROLE accolade_cert LOGIN SUPERUSER" >/dev/null
      echo "export ACCOLADE_TEST_POSTGRES_TLS_DIR=$dir/tls"
    fi
    ;;
  stop)
    dir=${2:?usage: stop DIR}
    [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start [--tls] | stop DIR" >&2; exit 2 ;;
esac
