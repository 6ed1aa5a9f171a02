# Shared by the scripts that start Prospecta for a test (ha/, lb/, test-deb, restore-drill):
# `. scripts/lib.sh` from the repository's root.

# A TCP port free on loopback now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A JWT secret for one run's instances (they share it).
random_secret() {
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'
}

# wait_ready BASE [SECONDS]: waits until BASE/readyz answers (20 s by default); fails after.
wait_ready() {
  local deadline=$((SECONDS + ${2:-20}))
  until curl -sf "$1/readyz" > /dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

# seed_demo LOG: the demo account on $DATABASE_URL, by a start that seeds it and stops.
seed_demo() {
  BIND=127.0.0.1:0 timeout 30 target/debug/prospecta serve --dev --seed-demo > "$1" 2>&1 &
  local seeder=$!
  for _ in $(seq 150); do grep -q 'Demo login' "$1" && break; sleep 0.2; done
  kill "$seeder" 2> /dev/null || true
  wait "$seeder" 2> /dev/null || true
  grep -q 'Demo login' "$1" || { echo "seed_demo: the demo account was not created" >&2; cat "$1" >&2; return 1; }
}
