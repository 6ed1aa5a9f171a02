#!/usr/bin/env bash
# make bench: 1,000,000 contacts; the contact list through the API (wrk, 64 connections)
# next to pgbench running the same SQL; then lead ingestion through the API.
# Knobs: BENCH_CONTACTS (1000000), BENCH_SECONDS (20), BENCH_CONNECTIONS (64), BENCH_ROUNDS (2).
set -euo pipefail
cd "$(dirname "$0")/.."

n=${BENCH_CONTACTS:-1000000}
secs=${BENCH_SECONDS:-20}
conns=${BENCH_CONNECTIONS:-64}
port=18090
pg_port=55434
# The API and pgbench both reach PostgreSQL over its Unix socket, as a server on the same
# host would: loopback TCP costs each round trip more kernel time than the query itself.
pg_dir=$(realpath -m .data/pg-bench)
db_url="postgres://postgres@${pg_dir//\//%2F}:$pg_port/bench"
psql_bench=(psql -h "$pg_dir" -p "$pg_port" -U postgres -d bench -v ON_ERROR_STOP=1 -qtA)

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
PG_EXTRA_OPTS="-c shared_buffers=1GB -c max_connections=300 -c work_mem=16MB" scripts/pg.sh start .data/pg-bench "$pg_port" bench
cargo build --release -q -p api
DATABASE_URL=$db_url target/release/prospecta migrate >/dev/null

# The ingestion load is one API key at thousands of leads a second: its rate limit is off here.
DATABASE_URL=$db_url BIND=127.0.0.1:$port RUST_LOG=warn DB_POOL_SIZE=32 ACCESS_TOKEN_TTL_SECS=7200 \
  LOGIN_MAX_FAILURES=1000 API_KEY_RATE_PER_MINUTE=0 target/release/prospecta serve >/tmp/prospecta-bench.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

