#!/usr/bin/env bash
# A private PostgreSQL 15 cluster on 127.0.0.1, for tests and benchmarks (never the system's).
#   scripts/pg.sh start DIR   creates DIR/pg (trust auth, user `tilsyn`, random free port), starts
#                             it listening on loopback only, loads nothing; prints its URL:
#                             postgresql://tilsyn@127.0.0.1:PORT/postgres
#   scripts/pg.sh stop DIR    stops it (immediate) and removes DIR.
# As root the cluster runs as the `postgres` user (PostgreSQL refuses root). Extra server settings
# may be given in PG_OPTS (e.g. "-c shared_buffers=1GB").
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
cmd=${1:-}; dir=${2:-}
[ -n "$dir" ] || { echo "usage: scripts/pg.sh start|stop DIR" >&2; exit 2; }
AS=()
if [ "$(id -u)" -eq 0 ]; then AS=(runuser -u postgres --); fi
case "$cmd" in
  start)
    [ -x "$PGBIN/initdb" ] || { echo "pg.sh: PostgreSQL 15 is not installed (make deps)" >&2; exit 1; }
    mkdir -p "$dir"
    chmod 755 "$dir"
    [ ${#AS[@]} -gt 0 ] && chown postgres "$dir"
    "${AS[@]}" "$PGBIN/initdb" -D "$dir/pg" -A trust -U tilsyn -E UTF8 --locale=C.UTF-8 >/dev/null
    for try in 1 2 3 4 5; do
      port=$((20000 + RANDOM % 20000))
      # -k: the Unix socket goes into DIR, not a system folder; TCP on loopback only.
      if "${AS[@]}" "$PGBIN/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w -t 60 -o \
          "-k $dir -c listen_addresses=127.0.0.1 -p $port -c fsync=off -c synchronous_commit=off \
           -c full_page_writes=off -c max_connections=200 ${PG_OPTS:-}" start >/dev/null; then
        echo "postgresql://tilsyn@127.0.0.1:$port/postgres"
        exit 0
      fi
    done
    echo "pg.sh: the cluster did not start; its log:" >&2
    cat "$dir/pg.log" >&2
    exit 1
    ;;
  stop)
    "${AS[@]}" "$PGBIN/pg_ctl" -D "$dir/pg" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: scripts/pg.sh start|stop DIR" >&2; exit 2 ;;
esac
