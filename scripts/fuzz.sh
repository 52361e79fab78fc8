#!/usr/bin/env bash
# `make fuzz [FUZZ_SECONDS=N]`: builds the libFuzzer targets of fuzz/ with clang, AddressSanitizer
# and UndefinedBehaviorSanitizer in build-fuzz/, and runs each for N seconds (default 60) from its
# committed seed corpus (fuzz/corpus/<target>/; new inputs go to a scratch folder, not the repo).
# Prints executions and crashes per target; a crash's input is kept in build-fuzz/artifacts/ and
# the script exits 1. With FUZZ_RUNS=N each target instead runs N inputs from a fixed seed: the
# same inputs on every machine with this clang, so `make test` (CTest fuzz_smoke, 200,000 inputs
# a target, 5–30 s each) cannot fail by chance on code that passed here.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-${FUZZ_SECONDS:-60}}
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
TARGETS=$(sed -n 's/^tilsyn_fuzzer(\(fuzz_[a-z_]*\) .*/\1/p' fuzz/CMakeLists.txt)
if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ is missing (make deps installs clang and libclang-rt-14-dev)" >&2
  exit 2
fi
exec 9>/tmp/tilsyn-build.lock
flock 9
if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTILSYN_FUZZ=ON >/dev/null
fi
# shellcheck disable=SC2086
ninja -C "$BUILD" -j "${JOBS:-2}" $TARGETS | grep -v '^\[' || true
flock -u 9
mkdir -p "$BUILD/artifacts"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
total_exec=0
crashes=0
n=0
for t in $TARGETS; do
  mkdir -p "$scratch/$t"
  log="$scratch/$t.log"
  set +e
  # The smoke run leaves out LeakSanitizer (it needs ptrace, which some CI sandboxes forbid);
  # `make fuzz` and `make test-asan` keep it.
  if [ -n "${FUZZ_RUNS:-}" ]; then
    budget=(-runs="$FUZZ_RUNS" -seed=1)
    how="from seed 1"
    leaks=0
  else
    budget=(-max_total_time="$SECS")
    how="in $SECS s"
    leaks=1
  fi
  ASAN_OPTIONS=detect_leaks=$leaks UBSAN_OPTIONS=print_stacktrace=1 \
    "$BUILD/bin/$t" "${budget[@]}" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$BUILD/artifacts/$t-" "$scratch/$t" "fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  execs=${execs:-0}
  total_exec=$((total_exec + execs))
  n=$((n + 1))
  if [ "$rc" -ne 0 ]; then
    crashes=$((crashes + 1))
    echo "$t: CRASH after $execs executions (exit $rc); input in $BUILD/artifacts/$t-*"
    grep -m 20 -E 'ERROR|runtime error|fuzz property|#[0-9]+ ' "$log" | head -20
  else
    echo "$t: $execs executions $how, 0 crashes"
  fi
done
if [ -n "${FUZZ_RUNS:-}" ]; then each="runs_each=$FUZZ_RUNS"; else each="seconds_each=$SECS"; fi
echo "fuzz: targets=$n $each executions=$total_exec crashes=$crashes"
[ "$crashes" -eq 0 ]
