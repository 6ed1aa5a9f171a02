#!/usr/bin/env bash
# make test-ha: a pg_auto_failover formation (scripts/ha/cluster.sh), two API instances on its
# multi-host URL, and the driver (bench/realtime/src/ha/) writing leads and holding event
# streams while the primary fails over, then while the new primary's postmaster is killed.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh
export HA_DIR=${HA_DIR:-$PWD/.data/ha} HA_PORT=${HA_PORT:-25100}
LOGS=${HA_LOGS:-$PWD/target/ha}
mkdir -p "$LOGS"
cargo build -q -p api --bin prospecta
cargo build -q -p bench-realtime --bin ha-drive

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  scripts/ha/cluster.sh down > /dev/null 2>&1 || true
}
trap cleanup EXIT

started=$SECONDS
urls=$(scripts/ha/cluster.sh up)
while IFS='=' read -r name value; do export "$name=$value"; done < <(echo "$urls" | grep '_URL=')
echo "test-ha: formation up in $((SECONDS - started)) s"
scripts/ha/cluster.sh state

export JWT_SECRET=$(random_secret)
# The driver's writers would meet the per-key request limit, not the database.
export API_KEY_RATE_PER_MINUTE=0 LOGIN_RATE_PER_MINUTE=0 RUST_LOG=${RUST_LOG:-warn}
# Small export pages: the export on the standby is still being read when the standby stops.
export EXPORT_PAGE_ROWS=200
api1=18201 api2=18203
BIND=127.0.0.1:$api1 METRICS_BIND=127.0.0.1:$((api1 + 1)) target/debug/prospecta serve --seed-demo > "$LOGS/api1.log" 2>&1 &
pids+=($!)
wait_ready "http://127.0.0.1:$api1" || { cat "$LOGS/api1.log" >&2; exit 1; }
BIND=127.0.0.1:$api2 target/debug/prospecta serve > "$LOGS/api2.log" 2>&1 &
pids+=($!)
wait_ready "http://127.0.0.1:$api2" || { cat "$LOGS/api2.log" >&2; exit 1; }

HA_BASES="http://127.0.0.1:$api1,http://127.0.0.1:$api2" \
  HA_NODE_PORTS="$((HA_PORT + 1)),$((HA_PORT + 2))" \
  HA_DATABASE_URL="$DATABASE_URL" HA_METRICS="http://127.0.0.1:$((api1 + 1))" \
  HA_STEPS=${HA_STEPS:-failover,kill-primary,kill-primary-host} \
  target/debug/ha-drive
