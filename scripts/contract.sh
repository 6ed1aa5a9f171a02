#!/usr/bin/env bash
# The API contract, checked with the tools integrators use (run by `make test-contract`):
#   1. redocly (recommended, strict) and spectral (spectral:oas) lint the committed spec;
#   2. openapi-python-client and openapi-typescript generate clients without a warning, tsc
#      --strict type-checks a program using the TypeScript types, the Python client runs a
#      workflow against the server, and so does an openapi-fetch program (fetch_check.ts);
#   3. progenitor generates the Rust client crate (clients/rust) from the spec, and its example
#      runs the same workflow against the server;
#   4. schemathesis (--checks all, fixed seed) runs every operation as an admin and as an agent;
#   5. the smoke workflow runs through Stoplight Prism's validating proxy, failing on any violation.
# Needs E2E_BASE_URL: a served build with the demo account (scripts/with-server.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

base=${E2E_BASE_URL:?set E2E_BASE_URL}
dir=e2e/contract
bin=$dir/node_modules/.bin
venv=$dir/.venv/bin
spec=$PWD/openapi/openapi.json
examples=${CONTRACT_EXAMPLES:-30}
# The agent's pass is about what an agent may not do (403/404 on admin operations, other
# users' data): a few examples per operation show it, and make test stays under 20 minutes.
agent_examples=${CONTRACT_AGENT_EXAMPLES:-10}
work=$(mktemp -d)
prism=
cleanup() {
  [ -n "$prism" ] && kill "$prism" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n== %s (at %ss)\n' "$*" "$SECONDS"; }

step "redocly lint (recommended-strict)"
(cd $dir && node_modules/.bin/redocly lint --config redocly.yaml --lint-config=error "$spec")

step "spectral lint (spectral:oas)"
$bin/spectral lint -q -r $dir/.spectral.yaml --fail-severity=warn "$spec"

step "openapi-python-client"
$venv/openapi-python-client generate --path "$spec" --output-path "$work/py" --config $dir/openapi-python-client.yaml \
  >"$work/py.log" 2>&1 || { cat "$work/py.log"; exit 1; }
if grep -qi "warning" "$work/py.log"; then cat "$work/py.log"; echo "openapi-python-client warned" >&2; exit 1; fi
PYTHONPATH="$work/py" $venv/python $dir/client_check.py "$base"

step "openapi-typescript + tsc --strict"
mkdir -p "$work/ts"
$bin/openapi-typescript "$spec" -o "$work/ts/api.d.ts" >"$work/ts.log" 2>&1 || { cat "$work/ts.log"; exit 1; }
if grep -qiE "warn|error" "$work/ts.log"; then cat "$work/ts.log"; exit 1; fi
cp $dir/client_check.ts $dir/tsconfig.json "$work/ts/"
$bin/tsc -p "$work/ts/tsconfig.json"
echo "TypeScript types: ok"

step "openapi-fetch: a Node program with the generated types, run against the server"
# Files up and down as bytes, optional headers as strings, 4.0 as 4, webhooks (fetch_check.ts).
mkdir -p "$work/fetch/out"
cp "$work/ts/api.d.ts" $dir/fetch_check.ts "$work/fetch/"
ln -s "$PWD/$dir/node_modules" "$work/fetch/node_modules"
cat >"$work/fetch/tsconfig.json" <<'JSON'
{"compilerOptions": {"strict": true, "target": "ES2022", "module": "ES2022", "moduleResolution": "Bundler",
  "lib": ["ES2022", "DOM", "DOM.Iterable"], "outDir": "out"}, "files": ["fetch_check.ts"]}
JSON
echo '{"type": "module"}' >"$work/fetch/out/package.json"
$bin/tsc -p "$work/fetch/tsconfig.json"
node "$work/fetch/out/fetch_check.js" "$base"

step "progenitor: the Rust client (clients/rust) generated from the spec, its workflow run"
cargo build -q -p prospecta-client --example workflow
target/debug/examples/workflow "$base"

step "schemathesis ($examples examples per operation as an admin, $agent_examples as an agent, seed 20261126)"
token() {
  curl -sf "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"prospecta-demo\"}" | $venv/python -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
# Both sessions first: schemathesis tries wrong passwords, which may lock these e-mails out.
admin=$(token admin@demo.prospecta.dev)
agent=$(token ana@demo.prospecta.dev)
api_key=$(curl -sf "$base/api/v1/api-keys" -H "authorization: Bearer $admin" -H 'content-type: application/json' \
  -d '{"name":"schemathesis","scopes":["leads:ingest","contacts:read","contacts:write"]}' |
  $venv/python -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
# The agent first: the admin's run may disable or delete the agent.
for who in agent admin; do
  echo "-- as $who"
  token=$admin n=$examples
  [ $who = agent ] && token=$agent n=$agent_examples
  $venv/schemathesis --config-file $dir/schemathesis.toml run "$base/api/openapi.json" --url "$base" \
    --checks all --seed 20261126 --max-examples "$n" --no-color --request-timeout 20 \
    -H "Authorization: Bearer $token" -H "X-Api-Key: $api_key" >"$work/st-$who.log" 2>&1 ||
    { cat "$work/st-$who.log"; echo "schemathesis found failures as $who" >&2; exit 1; }
  tail -n 4 "$work/st-$who.log"
done

step "smoke workflow through Prism's validating proxy"
port=$($venv/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Requests go through unvalidated so the server answers bad input itself (the smoke tests
# check those answers); every response is validated against the spec.
$bin/prism proxy "$spec" "$base" --errors --validate-request=false --port "$port" --host 127.0.0.1 >"$work/prism.log" 2>&1 &
prism=$!
for _ in $(seq 1 100); do
  curl -s "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
E2E_BASE_URL="http://127.0.0.1:$port" cargo test -q -p e2e --test smoke -- \
  a_new_account_signs_up a_lead_sent_by_an_integration probes_answer
if grep -qiE "violation|✖" "$work/prism.log"; then
  grep -iE "violation|✖" "$work/prism.log" >&2
  echo "Prism reported contract violations" >&2
  exit 1
fi
echo "Prism: no violations"
echo "contract checks passed in ${SECONDS}s"
