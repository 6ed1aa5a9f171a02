# Prospecta: `make run` to try it, `make test` for everything CI runs. `make help` lists targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# A local PostgreSQL cluster under .data/ is used unless DATABASE_URL is set.
PG_DIR      ?= .data/pg
PG_PORT     ?= 55432
TEST_PG_DIR ?= .data/pg-test
# A free port per make run, so a cluster left running elsewhere cannot collide.
TEST_PG_PORT ?= $(shell python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
TEST_PG_PORT := $(TEST_PG_PORT)
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:$(TEST_PG_PORT)/postgres
E2E_PORT ?= $(shell python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
E2E_PORT := $(E2E_PORT)
MOTO_PORT ?= $(shell python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
MOTO_PORT := $(MOTO_PORT)
LOCAL_DATABASE_URL := postgres://postgres@127.0.0.1:$(PG_PORT)/prospecta
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ {getline; gsub(/"/, "", $$3); print $$3}' Cargo.lock)

export CARGO_TERM_COLOR ?= never

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[1m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

## ---- set-up ----

.PHONY: tools
tools: ## Install what is missing: libpq, brotli, wasm target, wasm-bindgen, npm packages, the GeoIP city database
	@dpkg -s libpq-dev >/dev/null 2>&1 || { echo "installing libpq-dev"; apt-get update -qq && apt-get install -y -qq libpq-dev >/dev/null; }
	@command -v brotli >/dev/null || { echo "installing brotli"; apt-get update -qq && apt-get install -y -qq brotli >/dev/null; }
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@[ "$$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $(WASM_BINDGEN_VERSION)" ] || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@[ -x frontend/node_modules/.bin/wasm-opt ] && [ -x frontend/node_modules/.bin/terser ] || (cd frontend && npm ci --no-audit --no-fund)
	@scripts/geoip.sh install

.PHONY: tools-browser
tools-browser: ## Install Debian's Chromium, Playwright and faketime (for browser tests)
	@command -v chromium >/dev/null || { echo "installing chromium"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@[ -d e2e/node_modules/@playwright/test ] || (cd e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
	@ls /usr/lib/*/faketime/libfaketime.so.1 >/dev/null 2>&1 || { echo "installing faketime"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null; }

.PHONY: tools-test
tools-test: ## Install the mail tests' SMTP sink (python3-aiosmtpd), moto (S3, PyPI), pt_BR and es_ES locales
	@/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || { echo "installing python3-aiosmtpd"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null; }
	@scripts/moto.sh install
	@# Databases in other languages for the database-error test (errors.rs).
	@for l in pt_BR es_ES; do locale -a | grep -qx "$$l.utf8" || localedef -i $$l -f UTF-8 $$l.UTF-8; done

.PHONY: tools-ha
tools-ha: ## Install pg_auto_failover (Debian's postgresql-15-auto-failover) for make test-ha
	@command -v pg_autoctl >/dev/null || { echo "installing pg_auto_failover"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-auto-failover >/dev/null; }

.PHONY: test-ha
test-ha: tools tools-ha ## Failover drill: pg_auto_failover formation, two instances, leads and event streams through a failover, a killed postmaster and a dead primary host (about 75 s; CI runs it after make test)
	@PGGSSENCMODE=disable scripts/ha/run.sh

.PHONY: test-rolling
test-rolling: tools ## Rolling restart: nginx (deploy/nginx) in front of three instances restarted one by one under lists, lead writes and event streams; no request may fail (about 30 s; CI runs it after make test)
	@command -v nginx >/dev/null || { echo "installing nginx-light"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }
	@PGGSSENCMODE=disable scripts/lb/run.sh

.PHONY: deb
deb: tools ## Build the Debian package: target/debian/prospecta_<version>_<arch>.deb (binary, SPA, systemd unit, /etc/prospecta/env)
	@scripts/deb.sh

.PHONY: test-deb
test-deb: deb ## Install the package on this machine, run the installed unit's commands against a scratch database, check /readyz and the SPA, purge it
	@PGGSSENCMODE=disable scripts/test-deb.sh

.PHONY: restore-drill
restore-drill: tools ## Backups and restores: the commands of docs/DEPLOY.md run as written on a scratch cluster (dump, base backup, point-in-time recovery), then checked
	@PGGSSENCMODE=disable scripts/restore-drill.sh

.PHONY: tools-contract
tools-contract: ## Install the contract checkers: redocly, spectral, openapi-typescript, tsc, prism (npm); schemathesis, openapi-python-client (PyPI)
	@[ -x e2e/contract/node_modules/.bin/redocly ] && [ -d e2e/contract/node_modules/openapi-fetch ] || (cd e2e/contract && npm ci --no-audit --no-fund)
	@[ -x e2e/contract/.venv/bin/schemathesis ] || { python3 -m venv e2e/contract/.venv && e2e/contract/.venv/bin/pip install -q -r e2e/contract/requirements.txt; }

.PHONY: db
db: ## Start the local PostgreSQL cluster (skipped when DATABASE_URL is set)
	@if [ -z "$$DATABASE_URL" ]; then scripts/pg.sh start $(PG_DIR) $(PG_PORT) prospecta; fi

.PHONY: db-stop
db-stop: ## Stop the local PostgreSQL clusters
	@scripts/pg.sh stop $(PG_DIR); scripts/pg.sh stop $(TEST_PG_DIR)

## ---- build and run ----

.PHONY: frontend
frontend: tools ## Build the SPA into frontend/dist
	@scripts/build-frontend.sh

.PHONY: run
run: tools db frontend ## Build everything and serve on http://127.0.0.1:8080 (demo account seeded)
	cargo build --release -p api
	@mkdir -p .data && [ -s .data/jwt-secret ] || od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > .data/jwt-secret
	JWT_SECRET=$$(cat .data/jwt-secret) DATABASE_URL=$${DATABASE_URL:-$(LOCAL_DATABASE_URL)} STATIC_DIR=frontend/dist \
		GEOIP_DB=$${GEOIP_DB-$$(scripts/geoip.sh paths)} \
		target/release/prospecta serve --seed-demo

.PHONY: outbox
outbox: ## Print the mail `make run` queued but could not send (no SMTP_URL): sign-up, invitation and reset links. TO=address to filter
	@DATABASE_URL=$${DATABASE_URL:-$(LOCAL_DATABASE_URL)} target/release/prospecta outbox $(TO)

.PHONY: openapi
openapi: ## Regenerate openapi/openapi.json from the handlers' annotations
	cargo run -q -p api -- openapi > openapi/openapi.json

## ---- checks ----

.PHONY: fmt-check
fmt-check: ## rustfmt check
	cargo fmt --all -- --check

.PHONY: lint
lint: tools ## clippy -D warnings (server and e2e natively, SPA for wasm32); API paths only in the SPA's client
	cargo clippy -p domain -p api -p e2e -p bench-realtime -p prospecta-client --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
	@# API paths are written in the SPA's typed client (frontend/src/api/) only.
	@! grep -rn '/api/v1' frontend/src --include='*.rs' | grep -v '^frontend/src/api/' || { echo "an API path outside frontend/src/api/"; exit 1; }

.PHONY: test-unit
test-unit: ## Unit tests (domain rules, token and error handling, the Rust client's spec reading)
	cargo test -p domain -p api -p prospecta-client --lib

.PHONY: test-db
test-db:
	@PG_EXTRA_OPTS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
		scripts/pg.sh fresh $(TEST_PG_DIR) $(TEST_PG_PORT)

.PHONY: test-api
test-api: tools-test test-db ## API integration tests on a throwaway PostgreSQL (a database per test) and a local S3 (moto) + OpenAPI drift check
	@scripts/moto.sh start $(MOTO_PORT)
	@# PGGSSENCMODE=disable: libpq would otherwise probe Kerberos on every connection, and a pool
	@# thread still connecting while the test process exits trips krb5's mutex assertion (SIGABRT
	@# after every test had passed, seen once). No test server here offers GSSAPI.
	@PGGSSENCMODE=disable TEST_DATABASE_URL=$(TEST_DATABASE_URL) TEST_S3_ENDPOINT=http://127.0.0.1:$(MOTO_PORT) cargo test -p api --test api; \
		status=$$?; scripts/moto.sh stop $(MOTO_PORT); exit $$status

.PHONY: openapi-check
openapi-check: ## Fail when openapi/openapi.json differs from the annotations
	cargo test -p api --test api openapi::committed_openapi_spec_matches_the_code

.PHONY: test-e2e
test-e2e: tools tools-browser test-db frontend ## Smoke tests (reqwest) and browser tests (Playwright + Chromium) against a served build
	@# The server binary as the API tests build it (target/debug/prospecta): `cargo build` alone
	@# would compile tokio and everything above it again without the tests' features.
	cargo test -p api --test api --no-run
	cargo test -p e2e --no-run
	scripts/with-server.sh $(TEST_DATABASE_URL) $(E2E_PORT) -- cargo test -p e2e
	scripts/with-server.sh $(TEST_DATABASE_URL) $(E2E_PORT) -- bash -c 'cd e2e && npx playwright test'
	@$(MAKE) --no-print-directory test-e2e-clock

.PHONY: test-e2e-clock
test-e2e-clock: ## The date-sensitive browser specs with every clock moved to just before a year's and a month's end
	@# Dec 31 -> Jan 1 and Jan 31 -> Feb 1: "Jan" sorts before "Dec" and "Feb" before "Jan" as text,
	@# so a test comparing displayed dates fails in one of them (see scripts/e2e-at.sh).
	scripts/e2e-at.sh $(E2E_PORT) '2026-12-31 23:59:50' clients.spec.ts tasks.spec.ts
	scripts/e2e-at.sh $(E2E_PORT) '2027-01-31 23:59:50' clients.spec.ts tasks.spec.ts

.PHONY: test-contract
test-contract: tools tools-contract test-db ## The API contract: spec lint, generated clients, schemathesis as admin and agent, Prism proxy
	cargo test -p api --test api --no-run
	cargo test -p e2e --no-run
	@# Fuzzing sends thousands of logins and sign-ups from one address: request-rate limits off.
	ACCESS_TOKEN_TTL_SECS=3600 SIGNUP_RATE_PER_HOUR=0 LOGIN_RATE_PER_MINUTE=0 PUBLIC_RATE_PER_MINUTE=0 API_KEY_RATE_PER_MINUTE=0 \
		INVITATIONS_PER_HOUR=0 INVITATIONS_PER_ADDRESS_PER_DAY=0 \
		scripts/with-server.sh $(TEST_DATABASE_URL) $(E2E_PORT) -- scripts/contract.sh

.PHONY: bench bench-realtime bench-board bench-spa bench-import bench-webhooks bench-reports
# The board bench renders the board in Chromium: it needs the SPA built and Playwright (issue 26:
# from a fresh clone `make bench` stopped there).
bench bench-board bench-spa: tools-browser frontend

bench: ## Benchmark: list, ingestion, export, board view, first visit per screen, CSV import, realtime, webhooks and reports, each next to its reference; one table at the end
	@rm -f .data/bench-summary.tsv
	@bench/run.sh
	@bench/board.sh
	@bench/spa.sh
	@bench/import.sh
	@bench/realtime.sh
	@bench/webhooks.sh
	@bench/reports.sh
	@bench/report.sh

bench-spa: ## Benchmark: bytes and time until login, clients, the desk and a board are usable on a first visit (Chromium)
	@bench/spa.sh

bench-import: ## Benchmark: a 100,000-row CSV import on a new account (BENCH_IMPORT_ROWS)
	@bench/import.sh

bench-board: ## Benchmark: a 5,000-card board via API (wrk) vs the same SQL in pgbench, and its first render in Chromium
	@bench/board.sh

bench-reports: ## Benchmark: the leads, sales, desk and pipelines reports over 90 days (1M contacts, 100k chats), next to pgbench running their SQL
	@bench/reports.sh

bench-webhooks: ## Benchmark: webhook deliveries drained per second, and latency at 1,000 events/s
	@bench/webhooks.sh

bench-realtime: ## Benchmark: SSE delivery latency (1,000 streams, 200 msg/s) and memory per idle stream (10,000)
	@bench/realtime.sh

.PHONY: test
test: fmt-check lint test-unit test-api test-e2e test-contract ## Everything CI runs
	@scripts/pg.sh stop $(TEST_PG_DIR)
	@echo "make test: all checks passed"
