#!/usr/bin/env bash
# Local PostgreSQL cluster in a project folder.
#   scripts/pg.sh start DIR PORT [DBNAME]   init if needed, start if stopped, create DBNAME
#   scripts/pg.sh stop DIR
#   scripts/pg.sh fresh DIR PORT            wipe, init and start (throwaway test clusters)
# As root, initdb and pg_ctl run as the `postgres` user, which PostgreSQL requires.
set -euo pipefail

cmd=$1
dir=$(realpath -m "$2")
port=${3:-55432}
dbname=${4:-}

pgbin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  echo "PostgreSQL server binaries not found (set PG_BIN)" >&2
  exit 1
fi

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

init() {
  if [ ! -f "$dir/PG_VERSION" ]; then
    if [ "$(id -u)" = 0 ]; then install -d -o postgres -m 700 "$dir"; else mkdir -p -m 700 "$dir"; fi
    as_pg "$pgbin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --no-instructions >"$dir.init.log" 2>&1 ||
      { cat "$dir.init.log" >&2; exit 1; }
  fi
}

start() {
  if ! as_pg "$pgbin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port $port is taken by another server; choose another (PG_PORT / TEST_PG_PORT)" >&2
      exit 1
    fi
    as_pg "$pgbin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 ${PG_EXTRA_OPTS:-}" start >/dev/null ||
      { tail -n 20 "$dir/server.log" >&2; exit 1; }
  fi
}

stop() {
  if [ -f "$dir/PG_VERSION" ] && as_pg "$pgbin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    as_pg "$pgbin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
  fi
}

create_db() {
  if [ -n "$dbname" ]; then
    local psql=("$pgbin/psql" -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -qtA)
    if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$dbname'")" != 1 ]; then
      "${psql[@]}" -d postgres -c "CREATE DATABASE \"$dbname\""
    fi
  fi
}

case "$cmd" in
  start) init; start; create_db ;;
  stop) stop ;;
  fresh) stop; rm -rf "$dir"; init; start; create_db ;;
  *) echo "usage: $0 start|stop|fresh DIR [PORT] [DBNAME]" >&2; exit 2 ;;
esac
