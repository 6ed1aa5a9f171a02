#!/usr/bin/env bash
# A local S3-compatible server (moto's server mode, from PyPI) for the attachment tests.
#   scripts/moto.sh install        into .data/moto-venv (moto[server], pinned)
#   scripts/moto.sh start PORT     in the background, ready when this returns
#   scripts/moto.sh stop PORT
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.data/moto-venv
case $1 in
  install)
    [ -x "$venv/bin/moto_server" ] && exit 0
    echo "installing moto (S3-compatible test server)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q 'moto[server]==5.2.5'
    ;;
  start)
    "$venv/bin/moto_server" -H 127.0.0.1 -p "$2" >".data/moto-$2.log" 2>&1 &
    echo $! >".data/moto-$2.pid"
    for _ in $(seq 1 100); do
      curl -sf "http://127.0.0.1:$2/" >/dev/null && exit 0
      sleep 0.1
    done
    echo "moto did not start (see .data/moto-$2.log)" >&2
    exit 1
    ;;
  stop)
    [ -f ".data/moto-$2.pid" ] && kill "$(cat ".data/moto-$2.pid")" 2>/dev/null || true
    rm -f ".data/moto-$2.pid"
    ;;
esac
