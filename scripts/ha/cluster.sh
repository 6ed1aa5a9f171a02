#!/usr/bin/env bash
# A pg_auto_failover formation on loopback: a monitor and two PostgreSQL nodes (a primary and
# a synchronous secondary), each supervised by its `pg_autoctl run`.
#
#   cluster.sh up            create and start it (about 8 s); prints the API's URLs
#   cluster.sh state         pg_autoctl show state
#   cluster.sh primary-port  the port of the node that accepts writes now (none: exit 1)
#   cluster.sh failover      pg_autoctl perform failover (waits until the new primary serves)
#   cluster.sh kill-primary  kill -9 of the current primary's postmaster (its keeper restarts it)
#   cluster.sh kill-primary-host  kill -9 of the primary's keeper and Postgres together, as
#                            when its host dies: the monitor promotes the secondary
#   cluster.sh stop-secondary  fast stop of the secondary's Postgres (its keeper restarts it)
#   cluster.sh rejoin        restart any node whose keeper is gone; wait until both serve
#   cluster.sh down          stop everything and remove the data
#
# HA_DIR (default .data/ha) holds the data; HA_PORT (default 25100, below the ephemeral
# range) is the monitor's port, the nodes take the next two. Runs as root (PostgreSQL runs as postgres) or as postgres.
set -euo pipefail
DIR=${HA_DIR:-$PWD/.data/ha}
PORT=${HA_PORT:-25100}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
export PATH=$BIN:$PATH
MONITOR="postgres://autoctl_node@127.0.0.1:$PORT/pg_auto_failover?sslmode=disable"

as_pg() {
  # pg_autoctl keeps its settings and state under XDG_CONFIG_HOME and XDG_DATA_HOME: here,
  # so that `down` removes them with the data (a stale state file breaks the next `up`).
  local xdg=(XDG_CONFIG_HOME="$DIR/xdg/config" XDG_DATA_HOME="$DIR/xdg/data" XDG_RUNTIME_DIR="$DIR/xdg/run")
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- env PATH="$PATH" "${xdg[@]}" "$@"; else env "${xdg[@]}" "$@"; fi
}

node_port() { echo $((PORT + $1)); }

state() { as_pg pg_autoctl show state --pgdata "$DIR/monitor" "$@"; }

# Waits until `state` shows every name in $@ reporting its assigned state and one of them
# "primary" or "single".
wait_for() {
  local deadline=$((SECONDS + ${WAIT_SECS:-90}))
  while [ $SECONDS -lt $deadline ]; do
    local out
    out=$(state 2>/dev/null || true)
    local ok=1
    for n in "$@"; do
      echo "$out" | grep -Eq "^ *$n \|.*\| *(primary|secondary|single) *\| *(primary|secondary|single) *$" || ok=0
    done
    [ $ok = 1 ] && return 0
    sleep 0.5
  done
  echo "cluster.sh: the formation did not settle:" >&2
  state >&2 || true
  return 1
}

start_keeper() {
  # setsid: the keeper outlives this script; `down` stops it.
  as_pg setsid pg_autoctl run --pgdata "$DIR/$1" >> "$DIR/$1.log" 2>&1 < /dev/null &
}

