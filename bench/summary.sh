# Shared by the benchmarks (sourced): each scenario adds one line to the summary table that
# `make bench` prints at the end (bench/report.sh). Columns: what, the API's figure, its
# physical reference measured in the same run, the API's share of it, the aim.
summary_file=${BENCH_SUMMARY:-.data/bench-summary.tsv}
mkdir -p "$(dirname "$summary_file")"
summary_row() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$summary_file"; }
# The middle of a list of numbers, whole ("54 61 58" -> 58; "47 57" -> 52).
median() {
  tr ' ' '\n' | grep . | sort -n |
    awk '{v[NR] = $1} END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.0f\n", m}'
}
