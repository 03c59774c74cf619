-- /tiles/actors/14/X/Y.mvt (no filter): BuildActorTile.Points (one feature per actor; the app falls back to
-- clusters only when a tile holds more than 4,000 actors, which no z14 tile does here). Address from bench.tile.
\set i random(1, :pool)
-- TileCache.ReadVersionAsync: the data version, read on every request (cached or not) for the key and ETag.
select version from data_version where name = 'actors';
with points as materialized (
    select a.id, a.name, a.circle, f.slug as family, a.geom_3857
    from actor a join actor_family f on f.id = a.family_id
    where a.status = any('{published}'::text[]) and a.geom_3857 && st_tileenvelope(14, bench.tile_x(14, :i), bench.tile_y(14, :i))
        and least(floor((st_x(a.geom_3857) + 20037508.342789244) / 40075016.68557849 * 16384::bigint)::integer, 16384::bigint - 1) / (16384::bigint / (1 << 14)) = bench.tile_x(14, :i)
        and least(floor((20037508.342789244 - st_y(a.geom_3857)) / 40075016.68557849 * 16384::bigint)::integer, 16384::bigint - 1) / (16384::bigint / (1 << 14)) = bench.tile_y(14, :i)
    limit 4000 + 1)
select case when (select count(*) from points) > 4000 then null
            else (select coalesce(st_asmvt(t, 'actors', 4096, 'geom'), ''::bytea)
                  from (select st_asmvtgeom(p.geom_3857, st_tileenvelope(14, bench.tile_x(14, :i), bench.tile_y(14, :i)), 4096, 64, true) as geom,
                               p.id, p.name, p.circle::integer as circle, p.family, 1 as count,
                               '/acteurs/' || p.id as url
                        from points p order by p.id) t) end;
