#!/usr/bin/env bash
# bench/geo/run.sh [FENCES] — our geofence engine vs PostgreSQL 15 + PostGIS 3 on one generated
# workload (see workload.h). Installs PostgreSQL/PostGIS if missing (apt, by name), runs a private
# cluster on 127.0.0.1 in a temp dir, stops it after. Both sides are timed in CPU seconds of the
# process doing the work (our query thread; the PostgreSQL backend, parallel query off), so the
# figures are per core. Ends with: geo: ours_pts_per_s_core=N postgis_pts_per_s_core=N ratio=N agree=yes|no
# SKIP_POSTGIS=1 runs only our side (quick iterations; no ratio, no agreement check).
set -euo pipefail
cd "$(dirname "$0")/../.."
FENCES=${1:-100000}
POINTS=${POINTS:-1000000}
PGBIN=/usr/lib/postgresql/15/bin

bash scripts/build.sh bench-geo >/dev/null
BIN=$PWD/build/bin/bench-geo

if [ "${SKIP_POSTGIS:-0}" != 1 ] && { [ ! -x "$PGBIN/initdb" ] || [ ! -d /usr/share/postgresql/15/extension ] ||
   ! ls /usr/share/postgresql/15/extension/postgis.control >/dev/null 2>&1; }; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "bench-geo: installing postgresql-15 postgresql-15-postgis-3"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
    postgresql-15 postgresql-15-postgis-3 >/dev/null
fi

WORK=$(mktemp -d /tmp/bench-geo.XXXXXX)
chmod 755 "$WORK"
PORT=$((20000 + RANDOM % 20000))
# PostgreSQL refuses to run as root: run the cluster as the postgres user then.
AS=()
if [ "$(id -u)" -eq 0 ]; then AS=(runuser -u postgres --); chown postgres "$WORK"; fi
cleanup() {
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== workload: $FENCES fences, $POINTS points (Copenhagen box, 500 vehicles, 1 Hz, 5 m noise)"
"${AS[@]}" "$BIN" gen --dir "$WORK" --fences "$FENCES" --points "$POINTS"

echo "== ours (GridGeofenceIndex, one thread)"
"${AS[@]}" "$BIN" ours --dir "$WORK" --fences "$FENCES" --points "$POINTS" | tee "$WORK/ours.txt"
OURS=$(sed -n 's/^ours_trace_pts_per_s_core=//p' "$WORK/ours.txt")
if [ "${SKIP_POSTGIS:-0}" = 1 ]; then
  echo "geo: ours_pts_per_s_core=$OURS (SKIP_POSTGIS=1: PostGIS not run)"
  exit 0
fi

echo "== PostGIS"
"${AS[@]}" "$PGBIN/initdb" -D "$WORK/pg" -A trust -U bench >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w -o \
  "-k /tmp -c listen_addresses=127.0.0.1 -p $PORT -c shared_buffers=1GB -c work_mem=256MB \
   -c max_parallel_workers_per_gather=0 -c fsync=off -c synchronous_commit=off \
   -c full_page_writes=off -c jit=off" start >/dev/null
PSQL=(psql -X -q -h 127.0.0.1 -p "$PORT" -U bench -d postgres -v ON_ERROR_STOP=1 -v dir="$WORK")
"${AS[@]}" "${PSQL[@]}" -f bench/geo/postgis.sql | tee "$WORK/pg.txt"
PG_S=$(sed -n 's/^postgis_join_cpu_s=//p' "$WORK/pg.txt")
PG=$(awk -v n="$POINTS" -v s="$PG_S" 'BEGIN { printf "%.0f", n / s }')

echo "== compare"
"${AS[@]}" "$BIN" compare --dir "$WORK" --fences "$FENCES" --points "$POINTS" | tee "$WORK/cmp.txt"
AGREE=$(sed -n 's/^agree=//p' "$WORK/cmp.txt")
RATIO=$(awk -v a="$OURS" -v b="$PG" 'BEGIN { printf "%.1f", a / b }')
echo "postgis_pts_per_s_core=$PG (join CPU ${PG_S}s for $POINTS points)"
echo "geo: ours_pts_per_s_core=$OURS postgis_pts_per_s_core=$PG ratio=$RATIO agree=$AGREE"
