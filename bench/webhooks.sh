#!/usr/bin/env bash
# make bench-webhooks: the webhook sender draining its outbox to a receiver on loopback, and
# the latency of events at a steady rate (bench/realtime/src/webhooks.rs).
# Knobs: BACKLOG (20000 at once), RATE (1000 events/s), SECONDS (15).
set -euo pipefail
cd "$(dirname "$0")/.."
port=18092
pg_port=55436
pg_dir=$(realpath -m .data/pg-bench-wh)
db_url="postgres://postgres@${pg_dir//\//%2F}:$pg_port/webhooks"
PG_EXTRA_OPTS="-c max_connections=100" scripts/pg.sh start .data/pg-bench-wh "$pg_port" webhooks
cargo build --release -q -p api -p bench-realtime
DATABASE_URL=$db_url target/release/prospecta migrate >/dev/null
# The receiver is on loopback: allowed here, refused in a real install.
DATABASE_URL=$db_url BIND=127.0.0.1:$port RUST_LOG=warn DB_POOL_SIZE=16 WEBHOOK_ALLOW_PRIVATE=true \
  target/release/prospecta serve --dev >/tmp/prospecta-bench-wh.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
BENCH_DB="$db_url" timeout 900 target/release/bench-webhooks | tee /tmp/bench-webhooks.txt
source bench/summary.sh
rate=$(sed -n 's/.*drained in .*: \([0-9]*\) events\/s/\1 events\/s/p' /tmp/bench-webhooks.txt)
latency=$(sed -n 's/.*latency written → received (ms): p50 \([0-9]*\) p90 [0-9]* p99 \([0-9]*\) .*/p50 \1 ms, p99 \2 ms/p' /tmp/bench-webhooks.txt)
summary_row "Webhooks: outbox to a loopback receiver (${BACKLOG:-20000} at once; ${RATE:-1000}/s for ${SECONDS:-15} s)" \
  "$rate; at ${RATE:-1000}/s $latency" "–" "–" "≥ 1,000 events/s; p99 < 1 s"
