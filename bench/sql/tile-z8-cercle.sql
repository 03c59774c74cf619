-- /tiles/actors/8/X/Y.mvt?cercle=1: BuildActorTile.FromPyramid, filtered branch (actor_cell, circle condition).
\set i random(1, :pool)
-- TileCache.ReadVersionAsync: the data version, read on every request (cached or not) for the key and ETag.
select version from data_version where name = 'actors';
select coalesce(st_asmvt(t, 'actors', 4096, 'geom'), ''::bytea)
from (select st_asmvtgeom(st_point(g.sum_x / g.actors, g.sum_y / g.actors, 3857), st_tileenvelope(8, bench.tile_x(8, :i), bench.tile_y(8, :i)), 4096, 64, true) as geom,
             g.actors::integer as count, g.c1::integer as c1, g.c2::integer as c2, g.c3::integer as c3
      from (
            select sum(actors) as actors, sum(sum_x) as sum_x, sum(sum_y) as sum_y,
                   coalesce(sum(actors) filter (where circle = 1), 0) as c1,
                   coalesce(sum(actors) filter (where circle = 2), 0) as c2,
                   coalesce(sum(actors) filter (where circle = 3), 0) as c3
            from actor_cell
            where z = 8 and tile_x = bench.tile_x(8, :i) and tile_y = bench.tile_y(8, :i) and circle + 0 = any('{1}'::integer[])
            group by cell_x, cell_y
            having sum(actors) > 0
            ) g) t;
