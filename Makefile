# tickd — everything a newcomer needs: `make run`, `make test`.
# Only Node and npm are required; Bun comes from npm as a devDependency.

BUN := node_modules/.bin/bun
SOURCES := $(shell find src schema migrations -type f 2>/dev/null) package.json

VERSION = $(shell node -p 'require("./package.json").version')

.PHONY: install build release image run test typecheck bench bench-engine bench-dashboard bench-alerts bench-postgres migrations schema clean

install: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

dist/tickd: node_modules/.installed $(SOURCES)
	$(BUN) run src/build.ts

build: dist/tickd

# dist/tickd-<version>-linux-{x64,arm64}[-musl], stripped, with tickd.d.ts,
# install.sh, LICENSE and SHA256SUMS; each checked with file(1), and run where this
# machine can (src/release.ts). Other platforms' Bun runtimes and libSQL addons
# come from npm at the lock's versions, cached in .cache/release/. Not part of
# make test (test/release/ builds the x64 one).
release: node_modules/.installed
	$(BUN) run src/release.ts

# The OCI image from the x64 release binary (Containerfile; needs a docker daemon
# that can pull debian:bookworm-slim). Builds that binary only when make release has not.
image: node_modules/.installed
	test -f dist/tickd-$(VERSION)-linux-x64 || $(BUN) run src/release.ts --target linux-x64
	docker build --build-arg VERSION=$(VERSION) -f Containerfile -t tickd:$(VERSION) .

# Starts tickd on the bundled example with an embedded database beside it.
run: build
	./dist/tickd check --config examples/config/scheduler.ini || true
	./dist/tickd next --config examples/config/scheduler.ini --count 3
	./dist/tickd run --config examples/config/scheduler.ini

# Three parts. The fault suites (file store and PostgreSQL) do faults to real
# processes and check what ran against what was recorded: three files at a
# time. The files that measure real time (start lateness, a run's timing on the
# wall clock, /healthz answering within 500 ms while the store is locked or
# the disk full) run alone. The rest mostly wait on subprocesses, servers and
# browsers (about 45% of two cores busy): six files at a time.
# .ci/test-timings.json (bun test --update-timings) starts the longest files
# first. Parallel workers do not read bunfig.toml's timeout, so it is given here.
FAULT_TESTS := test/faults/crash.test.ts test/faults/instances.test.ts test/faults/shm.test.ts test/postgres/faults.test.ts
TIMING_TESTS := test/engine/realtime.test.ts test/engine/isolate.test.ts test/cli/isolate.test.ts \
	test/cli/run.test.ts test/api/subscriptions.test.ts test/faults/store-lock.test.ts test/faults/disk-full.test.ts
TEST_WORKERS ?= 6
TIMINGS := --timings=.ci/test-timings.json

# The tests drive chromium, supervisord, PostgreSQL and the Python peers for
# real; as root the missing Debian packages are installed first.
test: build typecheck
	@bash .ci/system-deps
	$(BUN) test --parallel=$(TEST_WORKERS) --timeout=30000 $(TIMINGS) $(foreach t,$(FAULT_TESTS) $(TIMING_TESTS),--path-ignore-patterns='$(t)')
	$(BUN) test --parallel=3 --timeout=300000 $(TIMINGS) $(FAULT_TESTS)
	$(BUN) test $(TIMING_TESTS)

typecheck: install
	node_modules/.bin/tsc --noEmit -p .

bench: build
	$(BUN) run bench/run.ts

# The engine's targets beside the floor (the same wake, no scheduler): lateness
# round after round, idle at steady state (about 9 minutes).
bench-engine: build
	$(BUN) run bench/engine.ts

# The dashboard's job table and job panel queries on 100,000 runs of history (p99 < 300 ms).
bench-dashboard: build
	$(BUN) run bench/dashboard.ts

# Alerts under load (issue 15): 1,000 jobs failing every second, a webhook each;
# start lateness and how long the alert backlog takes to drain, beside a baseline
# without alerts and without the sender's quiet window, 3 rounds run alternately
# (about 10 minutes). Writes bench/results/alerts.jsonl and alerts.md. Not in make test.
ALERT_RUNS := "--notify off" "" "--quiet off" "--realert 1 --notify off" "--realert 1" "--realert 1 --quiet off" \
              "--receiver-delay 200 --notify off" "--receiver-delay 200" "--receiver-delay 200 --quiet off"
bench-alerts: build
	@: > bench/results/alerts.jsonl
	for round in 1 2 3; do for args in $(ALERT_RUNS); do \
	  $(BUN) run bench/alerts.ts --jobs 1000 --duration 10 $$args >> bench/results/alerts.jsonl || exit 1; \
	done; done
	$(BUN) run bench/alerts-report.ts bench/results/alerts.jsonl > bench/results/alerts.md

# tickd on one PostgreSQL (a throwaway cluster): claims plus records per second
# with 1, 2 and 3 instances; start lateness of 1,000 jobs/s on 3 binaries. Not in make test.
bench-postgres: build
	$(BUN) run bench/postgres.ts

# Regenerate migrations from schema/db.ts and schema/db.pg.ts (commit the result).
migrations: install
	node_modules/.bin/drizzle-kit generate
	node_modules/.bin/drizzle-kit generate --config drizzle.pg.config.ts
	$(BUN) run src/store/embed-migrations.ts

# Regenerate schema/schema.graphql from the Pothos schema (commit the result).
schema: install
	$(BUN) run src/api/print-schema.ts

clean:
	rm -rf dist .cache/release
