#!/usr/bin/env bash
# `make test-asan`: the whole C++ test suite built with AddressSanitizer (and LeakSanitizer) and
# UndefinedBehaviorSanitizer in build-asan/, then run. The browser, training and fuzzing entries
# are left out (they run Python, Chromium or their own sanitizer build). Any report fails.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${ASAN_BUILD_DIR:-build-asan}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
exec 9>/tmp/tilsyn-build.lock
flock 9
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS="$SAN" -DCMAKE_EXE_LINKER_FLAGS="$SAN" >/dev/null
fi
ninja -C "$BUILD" -j "${JOBS:-2}" | grep -v '^\[' || true
flock -u 9
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:suppressions=$PWD/scripts/asan.supp}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/scripts/lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$BUILD" --output-on-failure -j 2 --timeout 900 \
  -E '^(e2e_web|fuzz_smoke|training_smoke|teach_loop)$' "$@"
