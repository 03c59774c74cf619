-- Empties the actor table, then draws :size points inside real commune outlines, each commune getting a share of
-- the points in proportion to its INSEE population (largest-remainder on the running total, so the shares add up to
-- exactly :size), in a shuffled order, with the random draws the insert turns into names, families and vocabularies.
-- Variables: size, seed (psql -v). The points go to an unlogged staging table; insert-actors.sql writes the actors.
\set ON_ERROR_STOP on
set client_min_messages = warning;
set synchronous_commit = off;
select setseed(0.42);

-- Everything goes, the demo actors of `seed` included: the bench inventory is synthetic only.
truncate actor restart identity cascade;

drop table if exists bench.point;
create unlogged table bench.point as
with share as (
    select code, name, geom, population,
           sum(population) over (order by code) as upto,
           sum(population) over () as total
    from commune
    where population > 0
), drawn as (
    select code, name, geom,
           (floor(:size::numeric * upto / total) - floor(:size::numeric * (upto - population) / total))::integer as k
    from share
), point as materialized (
    -- Materialised: otherwise the planner would make every random() below the same value as the shuffle key.
    select d.code, d.name, dump.geom, random() as r_shuffle,
           -- one draw per column: the insert derives every choice from these, so a choice used twice stays consistent
           random() as r_kind, random() as r_topic, random() as r_topic2, random() as r_family, random() as r_circle,
           random() as r_status, random() as r_action, random() as r_theme, random() as r_audience,
           random() as r_acronym, random() as r_long
    from drawn d, st_dump(st_generatepoints(d.geom, d.k, :seed)) dump
    where d.k > 0
)
select row_number() over (order by r_shuffle) as n,
       code as commune_code, name as commune_name, st_x(geom) as lon, st_y(geom) as lat,
       r_kind, r_topic, r_topic2, r_family, r_circle, r_status, r_action, r_theme, r_audience, r_acronym, r_long
from point;

create unique index on bench.point (n);
analyze bench.point;
