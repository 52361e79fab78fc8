-- bench/geo/postgis.sql: loads the bench-geo CSVs, builds GiST indexes and runs the join in two
-- formulations, each timed in CPU seconds of this backend (parallel query off). Run by run.sh
-- (psql -v dir=WORKDIR).
-- 1. Points outer ("which fences contain each point?", the engine's own question): circles with
--    ST_DWithin in the fence's own local metric projection (x = (lon - olon)·kx, y = (lat - olat)·ky,
--    the equirectangular frame our Geofence uses) found through a GiST index on the circle's bounding
--    box — exactly our semantics, but a point is built per candidate pair; polygons with ST_Covers
--    on EPSG:4326 (an affine map of the local frame, so containment in degrees is containment in
--    metres, boundary included).
-- 2. Fences outer, as a PostGIS user would write it: each polygon drives an index scan of the
--    points (CROSS JOIN LATERAL … p.geom && f.geom AND ST_Covers), so PostGIS prepares the polygon
--    once and reuses it for all its candidate points; circles with index-assisted ST_DWithin in the
--    metric EPSG:25832 (UTM 32N, Copenhagen's). UTM's scale at Copenhagen differs from the local
--    frame by about 2e-4, so a point within a few mm of a circle's edge may fall on the other side:
--    `bench-geo compare` reports those as frame differences.
-- Preparing the metric copies and the points' index is reported apart (postgis_prepare_s): a
-- PostGIS install keeps them stored, as we keep our index built.
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
\set out2 :dir '/postgis_fences_outer.csv'
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
-- CPU seconds (utime + stime, fields 14 and 15 of /proc/PID/stat, 100 Hz ticks) of this backend.
CREATE FUNCTION pg_temp.cpu_s() RETURNS float8 LANGUAGE sql AS $$
  SELECT (split_part(split_part(s, ') ', 2), ' ', 12)::bigint
        + split_part(split_part(s, ') ', 2), ' ', 13)::bigint) / 100.0
    FROM pg_read_file('/proc/' || pg_backend_pid() || '/stat') AS s $$;

-- 1. Points outer.
SELECT pg_temp.cpu_s() AS c0, clock_timestamp() AS t0 \gset
CREATE TEMP TABLE m_c AS
  SELECT p.id AS pid, c.id AS fid FROM pts p JOIN circles c
    ON c.env && p.geom
   AND ST_DWithin(ST_MakePoint((p.lon - c.olon) * c.kx, (p.lat - c.olat) * c.ky),
                  'POINT(0 0)'::geometry, c.r);
CREATE TEMP TABLE m_p AS
  SELECT p.id AS pid, f.id AS fid FROM pts p JOIN polys f ON ST_Covers(f.geom, p.geom);
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS join_wall_s,
       pg_temp.cpu_s() - :c0 AS join_cpu_s \gset
\echo postgis_points_outer_wall_s=:join_wall_s
\echo postgis_points_outer_cpu_s=:join_cpu_s
SELECT count(*) AS n_c FROM m_c \gset
SELECT count(*) AS n_p FROM m_p \gset
\echo postgis_points_outer_matches_circles=:n_c polygons=:n_p
COPY (SELECT pid, fid FROM m_c UNION ALL SELECT pid, fid FROM m_p) TO :'out' (FORMAT csv);

-- 2. Fences outer. Preparation: metric copies (EPSG:25832) and GiST indexes on the points.
SELECT clock_timestamp() AS t0 \gset
ALTER TABLE pts ADD COLUMN g25 geometry(Point, 25832);
UPDATE pts SET g25 = ST_Transform(geom, 25832);
ALTER TABLE circles ADD COLUMN c25 geometry(Point, 25832);
UPDATE circles SET c25 = ST_Transform(ST_SetSRID(ST_MakePoint(olon, olat), 4326), 25832);
CREATE INDEX pts_geom ON pts USING gist (geom);
CREATE INDEX pts_g25 ON pts USING gist (g25);
VACUUM ANALYZE pts; ANALYZE circles;
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS prep_s \gset
\echo postgis_prepare_s=:prep_s
SELECT pg_temp.cpu_s() AS c0, clock_timestamp() AS t0 \gset
CREATE TEMP TABLE e_c AS
  SELECT q.id AS pid, c.id AS fid FROM circles c
  CROSS JOIN LATERAL (SELECT p.id FROM pts p WHERE ST_DWithin(p.g25, c.c25, c.r)) q;
CREATE TEMP TABLE e_p AS
  SELECT q.id AS pid, f.id AS fid FROM polys f
  CROSS JOIN LATERAL (SELECT p.id FROM pts p WHERE p.geom && f.geom AND ST_Covers(f.geom, p.geom)) q;
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS join_wall_s,
       pg_temp.cpu_s() - :c0 AS join_cpu_s \gset
\echo postgis_fences_outer_wall_s=:join_wall_s
\echo postgis_fences_outer_cpu_s=:join_cpu_s
SELECT count(*) AS n_c FROM e_c \gset
SELECT count(*) AS n_p FROM e_p \gset
\echo postgis_fences_outer_matches_circles=:n_c polygons=:n_p
COPY (SELECT pid, fid FROM e_c UNION ALL SELECT pid, fid FROM e_p) TO :'out2' (FORMAT csv);
