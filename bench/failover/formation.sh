#!/usr/bin/env bash
# A three-node pg_auto_failover formation on loopback (monitor, primary, secondary; synchronous replication), as
# /work/shared/reference/stack-notes.md and docs/operations.md describe it. Run as root; every PostgreSQL and pg_autoctl
# process runs as the postgres user with its config, state and pid files inside DIR (never in root's home).
#
#   formation.sh start DIR MONITOR_PORT     monitor on MONITOR_PORT, node1 on +1, node2 on +2; prints the app's connection string
#   formation.sh primary DIR                the node now accepting writes: "name port"
#   formation.sh kill-primary DIR [node|postmaster]
#                                           kill -9 the primary: its keeper and postmaster (node, default: the secondary is
#                                           promoted) or only its postmaster (the keeper then restarts it in place)
#   formation.sh state DIR                  pg_autoctl show state
#   formation.sh stop DIR                   stop everything and delete DIR
set -euo pipefail
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:?start|primary|kill-primary|state|stop}; DIR=${2:?folder}

as_pg() {
  runuser -u postgres -- env -i PATH="$BIN:/usr/bin:/bin" HOME="$DIR" LANG=C.UTF-8 \
    XDG_CONFIG_HOME="$DIR/xdg/config" XDG_DATA_HOME="$DIR/xdg/data" XDG_RUNTIME_DIR="$DIR/xdg/run" "$@"
}
monitor_port() { cat "$DIR/monitor.port"; }
monitor_sql() { as_pg psql -X -q -h 127.0.0.1 -p "$(monitor_port)" -U autoctl_node -d pg_auto_failover -Atc "$1" 2>/dev/null; }
node_state() { monitor_sql "select reportedstate from pgautofailover.node where nodename = '$1'" || true; }
wait_for() { # seconds, description, command...
  local until=$((SECONDS + $1)) what=$2; shift 2
  while ! "$@"; do
    if ((SECONDS > until)); then echo "timed out waiting for $what" >&2; return 1; fi
    sleep 0.3
  done
}
run_bg() { # log, command...: a keeper that outlives this script, in its own session
  local log=$1; shift
  setsid runuser -u postgres -- env -i PATH="$BIN:/usr/bin:/bin" HOME="$DIR" LANG=C.UTF-8 \
    XDG_CONFIG_HOME="$DIR/xdg/config" XDG_DATA_HOME="$DIR/xdg/data" XDG_RUNTIME_DIR="$DIR/xdg/run" "$@" >"$log" 2>&1 < /dev/null &
}

