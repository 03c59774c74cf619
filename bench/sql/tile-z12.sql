-- /tiles/actors/12/X/Y.mvt (no filter): BuildActorTile.FromPyramid, unfiltered branch (actor_cell_total), with the
-- tile address drawn from bench.tile (pools.sql): n <= :pool (20: the hot set of the cached runs; 1000: uncached).
\set i random(1, :pool)
-- TileCache.ReadVersionAsync: the data version, read on every request (cached or not) for the key and ETag.
select version from data_version where name = 'actors';
select coalesce(st_asmvt(t, 'actors', 4096, 'geom'), ''::bytea)
from (select st_asmvtgeom(st_point(g.sum_x / g.actors, g.sum_y / g.actors, 3857), st_tileenvelope(12, bench.tile_x(12, :i), bench.tile_y(12, :i)), 4096, 64, true) as geom,
             g.actors::integer as count, g.c1::integer as c1, g.c2::integer as c2, g.c3::integer as c3
      from (
            select actors, sum_x, sum_y, circle_1 as c1, circle_2 as c2, circle_3 as c3
            from actor_cell_total
            where z = 12 and tile_x = bench.tile_x(12, :i) and tile_y = bench.tile_y(12, :i) and actors > 0
            ) g) t;
