-- bench/geo/postgis.sql: loads the bench-geo CSVs, builds GiST indexes and runs the set-based
-- join with separate circle and polygon predicates. Run by run.sh (psql -v dir=WORKDIR).
-- Semantics, chosen to equal our engine's: circles are tested with ST_DWithin in the fence's own
-- local metric projection (x = (lon - olon)·kx, y = (lat - olat)·ky, the equirectangular frame our
-- Geofence uses), found through a GiST index on the circle's bounding box; polygons with
-- ST_Covers on EPSG:4326 geometry — that frame is an affine map of lon/lat, so planar
-- containment in degrees is exactly containment in metres (boundary included).
\timing off
CREATE EXTENSION postgis;
CREATE TABLE circles (id int, env geometry(Polygon, 4326), olat float8, olon float8, kx float8,
                      ky float8, r float8);
CREATE TABLE polys (id int, geom geometry(Polygon, 4326));
CREATE TABLE pts (id int, lon float8, lat float8, geom geometry(Point, 4326));
\set f_c :dir '/fences_circles.csv'
\set f_p :dir '/fences_polys.csv'
\set f_pts :dir '/points.csv'
\set out :dir '/postgis.csv'
SELECT clock_timestamp() AS t0 \gset
COPY circles FROM :'f_c' (FORMAT csv);
COPY polys FROM :'f_p' (FORMAT csv);
COPY pts FROM :'f_pts' (FORMAT csv);
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS load_s \gset
SELECT clock_timestamp() AS t0 \gset
CREATE INDEX circles_env ON circles USING gist (env);
CREATE INDEX polys_geom ON polys USING gist (geom);
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS index_s \gset
ANALYZE circles; ANALYZE polys; ANALYZE pts;
\echo postgis_load_s=:load_s
\echo postgis_index_build_s=:index_s
SELECT pg_backend_pid() AS pid \gset
\set stat '/proc/' :pid '/stat'
CREATE TEMP TABLE cpu0 AS SELECT pg_read_file(:'stat') AS s;
SELECT clock_timestamp() AS t0 \gset
CREATE TEMP TABLE m_c AS
  SELECT p.id AS pid, c.id AS fid FROM pts p JOIN circles c
    ON c.env && p.geom
   AND ST_DWithin(ST_MakePoint((p.lon - c.olon) * c.kx, (p.lat - c.olat) * c.ky),
                  'POINT(0 0)'::geometry, c.r);
CREATE TEMP TABLE m_p AS
  SELECT p.id AS pid, f.id AS fid FROM pts p JOIN polys f ON ST_Covers(f.geom, p.geom);
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS join_wall_s \gset
CREATE TEMP TABLE cpu1 AS SELECT pg_read_file(:'stat') AS s;
-- utime + stime (fields 14, 15 of /proc/PID/stat) in clock ticks (100 Hz).
SELECT ((split_part(split_part(b.s, ') ', 2), ' ', 12)::bigint + split_part(split_part(b.s, ') ', 2), ' ', 13)::bigint)
      - (split_part(split_part(a.s, ') ', 2), ' ', 12)::bigint + split_part(split_part(a.s, ') ', 2), ' ', 13)::bigint)) / 100.0
       AS join_cpu_s FROM cpu0 a, cpu1 b \gset
\echo postgis_join_wall_s=:join_wall_s
\echo postgis_join_cpu_s=:join_cpu_s
SELECT count(*) AS n_c FROM m_c \gset
SELECT count(*) AS n_p FROM m_p \gset
\echo postgis_matches_circles=:n_c polygons=:n_p
COPY (SELECT pid, fid FROM m_c UNION ALL SELECT pid, fid FROM m_p) TO :'out' (FORMAT csv);
