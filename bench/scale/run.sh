#!/usr/bin/env bash
# bench/scale/run.sh — Tilsyn scaled out on PostgreSQL 15 (make bench-scale): a private cluster on
# 127.0.0.1 (scripts/pg.sh, removed after), two API instances (--role api) and one, then two,
# workers (--role worker), real JPEGs from opencv-doc uploaded for an active job; then SIGKILL of
# an API instance and of a worker five times each while uploads go on. See bench_scale.py.
# PER_PHASE (default 40) observations per phase. Ends with:
#   scale: backend=postgresql api=2 obs_per_s_1w=N obs_per_s_2w=N p99_ms=N lost=N dup_assessments=N dup_deliveries=N
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/build.sh tilsyn >/dev/null
WORK=$(mktemp -d /tmp/bench-scale.XXXXXX)
chmod 755 "$WORK"  # the cluster runs as the postgres user below it
PGDIR="$WORK/pg-cluster"
cleanup() { bash scripts/pg.sh stop "$PGDIR"; rm -rf "$WORK"; }
trap cleanup EXIT
URL=$(PG_OPTS="-c max_connections=300" bash scripts/pg.sh start "$PGDIR")
psql -X -q "$URL" -c "CREATE DATABASE tilsyn_bench"
DB="${URL%/postgres}/tilsyn_bench"
echo "== PostgreSQL at $DB; $(nproc) cores"
python3 bench/scale/bench_scale.py --database "$DB" --tilsyn "$PWD/build/bin/tilsyn" --work "$WORK" \
  --per-phase "${PER_PHASE:-40}" ${ASSESS_THREADS:+--assess-threads "$ASSESS_THREADS"}
