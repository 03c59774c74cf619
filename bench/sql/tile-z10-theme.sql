-- /tiles/actors/10/X/Y.mvt?theme=T: a filter the pyramid does not hold, so BuildActorTile.ClustersOnTheFly groups
-- the tile's matching actors per cell (ActorFilterSql: statuses and themes). T drawn from bench.theme.
\set i random(1, :pool)
\set t random(1, 1000000000)
-- TileCache.ReadVersionAsync: the data version, read on every request (cached or not) for the key and ETag.
select version from data_version where name = 'actors';
select coalesce(st_asmvt(t, 'actors', 4096, 'geom'), ''::bytea)
from (select st_asmvtgeom(st_point(g.sum_x / g.actors, g.sum_y / g.actors, 3857), st_tileenvelope(10, bench.tile_x(10, :i), bench.tile_y(10, :i)), 4096, 64, true) as geom,
             g.actors::integer as count, g.c1::integer as c1, g.c2::integer as c2, g.c3::integer as c3
      from (
            select count(*) as actors, sum(st_x(a.geom_3857)) as sum_x, sum(st_y(a.geom_3857)) as sum_y,
                   count(*) filter (where a.circle = 1) as c1, count(*) filter (where a.circle = 2) as c2,
                   count(*) filter (where a.circle = 3) as c3
            from actor a
            where a.status = any('{published}'::text[]) and a.themes && array[bench.theme(:t)] and a.geom_3857 && st_tileenvelope(10, bench.tile_x(10, :i), bench.tile_y(10, :i))
        and least(floor((st_x(a.geom_3857) + 20037508.342789244) / 40075016.68557849 * 8192::bigint)::integer, 8192::bigint - 1) / (8192::bigint / (1 << 10)) = bench.tile_x(10, :i)
        and least(floor((20037508.342789244 - st_y(a.geom_3857)) / 40075016.68557849 * 8192::bigint)::integer, 8192::bigint - 1) / (8192::bigint / (1 << 10)) = bench.tile_y(10, :i)
            group by least(floor((st_x(a.geom_3857) + 20037508.342789244) / 40075016.68557849 * 8192::bigint)::bigint, 8192::bigint - 1),
                     least(floor((20037508.342789244 - st_y(a.geom_3857)) / 40075016.68557849 * 8192::bigint)::bigint, 8192::bigint - 1)
            ) g) t;
