#!/usr/bin/env bash
# make test-rolling: nginx (deploy/nginx/prospecta-proxy.conf) in front of three instances on
# one PostgreSQL; the driver (bench/realtime ha-drive) lists, writes leads and holds event
# streams through nginx while the instances are restarted one by one. Every request must
# succeed and every stream resume without a gap.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh
export LB_DIR=${LB_DIR:-$PWD/.data/lb} LB_PORT=${LB_PORT:-18300}
PG_PORT=$(free_port)
cargo build -q -p api --bin prospecta
cargo build -q -p bench-realtime --bin ha-drive
rm -rf "$LB_DIR" && mkdir -p "$LB_DIR/nginx"

cleanup() {
  scripts/lb/instances.sh stop || true
  [ -f "$LB_DIR/nginx/nginx.pid" ] && kill "$(cat "$LB_DIR/nginx/nginx.pid")" 2> /dev/null || true
  scripts/pg.sh stop "$LB_DIR/pg" > /dev/null 2>&1 || true
}
trap cleanup EXIT

PG_EXTRA_OPTS="-c max_connections=200" scripts/pg.sh fresh "$LB_DIR/pg" "$PG_PORT" > /dev/null
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
export JWT_SECRET=$(random_secret)
export API_KEY_RATE_PER_MINUTE=0 LOGIN_RATE_PER_MINUTE=0 RUST_LOG=${RUST_LOG:-warn}
# The instances see nginx's address; the client's comes from X-Forwarded-For.
export TRUSTED_PROXIES=127.0.0.1 WORKERS=2 DB_POOL_SIZE=8 DB_READ_POOL_PER_WORKER=4

# Three instances starting at once on an empty database: they take the migrations' advisory
# lock in turn (one applies them, the others find nothing left). Then the demo account, by a
# fourth start that seeds it and stops.
for n in 1 2 3; do scripts/lb/instances.sh start "$n" & done
for job in $(jobs -p); do wait "$job"; done
applied=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM __diesel_schema_migrations")
[ "$applied" = "$(ls -d migrations/*/ | wc -l)" ] || { echo "test-rolling: $applied migrations recorded" >&2; exit 1; }
seed_demo "$LB_DIR/seed.log"

cat > "$LB_DIR/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $LB_DIR/nginx/nginx.pid;
error_log $LB_DIR/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log $LB_DIR/nginx/access.log;
  client_body_temp_path $LB_DIR/nginx/body;
  proxy_temp_path $LB_DIR/nginx/proxy;
  fastcgi_temp_path $LB_DIR/nginx/fastcgi;
  uwsgi_temp_path $LB_DIR/nginx/uwsgi;
  scgi_temp_path $LB_DIR/nginx/scgi;
  upstream prospecta {
    server 127.0.0.1:$((LB_PORT + 1)) max_fails=1 fail_timeout=2s;
    server 127.0.0.1:$((LB_PORT + 2)) max_fails=1 fail_timeout=2s;
    server 127.0.0.1:$((LB_PORT + 3)) max_fails=1 fail_timeout=2s;
  }
  server {
    listen 127.0.0.1:$LB_PORT;
    include $PWD/deploy/nginx/prospecta-proxy.conf;
  }
}
CONF
nginx -t -c "$LB_DIR/nginx/nginx.conf" -p "$LB_DIR/nginx" 2> "$LB_DIR/nginx/test.log" || { cat "$LB_DIR/nginx/test.log" >&2; exit 1; }
nginx -c "$LB_DIR/nginx/nginx.conf" -p "$LB_DIR/nginx"

HA_BASES="http://127.0.0.1:$LB_PORT" HA_NODE_PORTS="" HA_CLUSTER=scripts/lb/instances.sh \
  HA_STEPS=restart-1,restart-2,restart-3 HA_STRICT=1 HA_EXPORT_ROWS=0 HA_SETTLE_SECS=3 \
  HA_DATABASE_URL="$DATABASE_URL" target/debug/ha-drive
if grep -E '\[(error|crit)\]' "$LB_DIR/nginx/error.log" | grep -v 'connect() failed' | head -5 | grep -q .; then
  echo "nginx logged errors besides refused connections (an instance restarting):" >&2
  grep -E '\[(error|crit)\]' "$LB_DIR/nginx/error.log" | grep -v 'connect() failed' | head -5 >&2
  exit 1
fi
