#!/usr/bin/env bash
# make bench-spa (and part of make bench): what each screen costs on a first visit, in
# Chromium with an empty cache: bytes downloaded until it is usable and the time to get
# there (bench/spa-load.cjs), for login, clients, the desk and a board. Next to them, the
# SPA's files as built. Knobs: BENCH_SPA_RUNS (5).
# Aims (issue 26): login usable after at most 250 KB; the whole SPA at most 600 KB brotli.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/setup.sh
source bench/summary.sh
[ -f frontend/dist/index.html ] || { echo "bench-spa: frontend/dist is not built (scripts/build-frontend.sh)" >&2; exit 1; }

board=$("${psql_bench[@]}" -c "SELECT id FROM boards WHERE account_id = '$account' ORDER BY created_at LIMIT 1")
if [ -z "$board" ]; then
  board=$(api /api/v1/boards -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d '{"name":"Bench SPA board","template":"sales_pipeline"}' | json "['id']")
fi
runs=${BENCH_SPA_RUNS:-5}
total=$(cat frontend/dist/*.br | wc -c)
wasm=$(cat frontend/dist/*.wasm.br | wc -c)

echo
echo "| screen, first visit (empty cache, $runs runs, median) | KB downloaded until usable | ms until usable |"
echo "|---|---|---|"
while read -r name bytes ms n; do
  kb=$(python3 -c "print(f'{$bytes / 1000:.1f}')")
  echo "| $name | $kb | $ms |"
  aim="–"
  [ "$name" = login ] && aim="≤ 250 KB"
  summary_row "SPA first visit: $name (Chromium, empty cache, median of $n)" "$kb KB, $ms ms until usable" "–" "–" "$aim"
done < <(node bench/spa-load.cjs "http://127.0.0.1:$port" bench@bench.test 'bench password 123' "$board" "$runs")
echo
echo "The SPA as built: $total bytes brotli in all, of which the app's WebAssembly $wasm."
summary_row "SPA, every file brotli (frontend/dist)" "$total bytes (wasm $wasm)" "–" "–" "≤ 600,000 bytes"
