#!/usr/bin/env bash
# make bench-import (also part of make bench): a CSV import on a new account, as a new customer
# bringing their base does it first. Knobs: BENCH_IMPORT_ROWS (100000).
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${BENCH_IMPORT_ROWS:-100000}
source bench/setup.sh
source bench/summary.sh

# A new account each run: the point is the first import, into an empty contacts list. Earlier
# runs' accounts go first (untimed), so the database does not grow run after run.
"${psql_bench[@]}" -c "BEGIN" -c "SET LOCAL prospecta.bulk_counts = 'on'" \
  -c "DELETE FROM accounts WHERE name LIKE 'Import %'" -c "SELECT contact_counts_flush_bulk()" -c "COMMIT" >/dev/null
stamp=$(date +%s%N)
email="import-$stamp@bench.test"
api /api/v1/auth/signup -H 'content-type: application/json' \
  -d "{\"account_name\":\"Import $stamp\",\"name\":\"Importer\",\"email\":\"$email\",\"password\":\"bench password 123\"}" >/dev/null
fresh=$(api /api/v1/auth/signup/confirm -H 'content-type: application/json' \
  -d "{\"token\":\"$(mailed_token "$email" '/verify-email?token=')\"}" | json "['access_token']")

body=/tmp/prospecta-import.csv
python3 - "$rows" "$body" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("nome;e-mail;telefone;origem\n")
    for i in range(n):
        f.write(f"Pessoa {i};pessoa{i}@example.com;(11) 9{i // 10000:04d}-{i % 10000:04d};feira\n")
PY
mapping=$(python3 -c 'import json, urllib.parse; print(urllib.parse.quote(json.dumps({"name": "nome", "email": "e-mail", "phone": "telefone", "source": "origem"})))')
echo "== import of $rows rows ($(du -h "$body" | cut -f1) of CSV, sent as text/csv) on a new account =="
start=$(date +%s.%N)
job=$(api "/api/v1/contact-imports?mapping=$mapping" -H "authorization: Bearer $fresh" -H 'content-type: text/csv' --data-binary @"$body" | json "['id']")
while :; do
  state=$(api "/api/v1/contact-imports/$job" -H "authorization: Bearer $fresh")
  status=$(echo "$state" | json "['status']")
  [ "$status" != running ] && break
  sleep 0.2
  rss=$(ps -o rss= -p "$server" 2>/dev/null || echo 0)
  [ "${rss:-0}" -gt "${peak_rss:-0}" ] && peak_rss=$rss
done
end=$(date +%s.%N)
[ "$status" = completed ] || { echo "import $status: $state"; exit 1; }
created=$(echo "$state" | json "['created']")
python3 - "$rows" "$created" "$start" "$end" "${peak_rss:-0}" <<'PY'
import sys
rows, created, start, end, rss = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
took = end - start
print(f"""
| | rows | created | seconds | rows/s | server RSS peak |
|---|---|---|---|---|---|
| CSV import, new account (upload + job) | {rows:,} | {created:,} | {took:.1f} | {rows / took:,.0f} | {rss / 1024:.0f} MB |""")
PY
summary_row "CSV import of $rows rows on a new account (upload + job)" \
  "$(python3 -c "print(f'{$end - $start:.1f} s, {$rows / ($end - $start):,.0f} rows/s, RSS peak {${peak_rss:-0} / 1024:.0f} MB')")" \
  "–" "–" "100,000 rows < 30 s; 1,000,000 < 5 min"
rm -f "$body"
