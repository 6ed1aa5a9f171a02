#!/usr/bin/env bash
# make bench: 1,000,000 contacts; the contact list through the API (wrk, 64 connections)
# next to pgbench running the same SQL; lead ingestion through the API next to pgbench running
# the ingest transaction's statements; the CSV export next to psql COPY.
# Knobs: BENCH_CONTACTS (1000000), BENCH_SECONDS (20), BENCH_CONNECTIONS (64), BENCH_ROUNDS (3).
set -euo pipefail
cd "$(dirname "$0")/.."

n=${BENCH_CONTACTS:-1000000}
source bench/setup.sh
source bench/summary.sh

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
rounds=${BENCH_ROUNDS:-3}
list_rows=""
ratios=""
shares=""
api_all=""
pg_all=""
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
  shares="$shares ${ratio%\%}"
  api_all="$api_all $api_rps"
  pg_all="$pg_all $pg_tps"
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

echo "== the ingest transaction's statements through pgbench (bench/ingest.sql): $conns clients, ${secs}s =="
key_hash=$("${psql_bench[@]}" -c "SELECT secret_hash FROM api_keys WHERE account_id = '$account' AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1")
rm -f /tmp/pgbench_log.*
pgbench -h "$pg_dir" -p "$pg_port" -U postgres -n -M prepared -c "$conns" -j 2 -T "$secs" -D account="$account" \
  -D key_hash="$key_hash" -l --log-prefix=/tmp/pgbench_log -f bench/ingest.sql bench >/tmp/pgbench-ingest.txt 2>&1
pg_ing_tps=$(awk -F' = ' '/^tps/ {split($2, a, " "); printf "%.0f", a[1]}' /tmp/pgbench-ingest.txt)
read -r pg_ing_p50 pg_ing_p99 < <(cat /tmp/pgbench_log.* | python3 -c "
import sys
v = sorted(int(l.split()[2]) for l in sys.stdin)
print(f'{v[len(v)//2]/1000:.2f}ms', f'{v[int(len(v)*0.99)]/1000:.2f}ms')")
ing_share=$(python3 -c "print(f'{100 * $ing_rps / $pg_ing_tps:.0f}%')")

# The ingestion above added leads; the export reads the account as the list saw it.
echo "== export: GET /api/v1/contacts/export.csv (every contact of the account) next to psql \\copy of the same columns =="
export_secs() {
  local start
  start=$(date +%s.%N)
  "$@" >/dev/null
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$start" "$(date +%s.%N)"
}
exported=$(curl -sf -H "authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/contacts/export.csv" | wc -l)
copy_sql="COPY (SELECT c.id, c.name, c.email, c.phone, c.status, u.name, s.name, c.channel, c.source, c.medium,
  c.campaign, c.referrer, c.page_url, c.ip, c.city, c.region, c.country, c.contact_hours, c.rating,
  array_to_string(c.tags, ';'), c.first_contact_at, c.created_at
  FROM contacts c LEFT JOIN users u ON u.id = c.assignee_id LEFT JOIN sites s ON s.id = c.site_id
  WHERE c.account_id = '$account' ORDER BY c.first_contact_at DESC, c.id DESC) TO STDOUT WITH (FORMAT csv, HEADER)"
# Alternating, like the list: one pair can swing by a fifth either way on this machine.
api_exports=""
copy_exports=""
export_shares=""
for round in $(seq 1 "$rounds"); do
  a=$(export_secs curl -sf -o /dev/null -H "authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/contacts/export.csv")
  c=$(export_secs "${psql_bench[@]}" -c "$copy_sql")
  api_exports="$api_exports $a"
  copy_exports="$copy_exports $c"
  export_shares="$export_shares${export_shares:+, }$(python3 -c "print(f'{100 * $c / $a:.0f}%')")"
done
middle() { python3 -c "import statistics, sys; print(f'{statistics.median(map(float, sys.argv[1:])):.2f}')" $1; }
api_export=$(middle "$api_exports")
copy_export=$(middle "$copy_exports")
export_share="$(middle "$(echo "$export_shares" | tr -d '%,')" | cut -d. -f1)%"

cat <<REPORT

| what ($total contacts, $conns connections, ${secs}s, $(nproc) cores) | req/s | p50 | p99 |
|---|---|---|---|
$list_rows| API: lead ingestion (new e-mail each) | $ing_rps | $ing_p50 | $ing_p99 |
| pgbench: the ingest transaction's statements | $pg_ing_tps | $pg_ing_p50 | $pg_ing_p99 |

API list throughput as a share of pgbench's, per round: $ratios.
API ingestion as a share of pgbench's: $ing_share (aim ≥ 60%).

| export of $((exported - 1)) contacts (median of $rounds rounds) | seconds | every round |
|---|---|---|
| API: GET /api/v1/contacts/export.csv | $api_export |$api_exports |
| psql: COPY of the same columns, joined the same way | $copy_export |$copy_exports |

API export speed as a share of COPY's: $export_share (rounds: $export_shares; aim ≥ 80%).
REPORT

list_share=$(echo $shares | median)
summary_row "Contact list, first page of 50 + tab counts ($total contacts; median of $rounds rounds)" \
  "$(echo $api_all | median) req/s" "pgbench, same 2 statements: $(echo $pg_all | median) tps" "$list_share% (rounds: $ratios)" "≥ 70%"
summary_row "Lead ingestion, new e-mail each" "$ing_rps leads/s (p99 $ing_p99)" \
  "pgbench, the ingest transaction: $pg_ing_tps tps" "$ing_share" "≥ 60%"
summary_row "CSV export of $((exported - 1)) contacts (median of $rounds rounds)" "$api_export s" \
  "psql COPY, same columns and joins: $copy_export s" "$export_share (rounds: $export_shares)" "≥ 80%"