api() { curl -sf "http://127.0.0.1:$port$1" "${@:2}"; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
creds='{"email":"bench@bench.test","password":"bench password 123"}'
# The link in the newest e-mail to $1 that starts with $2, as its owner would open it.
mailed_token() {
  "${psql_bench[@]}" -c "SELECT body FROM email_outbox WHERE to_address = '$1' ORDER BY created_at DESC LIMIT 1" |
    grep -o "$2[A-Za-z0-9_]*" | head -n 1 | sed "s|$2||"
}
if ! tokens=$(api /api/v1/auth/login -H 'content-type: application/json' -d "$creds"); then
  api /api/v1/auth/signup -H 'content-type: application/json' \
    -d '{"account_name":"Bench","name":"Bench Admin","email":"bench@bench.test","password":"bench password 123"}'
  tokens=$(api /api/v1/auth/signup/confirm -H 'content-type: application/json' \
    -d "{\"token\":\"$(mailed_token bench@bench.test '/verify-email?token=')\"}")
fi
token=$(echo "$tokens" | json "['access_token']")
account=$(echo "$tokens" | json "['user']['account_id']")
for i in 1 2 3 4 5; do
  api /api/v1/auth/login -H 'content-type: application/json' \
    -d "{\"email\":\"agent$i@bench.test\",\"password\":\"bench password 123\"}" >/dev/null && continue
  api /api/v1/invitations -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"email\":\"agent$i@bench.test\",\"name\":\"Agent $i\",\"role\":\"agent\"}" >/dev/null
  api /api/v1/invitations/accept -H 'content-type: application/json' \
    -d "{\"token\":\"$(mailed_token "agent$i@bench.test" '/accept-invitation?token=')\",\"password\":\"bench password 123\"}" >/dev/null
done

have=$("${psql_bench[@]}" -c "SELECT count(*) FROM contacts WHERE account_id = '$account' AND email LIKE 'lead%@bench.test'")
if [ "$have" -lt "$n" ]; then
  echo "seeding contacts $((have + 1))..$n"
  start=$(date +%s)
  "${psql_bench[@]}" -v account="$account" -v start=$((have + 1)) -v n="$n" -f bench/seed.sql
  echo "seeded in $(( $(date +%s) - start )) s"
fi
# Leads from earlier ingestion runs would grow the table run after run: start from the seed.
extra=$("${psql_bench[@]}" -c "SELECT count(*) FROM contacts WHERE account_id = '$account' AND email NOT LIKE 'lead%@bench.test'")
if [ "$extra" -gt 0 ]; then
  echo "removing $extra leads of earlier runs"
  "${psql_bench[@]}" -c "BEGIN" -c "SET LOCAL prospecta.bulk_counts = 'on'" \
    -c "DELETE FROM contacts WHERE account_id = '$account' AND email NOT LIKE 'lead%@bench.test'" \
    -c "SELECT contact_counts_flush_bulk()" -c "COMMIT" >/dev/null
  "${psql_bench[@]}" -c "VACUUM ANALYZE contacts"
fi
total=$("${psql_bench[@]}" -c "SELECT count(*) FROM contacts WHERE account_id = '$account'")

# The list and pgbench alternate for BENCH_ROUNDS rounds: on a shared machine either can
# swing by a third from one minute to the next, so each round compares neighbours in time.
rounds=${BENCH_ROUNDS:-2}
list_rows=""
ratios=""
api "/api/v1/contacts?limit=50" -H "authorization: Bearer $token" >/dev/null
for round in $(seq 1 "$rounds"); do
  echo
  echo "== round $round: GET /api/v1/contacts?limit=50 (admin, $total contacts), $conns connections, ${secs}s =="
  wrk -t2 -c"$conns" -d"${secs}s" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/contacts?limit=50" >/tmp/wrk-list.txt
  api_rps=$(awk '/^Requests\/sec/ {print $2}' /tmp/wrk-list.txt)
  api_p50=$(awk '$1 == "50%" {print $2}' /tmp/wrk-list.txt)
  api_p99=$(awk '$1 == "99%" {print $2}' /tmp/wrk-list.txt)
  grep -E "Non-2xx|Socket errors" /tmp/wrk-list.txt || true

  echo "== round $round: the same SQL through pgbench: $conns clients, ${secs}s =="
  rm -f /tmp/pgbench_log.*
  pgbench -h "$pg_dir" -p "$pg_port" -U postgres -n -M prepared -c "$conns" -j 2 -T "$secs" -D account="$account" \
    -l --log-prefix=/tmp/pgbench_log -f bench/list.sql bench >/tmp/pgbench-list.txt 2>&1
  pg_tps=$(awk -F' = ' '/^tps/ {split($2, a, " "); printf "%.0f", a[1]}' /tmp/pgbench-list.txt)
  read -r pg_p50 pg_p99 < <(cat /tmp/pgbench_log.* | python3 -c "
import sys
v = sorted(int(l.split()[2]) for l in sys.stdin)
print(f'{v[len(v)//2]/1000:.2f}ms', f'{v[int(len(v)*0.99)]/1000:.2f}ms')")
  ratio=$(python3 -c "print(f'{100 * $api_rps / $pg_tps:.0f}%')")
  ratios="$ratios${ratios:+, }$ratio"
  list_rows+="| round $round: API contact list, first page of 50 + tab counts | $api_rps | $api_p50 | $api_p99 |
| round $round: pgbench, the same two queries | $pg_tps | $pg_p50 | $pg_p99 |
"
done

echo "== ingestion: POST /api/v1/leads (new e-mail each), $conns connections, ${secs}s =="
key=$(api /api/v1/api-keys -H "authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"name":"bench","scopes":["leads:ingest"]}' | json "['secret']")
wrk -t2 -c"$conns" -d"${secs}s" --latency -s bench/ingest.lua "http://127.0.0.1:$port" -- "$(date +%s)" "$key" >/tmp/wrk-ingest.txt
ing_rps=$(awk '/^Requests\/sec/ {print $2}' /tmp/wrk-ingest.txt)
ing_p50=$(awk '$1 == "50%" {print $2}' /tmp/wrk-ingest.txt)
ing_p99=$(awk '$1 == "99%" {print $2}' /tmp/wrk-ingest.txt)
grep -E "Non-2xx|Socket errors" /tmp/wrk-ingest.txt || true

cat <<REPORT

| what ($total contacts, $conns connections, ${secs}s, $(nproc) cores) | req/s | p50 | p99 |
|---|---|---|---|
$list_rows| API: lead ingestion | $ing_rps | $ing_p50 | $ing_p99 |

API list throughput as a share of pgbench's, per round: $ratios.
REPORT
