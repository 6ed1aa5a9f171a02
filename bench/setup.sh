# Shared by the benchmarks (sourced): a tuned PostgreSQL cluster under .data/pg-bench, the
# release server on 127.0.0.1:18090 over the cluster's Unix socket, the "Bench" account
# (its admin's $token and $account) and five agents. Knobs: BENCH_SECONDS (20),
# BENCH_CONNECTIONS (64).
secs=${BENCH_SECONDS:-20}
conns=${BENCH_CONNECTIONS:-64}
port=18090
pg_port=55434
# The API and pgbench both reach PostgreSQL over its Unix socket, as a server on the same
# host would: loopback TCP costs each round trip more kernel time than the query itself.
pg_dir=$(realpath -m .data/pg-bench)
db_url="postgres://postgres@${pg_dir//\//%2F}:$pg_port/bench"
psql_bench=(psql -h "$pg_dir" -p "$pg_port" -U postgres -d bench -v ON_ERROR_STOP=1 -qtA)

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
PG_EXTRA_OPTS="-c shared_buffers=1GB -c max_connections=300 -c work_mem=16MB" scripts/pg.sh start .data/pg-bench "$pg_port" bench
cargo build --release -q -p api
DATABASE_URL=$db_url target/release/prospecta migrate >/dev/null

# The ingestion load is one API key at thousands of leads a second: its rate limit is off here.
# The server serves frontend/dist when it is built (the board benchmark times its first render).
DATABASE_URL=$db_url BIND=127.0.0.1:$port RUST_LOG=warn DB_POOL_SIZE=32 ACCESS_TOKEN_TTL_SECS=7200 \
  LOGIN_MAX_FAILURES=1000 API_KEY_RATE_PER_MINUTE=0 LOGIN_RATE_PER_MINUTE=0 target/release/prospecta serve --dev >/tmp/prospecta-bench.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

api() { curl -sf "http://127.0.0.1:$port$1" "${@:2}"; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
creds='{"email":"bench@bench.test","password":"bench password 123"}'
# The link in the newest e-mail to $1 that starts with $2, as its owner would open it.
mailed_token() {
  "${psql_bench[@]}" -c "SELECT body FROM email_outbox WHERE to_address = '$1' ORDER BY created_at DESC LIMIT 1" |
    grep -o "$2[A-Za-z0-9_]*" | head -n 1 | sed "s|$2||"
}
if ! tokens=$(api /api/v1/auth/login -H 'content-type: application/json' -d "$creds"); then
  api /api/v1/auth/signup -H 'content-type: application/json' \
    -d '{"account_name":"Bench","name":"Bench Admin","email":"bench@bench.test","password":"bench password 123"}'
  tokens=$(api /api/v1/auth/signup/confirm -H 'content-type: application/json' \
    -d "{\"token\":\"$(mailed_token bench@bench.test '/verify-email?token=')\"}")
fi
token=$(echo "$tokens" | json "['access_token']")
account=$(echo "$tokens" | json "['user']['account_id']")
for i in 1 2 3 4 5; do
  api /api/v1/auth/login -H 'content-type: application/json' \
    -d "{\"email\":\"agent$i@bench.test\",\"password\":\"bench password 123\"}" >/dev/null && continue
  api /api/v1/invitations -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"email\":\"agent$i@bench.test\",\"name\":\"Agent $i\",\"role\":\"agent\"}" >/dev/null
  api /api/v1/invitations/accept -H 'content-type: application/json' \
    -d "{\"token\":\"$(mailed_token "agent$i@bench.test" '/accept-invitation?token=')\",\"password\":\"bench password 123\"}" >/dev/null
done

