#!/usr/bin/env bash
# make bench-reports (and part of make bench): the leads, sales, desk and pipelines reports
# over the last 90 days of the bench account (1,000,000 contacts over two years: about 123,000
# in the period; 100,000 conversations over the same two years: about 12,300 in the period;
# the pipelines report reads the account's boards, 5,000 cards once bench-board ran)
# through the API (wrk) next to pgbench running the same SQL. Aim: p50 < 300 ms, throughput
# ≥ 70% of pgbench's. Knobs: BENCH_CONTACTS (1000000), BENCH_CONVERSATIONS (100000), BENCH_SECONDS (20),
# BENCH_REPORT_CONNECTIONS (1: a manager opening the screen; the aim is one answer's latency).
set -euo pipefail
cd "$(dirname "$0")/.."

n=${BENCH_CONTACTS:-1000000}
source bench/setup.sh
source bench/summary.sh
conns=${BENCH_REPORT_CONNECTIONS:-1}

have=$("${psql_bench[@]}" -c "SELECT count(*) FROM contacts WHERE account_id = '$account' AND email LIKE 'lead%@bench.test'")
if [ "$have" -lt "$n" ]; then
  echo "seeding contacts $((have + 1))..$n"
  "${psql_bench[@]}" -v account="$account" -v start=$((have + 1)) -v n="$n" -f bench/seed.sql
fi
# Closings spread over the two years as the first contacts are (the seed's insert trigger
# stamps them all "now"): a sale a few weeks after its first contact.
"${psql_bench[@]}" -c "UPDATE contacts SET closed_at = least(now(), first_contact_at + (abs(hashtext(id::text)) % 40) * interval '1 day')
  WHERE account_id = '$account' AND status IN ('won', 'lost') AND closed_at > now() - interval '1 hour'
    AND first_contact_at < now() - interval '2 days'" >/dev/null
"${psql_bench[@]}" -c "VACUUM ANALYZE contacts" >/dev/null

chats=${BENCH_CONVERSATIONS:-100000}
have=$("${psql_bench[@]}" -c "SELECT count(*) FROM conversations WHERE account_id = '$account'")
if [ "$have" -lt "$chats" ]; then
  echo "seeding conversations $((have + 1))..$chats"
  "${psql_bench[@]}" -v account="$account" -v start=$((have + 1)) -v n="$chats" -f bench/desk-seed.sql
fi

today=$(date -u +%F)
from=$(date -u -d "$today - 89 days" +%F)
read -r prev_start start end_at < <(python3 -c "
from datetime import date, datetime, timedelta, timezone
t, f = date.fromisoformat('$today'), date.fromisoformat('$from')
at = lambda d: (datetime(d.year, d.month, d.day, tzinfo=timezone.utc) + timedelta(minutes=180)).isoformat()
print(at(f - timedelta(days=90)), at(f), at(t + timedelta(days=1)))")
in_period=$("${psql_bench[@]}" -c "SELECT count(*) FROM contacts WHERE account_id = '$account' AND first_contact_at >= '$start' AND first_contact_at < '$end_at'")
chats_in_period=$("${psql_bench[@]}" -c "SELECT count(*) FROM conversations WHERE account_id = '$account' AND waiting_since >= '$start' AND waiting_since < '$end_at'")
query="from=$from&to=$today&utc_offset=-180"

for report in leads sales desk pipelines; do
  api "/api/v1/reports/$report?$query" -H "authorization: Bearer $token" >/dev/null
  what="$in_period leads in the period"
  [ "$report" = desk ] && what="$chats_in_period chats in the period"
  echo "== GET /api/v1/reports/$report (90 days, $what), $conns connections, ${secs}s =="
  wrk -t"$(( conns < 2 ? conns : 2 ))" -c"$conns" -d"${secs}s" --timeout 30s --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/reports/$report?$query" >/tmp/wrk-report.txt
  api_rps=$(awk '/^Requests\/sec/ {print $2}' /tmp/wrk-report.txt)
  api_p50=$(awk '$1 == "50%" {print $2}' /tmp/wrk-report.txt)
  api_p99=$(awk '$1 == "99%" {print $2}' /tmp/wrk-report.txt)
  grep -E "Non-2xx|Socket errors" /tmp/wrk-report.txt || true

  echo "== the same SQL through pgbench (bench/reports-$report.sql): $conns clients, ${secs}s =="
  rm -f /tmp/pgbench_log.*
  pgbench -h "$pg_dir" -p "$pg_port" -U postgres -n -M prepared -c "$conns" -j "$(( conns < 2 ? conns : 2 ))" -T "$secs" \
    -D account="$account" -D prev_start="$prev_start" -D start="$start" -D end_at="$end_at" \
    -l --log-prefix=/tmp/pgbench_log -f "bench/reports-$report.sql" bench >/tmp/pgbench-report.txt 2>&1 ||
    { cat /tmp/pgbench-report.txt; exit 1; }
  pg_tps=$(awk -F' = ' '/^tps/ {split($2, a, " "); printf "%.1f", a[1]}' /tmp/pgbench-report.txt)
  pg_p50=$(cat /tmp/pgbench_log.* | python3 -c "
import sys
v = sorted(int(l.split()[2]) for l in sys.stdin)
print(f'{v[len(v)//2]/1000:.2f}ms')")
  share=$(python3 -c "print(f'{100 * $api_rps / $pg_tps:.0f}%')")
  echo "| $report report | API $api_rps req/s, p50 $api_p50, p99 $api_p99 | pgbench $pg_tps tps, p50 $pg_p50 | $share |"
  summary_row "Report: $report, 90 days ($what), $conns connections" \
    "$api_rps req/s, p50 $api_p50" "pgbench, same SQL: $pg_tps tps, p50 $pg_p50" "$share" "p50 < 300 ms; ≥ 70%"
done