case "$cmd" in
start)
  MP=${3:?monitor port}; P1=$((MP + 1)); P2=$((MP + 2))
  PATH="$BIN:/usr/bin:/bin" command -v pg_autoctl >/dev/null || { echo "pg_autoctl missing: apt-get install -y postgresql-15-auto-failover" >&2; exit 3; }
  mkdir -p "$DIR/xdg/config" "$DIR/xdg/data" "$DIR/xdg/run"
  chmod 700 "$DIR/xdg/run"; chown -R postgres:postgres "$DIR"
  echo "$MP" > "$DIR/monitor.port"
  MON="postgres://autoctl_node@127.0.0.1:$MP/pg_auto_failover?sslmode=disable"
  as_pg pg_autoctl create monitor --pgdata "$DIR/monitor" --pgport "$MP" --hostname 127.0.0.1 --auth trust --no-ssl >"$DIR/create-monitor.log" 2>&1
  # No --listen for a monitor: set it, or it would listen on every interface.
  as_pg pg_autoctl config set --pgdata "$DIR/monitor" postgresql.listen_addresses 127.0.0.1 >/dev/null
  run_bg "$DIR/monitor.log" pg_autoctl run --pgdata "$DIR/monitor"
  wait_for 60 "the monitor" as_pg pg_isready -q -h 127.0.0.1 -p "$MP"
  wait_for 30 "the monitor's schema" monitor_sql "select 1" >/dev/null
  # Fast failure detection (stack-notes): a dead primary is noticed in about 3 s, not 20+.
  for setting in health_check_period=1000 health_check_timeout=1000 health_check_retry_delay=500 health_check_max_retries=1 \
      node_considered_unhealthy_timeout=3000 primary_demote_timeout=6000; do
    as_pg psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$MP" -U postgres -d pg_auto_failover -c "ALTER SYSTEM SET pgautofailover.${setting%%=*} = ${setting#*=}" >/dev/null
  done
  as_pg psql -X -q -h 127.0.0.1 -p "$MP" -U postgres -d pg_auto_failover -c "SELECT pg_reload_conf()" >/dev/null
  node() { # name port
    run_bg "$DIR/$1.log" pg_autoctl create postgres --pgdata "$DIR/$1" --pgport "$2" --listen 127.0.0.1 --hostname 127.0.0.1 \
      --name "$1" --dbname appdb --monitor "$MON" --auth trust --no-ssl --run
  }
  node node1 "$P1"
  wait_for 90 "node1 single" bash -c "[ \"\$(\"$0\" _state \"$DIR\" node1)\" = single ]"
  node node2 "$P2"
  # The standby's base backup waits for a checkpoint on the primary: force one until it is a secondary (~100 s -> ~10 s).
  until=$((SECONDS + 120))
  while [ "$(node_state node2)" != secondary ]; do
    ((SECONDS < until)) || { echo "timed out waiting for node2 secondary" >&2; exit 1; }
    as_pg psql -X -q -h 127.0.0.1 -p "$P1" -U postgres -d postgres -c CHECKPOINT >/dev/null 2>&1 || true
    sleep 0.5
  done
  for n in node1 node2; do
    as_pg pg_autoctl config set --pgdata "$DIR/$n" timeout.network_partition_timeout 4 >/dev/null
    as_pg pg_autoctl reload --pgdata "$DIR/$n" >/dev/null 2>&1 || true
  done
  wait_for 30 "node1 primary" bash -c "[ \"\$(\"$0\" _state \"$DIR\" node1)\" = primary ]"
  echo "Host=127.0.0.1:$P1,127.0.0.1:$P2;Username=postgres;Database=appdb;Target Session Attributes=read-write;Host Recheck Seconds=1"
  ;;
_state) node_state "$3" ;;
primary)
  monitor_sql "select nodename || ' ' || nodeport from pgautofailover.node where reportedstate in ('primary', 'wait_primary', 'single') and goalstate in ('primary', 'wait_primary', 'single') order by nodeid limit 1"
  ;;
kill-primary)
  how=${3:-node}
  read -r name port < <("$0" primary "$DIR")
  pid=$(head -1 "$DIR/$name/postmaster.pid")
  if [ "$how" = node ]; then
    # The keeper first (or it would restart the postmaster in place), then the postmaster: the whole node is gone.
    for keeper in $(pgrep -u postgres -f "pg_autoctl.*--pgdata $DIR/$name( |$)" || true); do kill -9 "$keeper" 2>/dev/null || true; done
    for keeper in $(pgrep -u postgres -f "pg_autoctl: .*" | while read -r p; do grep -qz -- "$DIR/$name" "/proc/$p/environ" "/proc/$p/cmdline" 2>/dev/null && echo "$p"; done || true); do kill -9 "$keeper" 2>/dev/null || true; done
  fi
  kill -9 "$pid"
  echo "$name $port $pid"
  ;;
state) as_pg pg_autoctl show state --pgdata "$DIR/monitor" ;;
stop)
  [ -d "$DIR" ] || exit 0
  for d in node2 node1 monitor; do
    [ -d "$DIR/$d" ] && as_pg pg_autoctl stop --pgdata "$DIR/$d" --immediate >/dev/null 2>&1 || true
  done
  sleep 1
  # Whatever survived (a keeper of a killed node, a postmaster): only the processes whose data folder is inside DIR.
  for f in "$DIR"/*/postmaster.pid; do [ -f "$f" ] && kill -9 "$(head -1 "$f")" 2>/dev/null || true; done
  for p in $(pgrep -u postgres -f "pg_autoctl" || true); do
    grep -qz -- "$DIR" "/proc/$p/cmdline" "/proc/$p/environ" 2>/dev/null && kill -9 "$p" 2>/dev/null || true
  done
  rm -rf "$DIR"
  ;;
*) echo "unknown command $cmd" >&2; exit 2 ;;
esac
