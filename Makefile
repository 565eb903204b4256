# AiKv build and test entry points. `make run` and `make test` are all a
# new user needs.
GO      ?= go
BIN     := bin/aikv-server
PKGS    := ./...

.PHONY: build run test vet fmt-check lint fuzz fuzz-diff torture bench bench-compare generate clean

build:
	$(GO) build -o $(BIN) ./cmd/aikv-server
	$(GO) build -o bin/aikv-check ./cmd/aikv-check 2>/dev/null || true

run: build
	mkdir -p data
	./$(BIN) --dir ./data

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

test: fmt-check vet lint
	$(GO) test -race -count=1 -timeout 12m $(PKGS)

# staticcheck (settings in staticcheck.conf). If the tool cannot be
# fetched (no module proxy), say so and skip rather than fail.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.6.1
lint:
	@if GOBIN=$(CURDIR)/bin $(GO) install $(STATICCHECK) >/tmp/aikv-staticcheck-install.log 2>&1; then \
		echo "staticcheck ./..."; ./bin/staticcheck $(PKGS); \
	else echo "warning: could not install $(STATICCHECK) (see /tmp/aikv-staticcheck-install.log): lint skipped"; fi

# Short fuzzing runs of every decoder.
FUZZTIME ?= 20s
fuzz:
	$(GO) test ./server/resp -run '^$$' -fuzz FuzzReader -fuzztime $(FUZZTIME)
	$(GO) test ./aof -run '^$$' -fuzz FuzzDecodeRecord -fuzztime $(FUZZTIME)
	$(GO) test ./datastructs/glob -run '^$$' -fuzz . -fuzztime $(FUZZTIME)
	$(GO) test ./snapshot -run '^$$' -fuzz FuzzReader -fuzztime $(FUZZTIME)
	$(GO) test ./datastructs/hash -run '^$$' -fuzz FuzzFromListpack -fuzztime $(FUZZTIME)
	$(GO) test ./datastructs/zset -run '^$$' -fuzz FuzzFromListpack -fuzztime $(FUZZTIME)
	$(GO) test ./datastructs/list -run '^$$' -fuzz FuzzAppendNode -fuzztime $(FUZZTIME)
	$(GO) test ./snapshot/rdb -run '^$$' -fuzz FuzzRestorePayload -fuzztime $(FUZZTIME)
	$(GO) test ./snapshot/rdb -run '^$$' -fuzz FuzzLoad -fuzztime $(FUZZTIME)

# Differential fuzzing against real Redis (needs redis-server): seeds
# SEED, SEED+1, ... for DURATION; a mismatch prints the minimal sequence.
SEED     ?= 1
DURATION ?= 5m
fuzz-diff:
	AIKV_FUZZ_SEED=$(SEED) AIKV_FUZZ_DURATION=$(DURATION) $(GO) test -count=1 -timeout 0 -v -run '^TestFuzzDifferential$$' ./tests/

# Crash torture: many kill -9 / restart rounds per appendfsync policy;
# then the metamorphic persistence check (log only, snapshot + log tail,
# after BGREWRITEAOF, snapshot only) over REPLAY_SEEDS seeds of
# REPLAY_LEN commands each, from SEED.
TORTURE      ?= 30
REPLAY_SEEDS ?= 10
REPLAY_LEN   ?= 5000
torture:
	AIKV_CRASH_ITERATIONS=$(TORTURE) $(GO) test -race -timeout 30m -run TestCrashKeepsAcknowledgedWrites -v ./tests/
	AIKV_FUZZ_SEED=$(SEED) AIKV_REPLAY_SEEDS=$(REPLAY_SEEDS) AIKV_REPLAY_LEN=$(REPLAY_LEN) $(GO) test -race -count=1 -timeout 30m -run '^TestFuzzReplayMetamorphic$$' -v ./tests/

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

generate:
	$(GO) generate $(PKGS)

clean:
	rm -rf bin

# Side-by-side redis-benchmark run against a real redis-server
# (docs/benchmarks.md). QUICK=1 for the short run; BENCHFLAGS adds flags,
# e.g. BENCHFLAGS='-out bench.md -persistence off,everysec'.
bench-compare: build
	$(GO) build -o bin/bench-compare ./bench/compare
	./bin/bench-compare -aikv $(BIN) $(if $(QUICK),-quick) $(BENCHFLAGS)
