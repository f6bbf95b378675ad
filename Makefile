# EditBay: the two commands of the README, and the benchmarks.
#   make run    install what the server needs, build in release mode, start it on its embedded defaults
#   make test   install what the tests need, start a throwaway PostgreSQL, run the whole suite, remove it
SWIFT ?= swift
SERVE_ARGS ?=

.PHONY: run test build deps-run deps-test bench-crdt bench-crdt-yrs bench-collab bench-render bench-jobs fuzz-crdt clean-data

run: deps-run
	$(SWIFT) build -c release --product editbay
	./.build/release/editbay serve $(SERVE_ARGS)

test: deps-test
	$(SWIFT) build --build-tests
	scripts/with-test-postgres.sh $(SWIFT) test --skip-build

build:
	$(SWIFT) build

deps-run:
	scripts/install-deps.sh run

deps-test:
	scripts/install-deps.sh test

# CRDT benchmark on the automerge-paper editing trace (release mode; prints one JSON line).
bench-crdt:
	$(SWIFT) run -c release CRDTBenchmark $(TRACE)

# The same figures for yrs (pycrdt), to compare on this machine.
bench-crdt-yrs:
	python3 Benchmarks/yrs_baseline.py $(TRACE)

# Load benchmark of the collaboration server against the reference y-websocket server (release mode;
# docs/benchmarks.md). The test peers are the load generator, so it installs what `make test` does.
bench-collab: deps-run deps-test
	$(SWIFT) build -c release --product editbay
	python3 Benchmarks/collab/bench_collab.py --binary .build/release/editbay $(BENCH_ARGS)

# Render benchmark: a 60 s 1080p30 timeline (12 clips, 2 video tracks, 2 crossfades, 2 audio tracks) with the
# final and preview presets, against the ffmpeg command-line tool on the same graph (installed here, for the
# benchmark only; EditBay itself never runs it). docs/render.md.
bench-render: deps-run
	command -v ffmpeg >/dev/null 2>&1 || { sudo=""; [ "$$(id -u)" -ne 0 ] && sudo=sudo; $$sudo apt-get install -y -q --no-install-recommends ffmpeg; }
	$(SWIFT) run -c release RenderBenchmark $(BENCH_ARGS)

# Job queue benchmark: no-op jobs with 1 and 4 workers on a throwaway PostgreSQL. docs/jobs.md.
bench-jobs: deps-run
	$(SWIFT) build -c release --product JobsBenchmark
	scripts/with-test-postgres.sh ./.build/release/JobsBenchmark $(BENCH_ARGS)

# libFuzzer + AddressSanitizer over the CRDT decoders for ten minutes (docs/fuzzing.md).
fuzz-crdt:
	Fuzz/run-fuzzer.sh -max_total_time=600

# Removes the default data directory (embedded database, secret, media) of `make run`.
clean-data:
	rm -rf .editbay
