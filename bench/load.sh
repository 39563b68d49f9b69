#!/usr/bin/env bash
# The heavy load-test runs (docs/performance.md "Load test"): the real app on loopback, SQLite and PostgreSQL, 1 and 50
# concurrent clients, PostgreSQL also through pgbouncer in transaction pooling, each with the database's raw durable
# insert rate in the same run. Starts its own PostgreSQL (fsync on, synchronous_commit on) and pgbouncer, stops them after.
# Usage: bench/load.sh [matrix|long|pgbouncer] [SECONDS]
#   matrix (default): sqlite 1, sqlite 50, postgres 1, postgres 50, postgres 50 via pgbouncer; SECONDS each (default 60)
#   long: postgres, 50 clients, SECONDS (default 600), then `rapport audit verify`
#   pgbouncer: postgres, 50 clients through pgbouncer only
# Env: LOAD_PG_PORT (default 55443; pgbouncer on the next port), LOAD_REPORT (default bench/load-report.md).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-matrix}
seconds=${2:-$([ "$mode" = long ] && echo 600 || echo 60)}
port=${LOAD_PG_PORT:-55443}
bouncer=$((port + 1))
report=${LOAD_REPORT:-bench/load-report.md}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d /tmp/rapport-load.XXXXXX)
chown postgres:postgres "$work"

cleanup() {
  [ -f "$work/pgbouncer.pid" ] && kill "$(cat "$work/pgbouncer.pid")" 2>/dev/null || true
  runuser -u postgres -- "$bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build src/Rapport.Web -c Release -v q >/dev/null
dotnet build src/Rapport.Cli -c Release -v q >/dev/null
dotnet build bench/Rapport.LoadTest -c Release -v q >/dev/null

# fsync and synchronous_commit stay at their (durable) defaults: the figures are for commits that survive power loss.
runuser -u postgres -- "$bin/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 >/dev/null
runuser -u postgres -- "$bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $work -c max_connections=300 -c fsync=on -c synchronous_commit=on" start >/dev/null
cat > "$work/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$port
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer
unix_socket_dir =
auth_type = trust
auth_file = $work/userlist.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
logfile = $work/pgbouncer.log
pidfile = $work/pgbouncer.pid
INI
echo '"postgres" ""' > "$work/userlist.txt"
chown postgres:postgres "$work"/pgbouncer.ini "$work"/userlist.txt
runuser -u postgres -- pgbouncer -d "$work/pgbouncer.ini"

pg="Host=127.0.0.1;Port=$port;Username=postgres"
run() { dotnet bench/Rapport.LoadTest/bin/Release/net10.0/Rapport.LoadTest.dll --duration "$seconds" --report "$report" "$@"; }
echo "## $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, commit $(git rev-parse --short HEAD)" >> "$report"
status=0
case "$mode" in
  matrix)
    run --provider sqlite --clients 1 || status=1
    run --provider sqlite --clients 50 || status=1
    run --provider postgres --postgres "$pg" --clients 1 || status=1
    run --provider postgres --postgres "$pg" --clients 50 || status=1
    run --provider postgres --postgres "$pg" --clients 50 --pgbouncer-port "$bouncer" || status=1
    ;;
  long) run --provider postgres --postgres "$pg" --clients 50 --verify-audit || status=1 ;;
  pgbouncer) run --provider postgres --postgres "$pg" --clients 50 --pgbouncer-port "$bouncer" || status=1 ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
exit $status
