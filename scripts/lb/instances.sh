#!/usr/bin/env bash
# The instances of make test-rolling (scripts/lb/run.sh), numbered 1 to 3.
#
#   instances.sh start N     start instance N (port LB_PORT + N) and wait until /readyz answers
#   instances.sh restart-N   take N out of nginx's upstream (reload), SIGTERM it, wait for it to
#                            finish, start it again, wait until ready, put it back (reload)
#   instances.sh rejoin      nothing (the driver calls it after each step)
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
DIR=${LB_DIR:-$PWD/.data/lb}
PORT=${LB_PORT:-18300}

start() {
  local n=$1 port=$((PORT + $1))
  BIND=127.0.0.1:$port target/debug/prospecta serve >> "$DIR/api$n.log" 2>&1 &
  echo $! > "$DIR/api$n.pid"
  wait_ready "http://127.0.0.1:$port" 30 || { echo "instances.sh: instance $n not ready in 30 s" >&2; return 1; }
}

# Rewrites instance N's line in nginx's upstream and reloads nginx (a graceful reload).
upstream() {
  local conf=$DIR/nginx/nginx.conf
  sed -i -E "s#server 127\.0\.0\.1:$((PORT + n))( down)? #server $1 #" "$conf"
  nginx -c "$conf" -p "$DIR/nginx" -s reload
}

case "${1:-}" in
  start) start "$2" ;;
  restart-*)
    n=${1#restart-}
    pid=$(cat "$DIR/api$n.pid")
    started=$SECONDS
    # nginx (open source) cannot probe /readyz: it is told. With the instance marked `down`,
    # new requests go to the others while the old workers finish what they hold.
    upstream "127.0.0.1:$((PORT + n)) down"
    sleep 1
    kill -TERM "$pid"
    while kill -0 "$pid" 2> /dev/null; do sleep 0.1; done
    start "$n"
    upstream "127.0.0.1:$((PORT + n))"
    echo "instance $n restarted in $((SECONDS - started)) s"
    ;;
  rejoin) ;;
  stop)
    for f in "$DIR"/api*.pid; do [ -f "$f" ] && kill -TERM "$(cat "$f")" 2> /dev/null || true; done
    ;;
  *) sed -n 2,7p "$0" >&2; exit 2 ;;
esac