primary_port() {
  for n in 1 2; do
    local p
    p=$(node_port $n)
    if [ "$(psql "postgres://postgres@127.0.0.1:$p/prospecta?sslmode=disable&connect_timeout=1" -Atc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ]; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

# The primary's node number (1 or 2); fails while none accepts writes.
primary_node() {
  local p
  p=$(primary_port) || return 1
  echo $((p - PORT))
}

case "${1:-}" in
  up)
    command -v pg_autoctl > /dev/null || { echo "pg_autoctl missing: apt-get install postgresql-15-auto-failover" >&2; exit 1; }
    "$0" down > /dev/null 2>&1 || true
    # pg_autoctl looks for pg_ctl on PATH, and postgres cannot read root's directories.
    export PATH=$BIN:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    install -d -o postgres "$DIR"
    as_pg pg_autoctl create monitor --pgdata "$DIR/monitor" --pgport "$PORT" --hostname 127.0.0.1 \
      --auth trust --no-ssl > "$DIR/create.log" 2>&1
    start_keeper monitor
    until psql "$MONITOR&connect_timeout=1" -Atc 'SELECT 1' > /dev/null 2>&1; do
      [ $SECONDS -lt 60 ] || { echo "cluster.sh: the monitor did not start" >&2; cat "$DIR/monitor.log" >&2; exit 1; }
      sleep 0.3
    done
    for n in 1 2; do
      as_pg pg_autoctl create postgres --pgdata "$DIR/n$n" --pgport "$(node_port $n)" --hostname 127.0.0.1 \
        --auth trust --no-ssl --monitor "$MONITOR" --dbname prospecta --name "n$n" >> "$DIR/create.log" 2>&1 ||
        { cat "$DIR/create.log" >&2; exit 1; }
      start_keeper "n$n"
      if [ $n = 1 ]; then wait_for n1; else wait_for n1 n2; fi
    done
    hosts="127.0.0.1:$(node_port 1),127.0.0.1:$(node_port 2)"
    echo "DATABASE_URL=postgres://postgres@$hosts/prospecta?target_session_attrs=read-write&sslmode=disable&connect_timeout=2"
    echo "READ_DATABASE_URL=postgres://postgres@$hosts/prospecta?target_session_attrs=standby&sslmode=disable&connect_timeout=2"
    ;;
  state) state ;;
  primary-port) primary_port ;;
  failover)
    as_pg pg_autoctl perform failover --pgdata "$DIR/monitor" > "$DIR/failover.log" 2>&1
    ;;
  kill-primary)
    n=$(primary_node)
    p=$(node_port "$n")
    kill -9 "$(head -1 "$DIR/n$n/postmaster.pid")"
    echo "killed the postmaster of n$n (port $p)"
    ;;
  kill-primary-host)
    n=$(primary_node)
    p=$(node_port "$n")
    keeper=$(head -1 "/tmp/pg_autoctl$DIR/n$n/pg_autoctl.pid")
    # The keeper leads its own process group (setsid), Postgres included.
    kill -9 -- "-$keeper"
    kill -9 "$(head -1 "$DIR/n$n/postmaster.pid")" 2> /dev/null || true
    echo "killed n$n (port $p) with its keeper"
    # Like `perform failover`, return once the other node has been promoted.
    deadline=$((SECONDS + ${WAIT_SECS:-120}))
    until [ "$(primary_port || true)" = "$(node_port $((3 - n)))" ]; do
      [ $SECONDS -lt $deadline ] || { echo "cluster.sh: no promotion after the host died" >&2; state >&2; exit 1; }
      sleep 0.2
    done
    ;;
  stop-secondary)
    n=$(primary_node)
    n=$((3 - n))
    as_pg pg_ctl --pgdata "$DIR/n$n" --mode fast stop > /dev/null
    echo "stopped n$n"
    ;;
  rejoin)
    for n in 1 2; do
      pidfile="/tmp/pg_autoctl$DIR/n$n/pg_autoctl.pid"
      if ! { [ -f "$pidfile" ] && kill -0 "$(head -1 "$pidfile")" 2> /dev/null; }; then
        rm -f "$DIR/n$n/postmaster.pid"
        start_keeper "n$n"
      fi
    done
    wait_for n1 n2
    ;;
  down)
    for d in n1 n2 monitor; do
      [ -d "$DIR/$d" ] && as_pg pg_autoctl stop --pgdata "$DIR/$d" --immediate > /dev/null 2>&1 || true
    done
    # The keepers stop their Postgres as they go; anything left is stopped here.
    for d in n1 n2 monitor; do
      for _ in $(seq 50); do [ -f "$DIR/$d/postmaster.pid" ] || break; sleep 0.1; done
      [ -f "$DIR/$d/postmaster.pid" ] && as_pg pg_ctl --pgdata "$DIR/$d" --mode immediate stop > /dev/null 2>&1 || true
    done
    rm -rf "$DIR"
    ;;
  *) sed -n 2,15p "$0" >&2; exit 2 ;;
esac
