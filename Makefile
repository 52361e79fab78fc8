# The two commands: `make demo` and `make test`. Each installs what is missing, builds, and runs.
.PHONY: demo test build deps clean

deps:
	@bash scripts/deps.sh

build: deps
	@bash scripts/build.sh

demo: build
	@./build/bin/tilsyn demo --data-dir demo-data

test: build
	@bash scripts/test.sh

clean:
	rm -rf build demo-data
