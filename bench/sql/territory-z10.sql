-- /tiles/territories/10/X/Y.mvt (no filter): BuildTerritoryTile, layers regions, departments, communes (band 2 outlines),
-- each with the counts of TerritoryCountSql.For(level, filter, "array(select code from shapes)") from the aggregates.
\set i random(1, :pool)
-- TileCache.ReadVersionAsync: the data version, read on every request (cached or not) for the key and ETag.
select version from data_version where name = 'actors';
select (with shapes as materialized (select s.code, s.geom from territory_shape s where s.level = 'region' and s.band = 2 and s.geom && st_tileenvelope(10, bench.tile_x(10, :i), bench.tile_y(10, :i))),
      counts as (select d.region_code as code, sum(c.actors)::bigint as actors
                from actor_count c join department d on d.code = c.department_code
                where c.actors <> 0 and c.status = 'published' and d.region_code = any(array(select code from shapes))
                group by d.region_code
                having sum(c.actors) > 0)
 select coalesce(st_asmvt(t, 'regions', 4096, 'geom'), ''::bytea)
 from (select g.geom, g.code, g.name, g.actors, g.population,
              case when g.population > 0 then round(g.actors * 10000.0 / g.population, 2)::double precision end as per10k
       from (select st_forcepolygonccw(st_collectionextract(st_removerepeatedpoints(st_snaptogrid(st_clipbybox2d(st_affine(s.geom, (4096 / (40075016.68557849 / 2 ^ 10)), 0, 0, -(4096 / (40075016.68557849 / 2 ^ 10)), -(-20037508.342789244 + bench.tile_x(10, :i) * (40075016.68557849 / 2 ^ 10)) * (4096 / (40075016.68557849 / 2 ^ 10)), (20037508.342789244 - bench.tile_y(10, :i) * (40075016.68557849 / 2 ^ 10)) * (4096 / (40075016.68557849 / 2 ^ 10))), st_makeenvelope(-16, -16, 4112, 4112)), 1)), 3)) as geom, s.code, r.name,
                    coalesce(n.actors, 0)::integer as actors, r.population
             from shapes s join region r on r.code = s.code left join counts n on n.code = s.code) g
       where not st_isempty(g.geom)) t) || (with shapes as materialized (select s.code, s.geom from territory_shape s where s.level = 'department' and s.band = 2 and s.geom && st_tileenvelope(10, bench.tile_x(10, :i), bench.tile_y(10, :i))),
      counts as (select d.code as code, sum(c.actors)::bigint as actors
                from actor_count c join department d on d.code = c.department_code
                where c.actors <> 0 and c.status = 'published' and d.code = any(array(select code from shapes))
                group by d.code
                having sum(c.actors) > 0)
 select coalesce(st_asmvt(t, 'departments', 4096, 'geom'), ''::bytea)
 from (select g.geom, g.code, g.name, g.actors, g.population,
              case when g.population > 0 then round(g.actors * 10000.0 / g.population, 2)::double precision end as per10k
       from (select st_forcepolygonccw(st_collectionextract(st_removerepeatedpoints(st_snaptogrid(st_clipbybox2d(st_affine(s.geom, (4096 / (40075016.68557849 / 2 ^ 10)), 0, 0, -(4096 / (40075016.68557849 / 2 ^ 10)), -(-20037508.342789244 + bench.tile_x(10, :i) * (40075016.68557849 / 2 ^ 10)) * (4096 / (40075016.68557849 / 2 ^ 10)), (20037508.342789244 - bench.tile_y(10, :i) * (40075016.68557849 / 2 ^ 10)) * (4096 / (40075016.68557849 / 2 ^ 10))), st_makeenvelope(-16, -16, 4112, 4112)), 1)), 3)) as geom, s.code, r.name,
                    coalesce(n.actors, 0)::integer as actors, r.population
             from shapes s join department r on r.code = s.code left join counts n on n.code = s.code) g
       where not st_isempty(g.geom)) t) || (with shapes as materialized (select s.code, s.geom from territory_shape s where s.level = 'commune' and s.band = 2 and s.geom && st_tileenvelope(10, bench.tile_x(10, :i), bench.tile_y(10, :i))),
      counts as (select m.code as code, sum(c.actors)::bigint as actors
                from actor_commune_count c join commune m on m.code = c.commune_code
                where c.actors <> 0 and m.code = any(array(select code from shapes)) and m.code is not null
                group by m.code
                having sum(c.actors) > 0)
 select coalesce(st_asmvt(t, 'communes', 4096, 'geom'), ''::bytea)
 from (select g.geom, g.code, g.name, g.actors, g.population,
              case when g.population > 0 then round(g.actors * 10000.0 / g.population, 2)::double precision end as per10k
       from (select st_forcepolygonccw(st_collectionextract(st_removerepeatedpoints(st_snaptogrid(st_clipbybox2d(st_affine(s.geom, (4096 / (40075016.68557849 / 2 ^ 10)), 0, 0, -(4096 / (40075016.68557849 / 2 ^ 10)), -(-20037508.342789244 + bench.tile_x(10, :i) * (40075016.68557849 / 2 ^ 10)) * (4096 / (40075016.68557849 / 2 ^ 10)), (20037508.342789244 - bench.tile_y(10, :i) * (40075016.68557849 / 2 ^ 10)) * (4096 / (40075016.68557849 / 2 ^ 10))), st_makeenvelope(-16, -16, 4112, 4112)), 1)), 3)) as geom, s.code, r.name,
                    coalesce(n.actors, 0)::integer as actors, r.population
             from shapes s join commune r on r.code = s.code left join counts n on n.code = s.code) g
       where not st_isempty(g.geom)) t);
