-- The cost of single-row writes, in µs, timed inside the server (clock_timestamp() around each statement of a
-- PL/pgSQL loop, so without the client's round trip and the statement's own parsing): resolve_territory() alone,
-- then an insert, a move, a status change, an edit that moves nothing and a delete, each through every trigger of
-- the actor table (territory resolution, actor_count, the map's aggregates, the data version). Measured with the
-- current actor_map_apply(), then with the one of main before this branch (before-map-apply.sql), in a transaction
-- that is rolled back: the inventory is left as it was. Output: variant, operation, writes, mean, p50, p95 (µs).
-- Points: those of bench.actor_pick's actors (metropolitan, published), each moved by about a metre.
\set ON_ERROR_STOP on
set client_min_messages = warning;
begin;
create temp table write_cost (variant text, op text, us double precision) on commit drop;
create function pg_temp.measure_writes(variant text, rounds integer) returns void
language plpgsql as $$
declare
    p record;
    q record;
    t0 timestamptz;
    new_id bigint;
    family integer := (select id from actor_family where slug = 'musee');
    k integer := 0;
begin
    for p in select a.longitude as lon, a.latitude as lat, lead(a.longitude) over (order by b.n) as lon2,
                    lead(a.latitude) over (order by b.n) as lat2
             from bench.actor_pick b join actor a on a.id = b.id order by b.n limit rounds + 1 loop
        continue when p.lon2 is null;
        k := k + 1;
        t0 := clock_timestamp();
        perform * from resolve_territory(p.lon + 0.00001, p.lat);
        insert into write_cost values (variant, '1 resolve_territory(lon, lat)', extract(epoch from clock_timestamp() - t0) * 1e6);

        t0 := clock_timestamp();
        insert into actor (name, circle, family_id, longitude, latitude, source, external_id)
        values ('Écriture du bench', 1 + k % 3, family, p.lon + 0.00001, p.lat, 'bench-write', variant || k)
        returning id into new_id;
        insert into write_cost values (variant, '2 insert', extract(epoch from clock_timestamp() - t0) * 1e6);

        t0 := clock_timestamp();
        update actor set longitude = p.lon2 + 0.00001, latitude = p.lat2 where id = new_id;
        insert into write_cost values (variant, '3 update: move', extract(epoch from clock_timestamp() - t0) * 1e6);

        t0 := clock_timestamp();
        update actor set status = 'draft' where id = new_id;
        insert into write_cost values (variant, '4 update: status', extract(epoch from clock_timestamp() - t0) * 1e6);

        t0 := clock_timestamp();
        update actor set short_description = 'Modifié par le bench.' where id = new_id;
        insert into write_cost values (variant, '5 update: description only', extract(epoch from clock_timestamp() - t0) * 1e6);

        t0 := clock_timestamp();
        delete from actor where id = new_id;
        insert into write_cost values (variant, '6 delete', extract(epoch from clock_timestamp() - t0) * 1e6);
    end loop;
end
$$;
-- Warm-up (plans, caches), not recorded; then the measurement.
select pg_temp.measure_writes('warm-up', 20);
delete from write_cost;
select pg_temp.measure_writes('this branch', 300);
\i :bench/data/before-map-apply.sql
select pg_temp.measure_writes('warm-up', 20);
delete from write_cost where variant = 'warm-up';
select pg_temp.measure_writes('before (main d2bb474)', 300);
\pset format unaligned
\pset tuples_only on
\pset fieldsep '\t'
\o :out
select variant, op, count(*),
       round(avg(us)::numeric, 1), round(percentile_disc(0.5) within group (order by us)::numeric, 1),
       round(percentile_disc(0.95) within group (order by us)::numeric, 1)
from write_cost where variant <> 'warm-up' group by 1, 2 order by 1 desc, 2;
\o
rollback;
