#!/usr/bin/env bash
# Runs browser specs with the clock moved to AT: a throwaway PostgreSQL and the server run under
# libfaketime (Debian's `faketime`), shifted by the same offset, and Playwright installs each
# page's clock at the shifted time (E2E_FAKETIME, see e2e/browser/fixtures.ts). Start a couple
# of minutes before a month's or year's end and the run crosses it.
#   scripts/e2e-at.sh PORT '2026-12-31 23:58:30' SPEC…
set -euo pipefail
port=$1 at=$2
shift 2
lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 | head -n 1)
offset=$(( $(date -d "$at" +%s) - $(date +%s) ))
pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=.data/pg-clock
# Relative offsets keep every process on one clock; monotonic time stays real (timers).
if (( offset < 0 )); then shift_by="$offset"; else shift_by="+$offset"; fi
export FAKETIME="$shift_by" FAKETIME_DONT_FAKE_MONOTONIC=1
LD_PRELOAD=$lib PG_EXTRA_OPTS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  scripts/pg.sh fresh "$dir" "$pg_port" >/dev/null
trap 'scripts/pg.sh stop "$dir" >/dev/null 2>&1 || true' EXIT
echo "clock moved to $(LD_PRELOAD=$lib date -u '+%Y-%m-%d %H:%M:%S UTC') (offset ${offset} s)"
LD_PRELOAD=$lib scripts/with-server.sh "postgres://postgres@127.0.0.1:$pg_port/postgres" "$port" -- \
  env -u LD_PRELOAD E2E_FAKETIME="$offset" bash -c 'cd e2e && npx playwright test --project=desktop "$@"' -- "$@"
