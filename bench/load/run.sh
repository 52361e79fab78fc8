#!/usr/bin/env bash
# bench/load/run.sh — job sync and uploads from many simulated vehicles against one API
# instance on 127.0.0.1 (make bench-load), driven by wrk; see bench_load.py. Bounded: four
# phases of SECONDS (default 10) each. Ends with:
#   load: sync_rps=N sync_p99_ms=N upload_rps=N upload_p99_ms=N errors=0
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "bench-load: wrk is missing (apt install wrk)" >&2; exit 1; }
bash scripts/build.sh tilsyn >/dev/null
WORK=$(mktemp -d /tmp/bench-load.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
python3 bench/load/bench_load.py --tilsyn "$PWD/build/bin/tilsyn" --work "$WORK" \
  --seconds "${SECONDS_PER_PHASE:-10}" ${VEHICLES:+--vehicles "$VEHICLES"}
