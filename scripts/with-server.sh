#!/usr/bin/env bash
# Starts the built server on a fresh database in the test cluster, runs the given command
# with E2E_BASE_URL pointing at it (and E2E_DATABASE_URL at its database, where tests read
# the e-mailed links), then stops the server.
#   scripts/with-server.sh ADMIN_URL PORT -- command args…
set -euo pipefail
admin_url=$1 port=$2
shift 3

db=e2e_$$
base_url=${admin_url%/*}
psql "$admin_url" -qtAc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
log=$(mktemp)
# Webhooks may reach receivers the tests start on loopback.
# The packaged GeoIP database when `make tools` installed it (the browser tests place a lead).
WEBHOOK_ALLOW_PRIVATE=true WEBHOOK_POLL_MS=50 GEOIP_DB="${GEOIP_DB-$(scripts/geoip.sh paths)}" \
  DATABASE_URL="$base_url/$db" BIND="127.0.0.1:$port" PUBLIC_URL="http://127.0.0.1:$port" STATIC_DIR=frontend/dist RUST_LOG=warn \
  target/debug/prospecta serve --seed-demo --dev >"$log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  psql "$admin_url" -qtAc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "server did not become ready" >&2; cat "$log" >&2; exit 1; }

E2E_BASE_URL="http://127.0.0.1:$port" E2E_DATABASE_URL="$base_url/$db" "$@"
