#!/usr/bin/env bash
# make bench-board (and the last part of make bench): a board of 5,000 cards over 8 stages,
# with labels, members, deal values and linked contacts. The board view through the API (wrk)
# next to pgbench running the same SQL, then the SPA's first render of the board in Chromium.
# Knobs: BENCH_CARDS (5000), BENCH_SECONDS (20), BENCH_CONNECTIONS (64), BENCH_ROUNDS (3).
set -euo pipefail
cd "$(dirname "$0")/.."

cards=${BENCH_CARDS:-5000}
source bench/setup.sh
source bench/summary.sh

# Half the cards link a contact: a standalone run seeds that many leads if the account has fewer.
have=$("${psql_bench[@]}" -c "SELECT count(*) FROM contacts WHERE account_id = '$account'")
if [ "$have" -lt $((cards / 2)) ]; then
  "${psql_bench[@]}" -v account="$account" -v start=$((have + 1)) -v n=$((cards / 2)) -f bench/seed.sql
fi
auth=(-H "authorization: Bearer $token" -H 'content-type: application/json')
board=$("${psql_bench[@]}" -c "SELECT id FROM boards WHERE account_id = '$account' AND name = 'Bench board'")
if [ -z "$board" ]; then
  agents=$("${psql_bench[@]}" -c "SELECT json_agg(id) FROM users WHERE account_id = '$account' AND role = 'agent'")
  board=$(api /api/v1/boards "${auth[@]}" \
    -d "{\"name\":\"Bench board\",\"template\":\"sales_pipeline\",\"member_ids\":$agents}" | json "['id']")
  for stage in "Contract signed" "Installed"; do
    api "/api/v1/boards/$board/stages" "${auth[@]}" -d "{\"name\":\"$stage\",\"stale_days\":10}" >/dev/null
  done
  for label in Hot Warm Cold Enterprise Referral; do
    api "/api/v1/boards/$board/labels" "${auth[@]}" -d "{\"name\":\"$label\"}" >/dev/null
  done
fi
"${psql_bench[@]}" -v account="$account" -v board="$board" -v n="$cards" -f bench/board-seed.sql >/dev/null
mapfile -t stages < <("${psql_bench[@]}" -c "SELECT id FROM board_stages WHERE board_id = '$board' ORDER BY position")
url="http://127.0.0.1:$port/api/v1/boards/$board/cards"
view=$(api "/api/v1/boards/$board/cards" -H "authorization: Bearer $token")
ids() { echo "$view" | python3 -c "import json,sys; v=json.load(sys.stdin); print('{' + ','.join(sorted({$1})) + '}')"; }
card_ids=$(ids "c['id'] for s in v['stages'] for c in s['cards']")
contact_ids=$(ids "c['contact']['id'] for s in v['stages'] for c in s['cards'] if c['contact']")
stage_ids=$(ids "s['stage_id'] for s in v['stages']")
shown=$(echo "$view" | python3 -c "import json,sys; print(sum(len(s['cards']) for s in json.load(sys.stdin)['stages']))")
defines=(-D account="$account" -D board="$board" -D card_ids="$card_ids" -D contact_ids="$contact_ids" -D stage_ids="$stage_ids")
for i in "${!stages[@]}"; do defines+=(-D "s$((i + 1))=${stages[$i]}"); done

rounds=${BENCH_ROUNDS:-3}
rows=""
ratios=""
shares=""
api_all=""
pg_all=""
for round in $(seq 1 "$rounds"); do
  echo "== round $round: GET /api/v1/boards/{id}/cards ($cards cards, ${#stages[@]} stages, 20 per stage), $conns connections, ${secs}s =="
  wrk -t2 -c"$conns" -d"${secs}s" --latency -H "Authorization: Bearer $token" "$url" >/tmp/wrk-board.txt
  api_rps=$(awk '/^Requests\/sec/ {print $2}' /tmp/wrk-board.txt)
  api_p50=$(awk '$1 == "50%" {print $2}' /tmp/wrk-board.txt)
  api_p99=$(awk '$1 == "99%" {print $2}' /tmp/wrk-board.txt)
  grep -E "Non-2xx|Socket errors" /tmp/wrk-board.txt || true
  echo "== round $round: the same SQL through pgbench: $conns clients, ${secs}s =="
  rm -f /tmp/pgbench_log.*
  pgbench -h "$pg_dir" -p "$pg_port" -U postgres -n -M prepared -c "$conns" -j 2 -T "$secs" "${defines[@]}" \
    -l --log-prefix=/tmp/pgbench_log -f bench/board.sql bench >/tmp/pgbench-board.txt 2>&1 || { cat /tmp/pgbench-board.txt; exit 1; }
  pg_tps=$(awk -F' = ' '/^tps/ {split($2, a, " "); printf "%.0f", a[1]}' /tmp/pgbench-board.txt)
  read -r pg_p50 pg_p99 < <(cat /tmp/pgbench_log.* | python3 -c "
import sys
v = sorted(int(l.split()[2]) for l in sys.stdin)
print(f'{v[len(v)//2]/1000:.2f}ms', f'{v[int(len(v)*0.99)]/1000:.2f}ms')")
  ratio=$(python3 -c "print(f'{100 * $api_rps / $pg_tps:.0f}%')")
  ratios="$ratios${ratios:+, }$ratio"
  shares="$shares ${ratio%\%}"
  api_all="$api_all $api_rps"
  pg_all="$pg_all $pg_tps"
  rows+="| round $round: API board view, 20 cards per stage + counts and sums | $api_rps | $api_p50 | $api_p99 |
| round $round: pgbench, the same 8 statements | $pg_tps | $pg_p50 | $pg_p99 |
"
done

# One request at a time: the latency a user opening the board sees, without queueing.
wrk -t1 -c1 -d10s --latency -H "Authorization: Bearer $token" "$url" >/tmp/wrk-board-1.txt
one_p50=$(awk '$1 == "50%" {print $2}' /tmp/wrk-board-1.txt)
one_p99=$(awk '$1 == "99%" {print $2}' /tmp/wrk-board-1.txt)

render="(frontend/dist not built: run scripts/build-frontend.sh)"
warm="not measured"
if [ -f frontend/dist/index.html ] && [ -x /usr/bin/chromium ]; then
  read -r warm cold < <(node bench/board-render.cjs "http://127.0.0.1:$port" bench@bench.test 'bench password 123' "$board" "$shown")
  render="${warm} ms (median of 5 loads; the first, with an empty cache: ${cold} ms)"
fi

cat <<REPORT

| board view ($cards cards, ${#stages[@]} stages, $conns connections, ${secs}s, $(nproc) cores) | req/s | p50 | p99 |
|---|---|---|---|
$rows| API board view, one connection (no queueing) | – | $one_p50 | $one_p99 |

API board-view throughput as a share of pgbench's, per round: $ratios.
SPA first render of the board ($shown cards on screen) in Chromium: $render.
REPORT

summary_row "Board view, 20 cards per stage ($cards cards, ${#stages[@]} stages; median of $rounds rounds)" \
  "$(echo $api_all | median) req/s; one connection p50 $one_p50" "pgbench, same 8 statements: $(echo $pg_all | median) tps" \
  "$(echo $shares | median)% (rounds: $ratios)" "≥ 70%; p50 < 20 ms"
summary_row "Board first render in Chromium ($shown cards on screen)" "$warm ms" "–" "–" "< 1,000 ms"
