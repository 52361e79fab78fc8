#!/usr/bin/env bash
# bench/geo/run.sh [FENCES] — our geofence engine vs PostgreSQL 15 + PostGIS 3 on one generated
# workload (see workload.h). Installs PostgreSQL/PostGIS if missing (apt, by name), runs a private
# cluster on 127.0.0.1 in a temp dir, stops it after. Both sides are timed in CPU seconds of the
# process doing the work (our query thread; the PostgreSQL backend, parallel query off), so the
# figures are per core. PostGIS runs two formulations (points outer; fences outer with prepared
# polygons and metric ST_DWithin, as a PostGIS expert writes it) and the faster one is its figure;
# both match sets are checked against ours. Ends with: geo: ours_pts_per_s_core=N postgis_pts_per_s_core=N ratio=N agree=yes|no
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
PO_S=$(sed -n 's/^postgis_points_outer_cpu_s=//p' "$WORK/pg.txt")
FO_S=$(sed -n 's/^postgis_fences_outer_cpu_s=//p' "$WORK/pg.txt")
rate() { awk -v n="$POINTS" -v s="$1" 'BEGIN { printf "%.0f", n / (s > 0 ? s : 0.01) }'; }
PO=$(rate "$PO_S"); FO=$(rate "$FO_S")

echo "== compare"
"${AS[@]}" "$BIN" compare --dir "$WORK" --fences "$FENCES" --points "$POINTS" --pg postgis.csv |
  tee "$WORK/cmp1.txt"
# Circles in EPSG:25832 (WGS 84 ellipsoid, UTM scale ~1.0002) vs our spherical local frame: the
# east-west metre differs by ~0.36 % at Copenhagen (ellipsoid 0.34 %, UTM scale 0.02 %), the
# north-south by ~0.15 %: points closer to a circle's edge than 0.5 % of its radius are allowed.
"${AS[@]}" "$BIN" compare --dir "$WORK" --fences "$FENCES" --points "$POINTS" \
  --pg postgis_fences_outer.csv --circle-tolerance 0.005 | tee "$WORK/cmp2.txt"
A1=$(sed -n 's/^agree=//p' "$WORK/cmp1.txt"); A2=$(sed -n 's/^agree=//p' "$WORK/cmp2.txt")
AGREE=no; [ "$A1" = yes ] && [ "$A2" = yes ] && AGREE=yes
# The faster formulation is PostGIS's figure (an expert would write that one).
if awk -v a="$FO" -v b="$PO" 'BEGIN { exit !(a >= b) }'; then PG=$FO; BEST=fences_outer; else PG=$PO; BEST=points_outer; fi
RATIO=$(awk -v a="$OURS" -v b="$PG" 'BEGIN { printf "%.1f", a / b }')
echo "postgis points outer: ${PO} pts/s/core (join CPU ${PO_S}s); fences outer: ${FO} pts/s/core (join CPU ${FO_S}s)"
echo "postgis_best=$BEST; $(sed -n 's/^frame_diffs/fences outer circle frame_diffs/p' "$WORK/cmp2.txt")"
echo "geo: ours_pts_per_s_core=$OURS postgis_pts_per_s_core=$PG ratio=$RATIO agree=$AGREE"
