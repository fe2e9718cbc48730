# Beats By Redis. `make run` starts everything on its embedded defaults;
# `make test` runs every test. Each target installs what it lacks.
SHELL := /bin/bash
GO ?= go
# go.mod pins a patched toolchain (toolchain go1.26.11); "auto" lets the go
# command fetch it through the module proxy when the installed Go is older,
# even where the machine's go env says GOTOOLCHAIN=local.
export GOTOOLCHAIN := auto
BIN := bin/beats
REDIS_STACK := .redis-stack/bin/redis-server
WEB_DIST := internal/webui/dist/app/index.html
WEB_SOURCES := $(shell find web -path web/node_modules -prune -o -type f -print 2>/dev/null)

.PHONY: run build test test-go vulncheck fuzz bench bench-quick tutorial web redis-stack chromium clean

run: build
	./$(BIN) serve $(ARGS)

build: redis-stack web
	$(GO) build -o $(BIN) ./cmd/beats

redis-stack: $(REDIS_STACK)
$(REDIS_STACK): scripts/install-redis-stack.sh
	scripts/install-redis-stack.sh
	@touch $(REDIS_STACK)

# The dashboard is built with Vite into internal/webui/dist/app, which the Go
# binary embeds. It is rebuilt when any web source is newer than the build.
web: $(WEB_DIST)
$(WEB_DIST): $(WEB_SOURCES)
	@if [ -f web/package.json ]; then \
		cd web && npm ci --no-audit --no-fund && npm run build -- --logLevel warn; \
	else \
		echo "web/ has no package.json yet: serving the placeholder page"; \
	fi

chromium:
	@scripts/install-chromium.sh

test: redis-stack web chromium
	node scripts/check-web-licenses.mjs
	cd web && npm test --silent
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 15m ./...
	@$(MAKE) --no-print-directory vulncheck

# govulncheck (pinned) fails on any vulnerability our code can reach, in the
# standard library of the toolchain go.mod pins or in a dependency. Its
# database is the module golang.org/x/vulndb, fetched through the module
# proxy like any module (the database's own server is out of reach) and kept
# in the module cache; govulncheck reads its OSV files from data/osv. The
# newest database by default, so new advisories fail the build; pin one with
# VULNDB_VERSION=v0.0.0-... to reproduce a run.
GOVULNCHECK_VERSION := v1.10.0
VULNDB_VERSION ?= latest
GOVULNCHECK := bin/tools/govulncheck-$(GOVULNCHECK_VERSION)

$(GOVULNCHECK):
	@mkdir -p bin/tools
	GOBIN=$(CURDIR)/bin/tools $(GO) install golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION)
	mv bin/tools/govulncheck $@

vulncheck: $(GOVULNCHECK)
	@db=$$(cd "$${TMPDIR:-/tmp}" && $(GO) mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) | sed -n 's/^\t"Dir": "\(.*\)",$$/\1/p'); \
	if [ ! -d "$$db/data/osv" ]; then echo "vulncheck: could not fetch golang.org/x/vulndb@$(VULNDB_VERSION)"; exit 1; fi; \
	echo "vulncheck: $$($(GO) env GOVERSION), database $${db##*@}"; \
	$(GOVULNCHECK) -db "file://$$db/data/osv" ./...

# Short fuzz runs of every parser and escaper (each FUZZTIME long).
FUZZTIME ?= 10s
fuzz: redis-stack
	@for pkg in $$(grep -rl --include='*_test.go' '^func Fuzz' internal cmd | xargs -n1 dirname | sort -u); do \
		for f in $$(grep -h '^func Fuzz' $$pkg/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
			echo "fuzz $$pkg $$f"; $(GO) test ./$$pkg -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) || exit 1; \
		done; \
	done

bench: build
	$(GO) run ./cmd/beatsbench --out BENCHMARKS.md --json bench-results.json

bench-quick: build
	$(GO) run ./cmd/beatsbench --quick --out BENCHMARKS.md --json bench-results.json

tutorial:
	@mkdir -p dist
	cd tutorial && rm -f ../dist/beats-tutorial.zip && python3 -m zipfile -c ../dist/beats-tutorial.zip manifest.json *.md
	@echo "wrote dist/beats-tutorial.zip"

clean:
	rm -rf bin dist test-artifacts
