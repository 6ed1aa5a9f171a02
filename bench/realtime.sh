#!/usr/bin/env bash
# make bench-realtime: SSE delivery latency and memory per stream (bench/realtime/src/main.rs).
# Knobs: CONNECTIONS (1000), AGENTS (50), CONVERSATIONS (200), RATE (200 msg/s), SECONDS (20),
# IDLE (10000 idle streams).
set -euo pipefail
cd "$(dirname "$0")/.."
port=18091
pg_port=55435
pg_dir=$(realpath -m .data/pg-bench-rt)
db_url="postgres://postgres@${pg_dir//\//%2F}:$pg_port/realtime"
# 10,000 streams need as many descriptors on each side.
ulimit -n "$(ulimit -Hn)"
PG_EXTRA_OPTS="-c max_connections=300" scripts/pg.sh start .data/pg-bench-rt "$pg_port" realtime
cargo build --release -q -p api -p bench-realtime
DATABASE_URL=$db_url target/release/prospecta migrate >/dev/null
# Public rate limits off: the load is one machine pretending to be hundreds of visitors.
DATABASE_URL=$db_url BIND=127.0.0.1:$port RUST_LOG=warn DB_POOL_SIZE=32 ACCESS_TOKEN_TTL_SECS=7200 \
  PUBLIC_RATE_PER_MINUTE=0 VISITOR_MESSAGES_PER_MINUTE=0 LOGIN_RATE_PER_MINUTE=0 SIGNUP_RATE_PER_HOUR=0 \
  EVENT_STREAMS_PER_USER=0 EVENT_STREAMS_MAX=0 INVITATIONS_PER_HOUR=0 \
  target/release/prospecta serve --dev >/tmp/prospecta-bench-rt.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
BENCH_BASE=http://127.0.0.1:$port BENCH_DB="$db_url" BENCH_SERVER_PID=$server \
  timeout 900 target/release/bench-realtime | tee /tmp/bench-realtime.txt
source bench/summary.sh
latency=$(sed -n 's/.*received (ms): p50 \([0-9.]*\) .*p99 \([0-9.]*\) .*/p50 \1 ms, p99 \2 ms/p' /tmp/bench-realtime.txt)
per_stream=$(grep -A1 '^phase 2' /tmp/bench-realtime.txt | sed -n 's/.*: \([0-9.]*\) KiB per stream/\1 KiB/p')
summary_row "Realtime: a message POSTed to its SSE events (${CONNECTIONS:-1000} streams, ${RATE:-200} msg/s)" \
  "$latency; idle stream $per_stream" "–" "–" "–"
