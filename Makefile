# Thin wrapper over CMake so a person types `make`, `make test`, `make demo`.
BUILD   ?= build
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE   ?= cmake
CTEST   ?= ctest
CMFLAGS ?=

.PHONY: test-valgrind fuzz-run all deps configure test test-slow test-all demo bench asan clang fuzz install clean

all: configure
	$(CMAKE) --build $(BUILD) -j $(JOBS)

# Installs missing Debian build dependencies first (scripts/deps.sh; a no-op when all are there).
deps:
	@command -v dpkg-query >/dev/null 2>&1 && scripts/deps.sh || true

configure: deps
	@test -f $(BUILD)/CMakeCache.txt || $(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMFLAGS)

# The README's test command: every test except the slow ones and the valgrind pass.
test: all
	cd $(BUILD) && $(CTEST) --output-on-failure -j $(JOBS) -LE 'slow|valgrind'

# The memcheck pass over the fast crypto/core tests (tests/valgrind/run.sh).
test-valgrind: all
	cd $(BUILD) && $(CTEST) --output-on-failure -L valgrind

# The slow known-answer and round-trip tests (McEliece, SPHINCS+ sets).
test-slow: all
	cd $(BUILD) && $(CTEST) --output-on-failure -j $(JOBS) -L slow

test-all: all
	cd $(BUILD) && $(CTEST) --output-on-failure -j $(JOBS)

# The README's first command: root, server and client on loopback.
demo: all
	@if [ -x $(BUILD)/bin/qstp ]; then $(BUILD)/bin/qstp demo; \
	else echo "qstp demo: the command-line tool is not built yet (see README status)"; fi

# Runs the benchmarks (quick mode, ~5 min), keeps their output in docs/bench/, draws the charts and
# rewrites the generated part of docs/BENCHMARKS.md. `make bench BENCH_FLAGS=--full` for the long runs.
bench: all
	bench/report.sh --build $(BUILD) $(BENCH_FLAGS)

# AddressSanitizer + UndefinedBehaviorSanitizer build, fast tests only.
asan: deps
	@test -f build-asan/CMakeCache.txt || $(CMAKE) -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug \
	    -DQSTP_SANITIZE=ON -DQSTP_BUILD_BENCH=OFF $(CMFLAGS)
	$(CMAKE) --build build-asan -j $(JOBS)
	cd build-asan && $(CTEST) --output-on-failure -j $(JOBS) -L fast

# The same sources with clang (CI builds with both compilers).
clang: deps
	@test -f build-clang/CMakeCache.txt || CC=clang $(CMAKE) -S . -B build-clang \
	    -DCMAKE_BUILD_TYPE=Release $(CMFLAGS)
	$(CMAKE) --build build-clang -j $(JOBS)
	cd build-clang && $(CTEST) --output-on-failure -j $(JOBS) -LE 'slow|valgrind'

# Builds only the libFuzzer binaries (clang, -fsanitize=fuzzer,address,undefined).
fuzz: deps
	@test -f build-fuzz/CMakeCache.txt || CC=clang $(CMAKE) -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug \
	    -DQSTP_FUZZ=ON -DQSTP_BUILD_BENCH=OFF
	$(CMAKE) --build build-fuzz -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))

# Run every libFuzzer target for FUZZ_SECONDS (two at a time), starting from the committed seed
# corpora (copied, so new inputs do not land in the tree). A crash fails the target and prints
# the end of its log.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= header server_session client_session record cert revoke
fuzz-run: fuzz
	@mkdir -p build-fuzz/runs
	@printf '%s\n' $(FUZZ_TARGETS) | xargs -P 2 -I{} sh -c '\
	  d=build-fuzz/runs/{}; rm -rf $$d; mkdir -p $$d; cp tests/fuzz/corpus/{}/* $$d/ 2>/dev/null; \
	  if build-fuzz/bin/fuzz_{} -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $$d \
	       > build-fuzz/runs/{}.log 2>&1; then \
	    echo "fuzz_{}: $$(grep -E "stat::number_of_executed_units" build-fuzz/runs/{}.log | tr -s " ") no crash"; \
	  else echo "fuzz_{}: FAILED"; tail -40 build-fuzz/runs/{}.log; exit 1; fi'

install: all
	$(CMAKE) --install $(BUILD)

clean:
	rm -rf $(BUILD) build-asan build-clang build-fuzz
