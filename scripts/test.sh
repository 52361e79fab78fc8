#!/usr/bin/env bash
# Runs the whole test suite (unit + integration) through CTest. A private PostgreSQL 15 cluster
# (scripts/pg.sh: loopback only, a temp folder, stopped and removed on exit) serves the
# PostgreSQL half of the suite through TILSYN_TEST_DATABASE_URL; set TILSYN_TEST_NO_PG=1 to run
# without it (those entries then skip).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${TILSYN_TEST_NO_PG:-0}" != 1 ] && [ -z "${TILSYN_TEST_DATABASE_URL:-}" ]; then
  PGDIR=$(mktemp -d /tmp/tilsyn-test-pg.XXXXXX)
  trap 'bash scripts/pg.sh stop "$PGDIR"' EXIT
  TILSYN_TEST_DATABASE_URL=$(bash scripts/pg.sh start "$PGDIR")
  export TILSYN_TEST_DATABASE_URL
  echo "test: PostgreSQL for the store suite at $TILSYN_TEST_DATABASE_URL"
fi
ctest --test-dir build --output-on-failure -j 2 --timeout 300 "$@"
