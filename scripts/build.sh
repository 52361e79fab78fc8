#!/usr/bin/env bash
# Configures (once) and builds with Ninja. Builds are serialised with a lock so parallel callers
# on this 2-core machine queue instead of thrashing. Extra arguments are Ninja targets.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
exec 9>/tmp/tilsyn-build.lock
flock 9
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
ninja -C "$BUILD_DIR" -j "${JOBS:-2}" "$@"
