#!/usr/bin/env bash
# Prints the summary table the benchmark scripts filled (bench/summary.sh), then empties it.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/summary.sh
[ -s "$summary_file" ] || { echo "no benchmark results in $summary_file"; exit 0; }
echo
echo "## make bench, $(date -u +%Y-%m-%d), $(nproc) cores"
echo
echo "| scenario | API | reference (same run) | API's share | aim |"
echo "|---|---|---|---|---|"
awk -F'\t' '{printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5}' "$summary_file"
rm -f "$summary_file"
