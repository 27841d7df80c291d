# Hookline. `make run` opens the app; `make test` runs every test. Both
# install what is missing first (scripts/setup.sh), so a fresh Debian 12
# machine needs nothing else.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

GO_TAGS  := webkit2_41
BIN      := build/bin/hookline
WAILS    := bin/wails
FUZZTIME ?= 3s

.PHONY: help setup run serve build frontend lint test test-go test-fuzz test-frontend test-e2e test-desktop fuzz soak bench clean

help: ## List the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[1m%-14s\033[0m %s\n", $$1, $$2}'

setup: ## Install missing Debian packages, npm dependencies and the pinned Wails CLI
	@scripts/setup.sh

frontend: setup ## Build the web UI into frontend/dist
	cd frontend && npm run build

build: setup ## Build the app (UI embedded) to build/bin/hookline
	$(WAILS) build -tags $(GO_TAGS) -trimpath -s=false >build/wails-build.log 2>&1 || { cat build/wails-build.log; exit 1; }
	@echo "built $(BIN)"

run: build ## Build and open the desktop window (headless machines get `hookline serve`)
	@if [[ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]]; then \
		exec $(BIN); \
	else \
		echo "No display found: starting 'hookline serve' instead. Open the URL below in a browser (Ctrl-C stops it)."; \
		exec $(BIN) serve; \
	fi

serve: build ## Build and run headless (`hookline serve`)
	$(BIN) serve

lint: build ## gofmt, go vet, staticcheck and svelte-check
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [[ -n "$$unformatted" ]]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	go vet -tags $(GO_TAGS) ./...
	bin/staticcheck -tags $(GO_TAGS) ./...
	cd frontend && npm run check

test: setup build lint test-go test-fuzz test-frontend test-e2e test-desktop ## Run every test
	@echo "make test: all suites passed"

# The packages whose own suites run a second time on PostgreSQL (the API and
# reliability suites do so by themselves when HOOKLINE_TEST_POSTGRES is set).
PG_PACKAGES := ./backend/store/... ./backend/auth/ ./backend/content/ ./backend/delivery/ ./backend/inbox/ ./backend/settings/ \
	./backend/media/ ./backend/syncwebhook/ ./backend/flotiqexport/

test-go: build ## Go tests with the race detector, on SQLite and on a throwaway PostgreSQL cluster
	scripts/with-postgres.sh bash -c 'go test -race -tags $(GO_TAGS) -count=1 ./... && \
		HOOKLINE_TEST_ENGINE=postgres go test -race -tags $(GO_TAGS) -count=1 -p 1 $(PG_PACKAGES)'

test-fuzz: build ## Each fuzz target for a few seconds (FUZZTIME=3s)
	@scripts/fuzz.sh $(FUZZTIME)

test-frontend: setup ## vitest
	cd frontend && npm test

test-e2e: build ## Browser end-to-end tests against a real `hookline serve` (the delivery and database ones on PostgreSQL too)
	cd e2e && ../scripts/with-postgres.sh bash -c 'npm test && HOOKLINE_E2E_ENGINE=postgres \
		node --test --test-concurrency=1 --test-reporter=spec tests/deliveries.test.mjs tests/webhooks.test.mjs tests/database.test.mjs'

test-desktop: build ## Desktop smoke test: the real window under Xvfb, screenshot checked
	scripts/smoke-desktop.sh

fuzz: build ## Each fuzz target for longer (FUZZTIME=60s)
	@scripts/fuzz.sh $(if $(filter 3s,$(FUZZTIME)),60s,$(FUZZTIME))

soak: build ## Long reliability runs: 20 SIGKILLs, 60 s of load, 3 SIGTERMs (HOOKLINE_SOAK=1; ~3 min)
	HOOKLINE_SOAK=1 go test -race -tags $(GO_TAGS) -count=1 -timeout 30m -v ./backend/reliability/

bench: setup ## Delivery benchmark vs raw HTTP and the River peer, plus PostgreSQL with 1 and 2 instances; writes bench/results.json (BENCH_ARGS=-quick for a short run)
	go build -o bench/out/bin/receiver ./bench/receiver
	go build -o bench/out/bin/hookbench ./bench/cmd/hookbench
	cd bench/river && go build -o ../out/bin/riverbench .
	scripts/with-postgres.sh bash -c 'HOOKLINE_BENCH_POSTGRES="$$HOOKLINE_TEST_POSTGRES" \
		bench/out/bin/hookbench -receiver bench/out/bin/receiver -results bench/results.json $(BENCH_ARGS)'

clean: ## Remove build output
	rm -rf build/bin build/smoke frontend/dist bin
