-- The parameter pools that depend on the inventory, rebuilt after each size is loaded (run.sh), with the lookup
-- functions the SQL scripts call (immutable, pool size written in, as in setup.sql):
-- * bench.tile: 1,000 actors drawn at random among the published, located ones, and the tile holding each at zooms
--   5, 8, 10, 12 and 14. Tiles that hold actors, weighted by their actors: dense areas come up more often, as they
--   do on a map people use. n <= 20 is the hot set of the cached measurements (same tiles, small enough to stay
--   in the tile cache); the uncached measurements draw from all 1,000.
-- * bench.actor_pick: 2,000 published metropolitan actors, with the address of their page (nearest actors).
\set ON_ERROR_STOP on
set client_min_messages = warning;
select setseed(0.17);

drop table if exists bench.tile, bench.actor_pick;
create table bench.tile (z integer not null, n integer not null, x integer not null, y integer not null, primary key (z, n));
with drawn as (
    select geom_3857, row_number() over () as n
    from (select geom_3857 from actor where status = 'published' and geom_3857 is not null order by random() limit 1000) a)
insert into bench.tile (z, n, x, y)
select z, n,
       floor((st_x(geom_3857) + 20037508.342789244) / 40075016.68557849 * (1 << z))::integer,
       floor((20037508.342789244 - st_y(geom_3857)) / 40075016.68557849 * (1 << z))::integer
from drawn cross join (values (5), (8), (10), (12), (14)) zooms(z);

-- The page address the app gives (ActorLinks.Href): id, then the name as lower-case ASCII words joined by hyphens.
-- Names whose letters would not fold the same way in SQL (ligatures) are left out of the pool.
create table bench.actor_pick as
select row_number() over () as n, id,
       '/acteurs/' || id || '-' || rtrim(left(trim(both '-' from regexp_replace(portal_normalise(name), '[^a-z0-9]+', '-', 'g')), 80), '-') as href
from (select id, name from actor
      where status = 'published' and region_code >= '11' and name !~ '[œŒæÆ]'
      order by random() limit 2000) a;
alter table bench.actor_pick add primary key (n);

do $$
declare
    tiles integer := (select count(*) from bench.tile where z = 5);
    actors integer := greatest((select count(*) from bench.actor_pick), 1);
begin
    execute format($f$create or replace function bench.tile_x(zoom integer, i bigint) returns integer language sql immutable as
                       'select x from bench.tile where z = zoom and n = 1 + (i - 1) %% %s'$f$, greatest(tiles, 1));
    execute format($f$create or replace function bench.tile_y(zoom integer, i bigint) returns integer language sql immutable as
                       'select y from bench.tile where z = zoom and n = 1 + (i - 1) %% %s'$f$, greatest(tiles, 1));
    execute format($f$create or replace function bench.actor_id(i bigint) returns bigint language sql immutable as
                       'select id from bench.actor_pick where n = 1 + (i - 1) %% %s'$f$, actors);
end
$$;
