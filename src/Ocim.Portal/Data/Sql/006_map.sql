-- The map and territory core (docs/decisions/0008-map-cluster-pyramid.md).
--
-- 1. actor_cell: a cluster pyramid. For every zoom 0–12, the published, located actors counted per grid cell
--    (8 × 8 cells per tile, i.e. 64 px at 512-px tiles) × department × circle × family, with the sums of their
--    Web Mercator coordinates, so that a cluster sits at the centroid of its members. A low-zoom tile is then a
--    read of at most a few thousand rows by its address (z, tile_x, tile_y), never a scan of the actors: at a
--    million actors the France tile would otherwise hold 635,000 points. Filters on circle, family, region and
--    department read the same rows; other filters cluster their (fewer) matching actors on the fly.
-- 2. actor_cell_total: the same cells without the breakdown, for the unfiltered map (one row per cell).
-- 3. actor_commune_count: published actors per commune × circle × family, for the communes' and EPCI's counts and
--    choropleths (departments and regions read actor_count).
-- All three are kept exact by statement-level triggers: one grouped upsert per statement, rows locked in key
-- order (no deadlock between concurrent writers). Cells left at zero are not deleted (readers ignore them).
-- 4. territory_shape: outlines simplified for each band of zooms, in Web Mercator, for the territory tiles.
-- 5. commune.centre_l93 for metre-based distances from communes (white zones), and
--    actor_rebuild_territories() to recompute every actor's territories from the outlines, driven by the polygons.

-- ---------------------------------------------------------------------------------------------- 1, 2. pyramid
create table actor_cell (
    z               smallint not null,
    tile_x          integer not null,
    tile_y          integer not null,
    cell_x          integer not null,   -- cell column in the whole world at this zoom (8 per tile)
    cell_y          integer not null,
    department_code text not null,      -- '' when the actor has no department (cannot happen for located actors)
    circle          smallint not null,
    family_id       integer not null,
    actors          integer not null,
    sum_x           double precision not null,   -- Σ x (EPSG:3857 metres) of the actors in the row
    sum_y           double precision not null,
    -- A tile reads its rows by address; the counts ride in the index (index-only scans stay local in the index
    -- even when incremental updates have scattered the heap).
    primary key (z, tile_x, tile_y, cell_x, cell_y, department_code, circle, family_id) include (actors, sum_x, sum_y)
);

create table actor_cell_total (
    z        smallint not null,
    tile_x   integer not null,
    tile_y   integer not null,
    cell_x   integer not null,
    cell_y   integer not null,
    actors   integer not null,
    circle_1 integer not null,
    circle_2 integer not null,
    circle_3 integer not null,
    sum_x    double precision not null,
    sum_y    double precision not null,
    primary key (z, tile_x, tile_y, cell_x, cell_y) include (actors, circle_1, circle_2, circle_3, sum_x, sum_y)
);

-- The cells of one Web Mercator point at zooms 0 to 12: world coordinates scaled to 8 · 2^z cells per side,
-- y growing southwards as in tile addresses. Points on the world's edge fall into the last cell.
create function actor_cells_of(x double precision, y double precision)
returns table (z smallint, tile_x integer, tile_y integer, cell_x integer, cell_y integer)
language sql immutable parallel safe as $$
    select s.z::smallint, s.cx >> 3, s.cy >> 3, s.cx, s.cy
    from (select zoom as z,
                 least(greatest(floor((x + 20037508.342789244) / 40075016.68557849 * (8 << zoom))::integer, 0), (8 << zoom) - 1) as cx,
                 least(greatest(floor((20037508.342789244 - y) / 40075016.68557849 * (8 << zoom))::integer, 0), (8 << zoom) - 1) as cy
          from generate_series(0, 12) as zoom) s
$$;

-- ---------------------------------------------------------------------------------------------- 3. communes
create table actor_commune_count (
    commune_code text not null,
    circle       smallint not null,
    family_id    integer not null,
    actors       integer not null,
    primary key (commune_code, circle, family_id)
);

-- What the aggregates count: published actors with a location (hence a commune).
create function actor_map_rows(source_table text, sign integer) returns text
language sql immutable as $$
    select format('select st_x(geom_3857) as x, st_y(geom_3857) as y, coalesce(department_code, '''') as department_code, '
                  'circle, family_id, commune_code, %s as sign from %I where status = ''published'' and geom_3857 is not null',
                  sign, source_table)
$$;

-- Adds signed rows to the three aggregates, in one grouped pass whatever their number: the rows that count (what
-- actor_map_rows describes: published, located) with a sign, +1 for a new row, -1 for an old one. rc expands each
-- into its cell at every zoom 0–12. Every insert locks its rows in key order, and the tables are always written in
-- the same order (no deadlock between concurrent writers). Static SQL in PL/pgSQL: planned once per session, not at
-- every write (planning dynamic SQL was most of a single-row write's cost).
create function actor_map_add(xs double precision[], ys double precision[], departments text[], circles smallint[],
                              families integer[], communes text[], signs integer[]) returns void
language plpgsql as $$
begin
    with r as materialized (
        select * from unnest(xs, ys, departments, circles, families, communes, signs)
                      as u(x, y, department_code, circle, family_id, commune_code, sign)),
    rc as materialized (
        select c.z, c.tile_x, c.tile_y, c.cell_x, c.cell_y, r.department_code, r.circle, r.family_id, r.sign, r.x, r.y
        from r cross join lateral actor_cells_of(r.x, r.y) c),
    cells as (
        insert into actor_cell as t (z, tile_x, tile_y, cell_x, cell_y, department_code, circle, family_id, actors, sum_x, sum_y)
        select z, tile_x, tile_y, cell_x, cell_y, department_code, circle, family_id, sum(sign), sum(sign * x), sum(sign * y)
        from rc group by 1, 2, 3, 4, 5, 6, 7, 8
        having sum(sign) <> 0 or sum(sign * x) <> 0 or sum(sign * y) <> 0
        order by 1, 2, 3, 4, 5, 6, 7, 8
        on conflict (z, tile_x, tile_y, cell_x, cell_y, department_code, circle, family_id) do update
        set actors = t.actors + excluded.actors, sum_x = t.sum_x + excluded.sum_x, sum_y = t.sum_y + excluded.sum_y),
    totals as (
        insert into actor_cell_total as t (z, tile_x, tile_y, cell_x, cell_y, actors, circle_1, circle_2, circle_3, sum_x, sum_y)
        select z, tile_x, tile_y, cell_x, cell_y, sum(sign),
               coalesce(sum(sign) filter (where circle = 1), 0), coalesce(sum(sign) filter (where circle = 2), 0),
               coalesce(sum(sign) filter (where circle = 3), 0), sum(sign * x), sum(sign * y)
        from rc group by 1, 2, 3, 4, 5
        having sum(sign) <> 0 or sum(sign * x) <> 0 or sum(sign * y) <> 0
            or sum(sign) filter (where circle = 1) <> 0 or sum(sign) filter (where circle = 2) <> 0
        order by 1, 2, 3, 4, 5
        on conflict (z, tile_x, tile_y, cell_x, cell_y) do update
        set actors = t.actors + excluded.actors, circle_1 = t.circle_1 + excluded.circle_1,
            circle_2 = t.circle_2 + excluded.circle_2, circle_3 = t.circle_3 + excluded.circle_3,
            sum_x = t.sum_x + excluded.sum_x, sum_y = t.sum_y + excluded.sum_y)
    insert into actor_commune_count as t (commune_code, circle, family_id, actors)
    select commune_code, circle, family_id, sum(sign) from r
    group by 1, 2, 3 having sum(sign) <> 0 order by 1, 2, 3
    on conflict (commune_code, circle, family_id) do update set actors = t.actors + excluded.actors;
end
$$;

-- The statement trigger: gathers its changed rows with their sign and hands them to actor_map_add. The transition
-- tables are only visible to the trigger function itself, hence one gathering query per kind of write. An UPDATE
-- nets old against new rows first, so that an edit that moves nothing the aggregates count (a description, a
-- website) writes nothing at all.
create function actor_map_apply() returns trigger
language plpgsql as $$
declare
    xs double precision[]; ys double precision[]; departments text[]; circles smallint[];
    families integer[]; communes text[]; signs integer[];
begin
    if tg_op = 'INSERT' then
        select array_agg(st_x(geom_3857)), array_agg(st_y(geom_3857)), array_agg(coalesce(department_code, '')),
               array_agg(circle), array_agg(family_id), array_agg(commune_code), array_agg(1)
        into xs, ys, departments, circles, families, communes, signs
        from new_rows where status = 'published' and geom_3857 is not null;
    elsif tg_op = 'DELETE' then
        select array_agg(st_x(geom_3857)), array_agg(st_y(geom_3857)), array_agg(coalesce(department_code, '')),
               array_agg(circle), array_agg(family_id), array_agg(commune_code), array_agg(-1)
        into xs, ys, departments, circles, families, communes, signs
        from old_rows where status = 'published' and geom_3857 is not null;
    else
        select array_agg(x), array_agg(y), array_agg(department_code), array_agg(circle), array_agg(family_id),
               array_agg(commune_code), array_agg(sign)
        into xs, ys, departments, circles, families, communes, signs
        from (select x, y, department_code, circle, family_id, commune_code, sum(sign)::integer as sign
              from (select st_x(geom_3857) as x, st_y(geom_3857) as y, coalesce(department_code, '') as department_code,
                           circle, family_id, commune_code, -1 as sign
                    from old_rows where status = 'published' and geom_3857 is not null
                    union all
                    select st_x(geom_3857), st_y(geom_3857), coalesce(department_code, ''), circle, family_id, commune_code, 1
                    from new_rows where status = 'published' and geom_3857 is not null) u
              group by 1, 2, 3, 4, 5, 6
              having sum(sign) <> 0) netted;
    end if;
    if xs is not null then
        perform actor_map_add(xs, ys, departments, circles, families, communes, signs);
    end if;
    return null;
end
$$;

create function actor_map_clear() returns trigger
language plpgsql as $$
begin
    truncate actor_cell, actor_cell_total, actor_commune_count;
    return null;
end
$$;

create trigger actor_map_on_insert after insert on actor
    referencing new table as new_rows for each statement execute function actor_map_apply();
create trigger actor_map_on_update after update on actor
    referencing old table as old_rows new table as new_rows for each statement execute function actor_map_apply();
create trigger actor_map_on_delete after delete on actor
    referencing old table as old_rows for each statement execute function actor_map_apply();
create trigger actor_map_on_truncate after truncate on actor
    for each statement execute function actor_map_clear();

-- Rebuilds the three aggregates from the actors (after a bulk load with the triggers disabled, or to check them).
-- Only the deepest zoom is computed from the actors; each coarser zoom is grouped from the one below (a cell at
-- zoom z - 1 is the cell at zoom z halved), so a million actors cost one pass, not thirteen.
create function actor_map_rebuild() returns void
language plpgsql as $$
begin
    perform set_config('work_mem', '256MB', true);   -- the groupings sort up to a million rows: in memory
    truncate actor_cell, actor_cell_total, actor_commune_count;
    -- Rows go in key order, so that each tile's rows share a few heap pages.
    insert into actor_cell (z, tile_x, tile_y, cell_x, cell_y, department_code, circle, family_id, actors, sum_x, sum_y)
    select 12, cx >> 3, cy >> 3, cx, cy, department_code, circle, family_id, count(*), sum(x), sum(y)
    from (select x, y, department_code, circle, family_id,
                 least(greatest(floor((x + 20037508.342789244) / 40075016.68557849 * 32768)::integer, 0), 32767) as cx,
                 least(greatest(floor((20037508.342789244 - y) / 40075016.68557849 * 32768)::integer, 0), 32767) as cy
          from (select st_x(geom_3857) as x, st_y(geom_3857) as y, coalesce(department_code, '') as department_code, circle, family_id
                from actor where status = 'published' and geom_3857 is not null) p) r
    group by 2, 3, 4, 5, 6, 7, 8
    order by 2, 3, 4, 5, 6, 7, 8;
    for zoom in reverse 11..0 loop
        insert into actor_cell (z, tile_x, tile_y, cell_x, cell_y, department_code, circle, family_id, actors, sum_x, sum_y)
        select zoom, (cell_x >> 1) >> 3, (cell_y >> 1) >> 3, cell_x >> 1, cell_y >> 1, department_code, circle, family_id,
               sum(actors), sum(sum_x), sum(sum_y)
        from actor_cell where z = zoom + 1
        group by 2, 3, 4, 5, 6, 7, 8
        order by 2, 3, 4, 5, 6, 7, 8;
    end loop;
    insert into actor_cell_total (z, tile_x, tile_y, cell_x, cell_y, actors, circle_1, circle_2, circle_3, sum_x, sum_y)
    select z, tile_x, tile_y, cell_x, cell_y, sum(actors),
           coalesce(sum(actors) filter (where circle = 1), 0), coalesce(sum(actors) filter (where circle = 2), 0),
           coalesce(sum(actors) filter (where circle = 3), 0), sum(sum_x), sum(sum_y)
    from actor_cell group by 1, 2, 3, 4, 5
    order by 1, 2, 3, 4, 5;
    insert into actor_commune_count (commune_code, circle, family_id, actors)
    select commune_code, circle, family_id, count(*) from actor
    where status = 'published' and geom_3857 is not null group by 1, 2, 3
    order by 1, 2, 3;
    -- (VACUUM cannot run here: callers that rebuild a large inventory vacuum afterwards for index-only scans.)
    analyze actor_cell; analyze actor_cell_total; analyze actor_commune_count;
end
$$;

select actor_map_rebuild();

-- ---------------------------------------------------------------------------------------------- 4. shapes
-- Bands of zooms and their simplification tolerance (about one pixel of a 512-px tile at the band's deepest
-- zoom): 0 = z0–4 (4.9 km), 1 = z5–7 (611 m), 2 = z8–10 (76 m), 3 = z11 and deeper (19 m, the z12 pixel).
-- Regions are drawn at every band, departments from band 1, communes from band 2 (z ≥ 9 on the map).
create table territory_shape (
    level text not null check (level in ('region', 'department', 'commune')),
    band  smallint not null check (band between 0 and 3),
    code  text not null,
    geom  geometry(MultiPolygon, 3857) not null,
    primary key (level, band, code)
);
create index territory_shape_region_0_idx on territory_shape using gist (geom) where level = 'region' and band = 0;
create index territory_shape_region_1_idx on territory_shape using gist (geom) where level = 'region' and band = 1;
create index territory_shape_region_2_idx on territory_shape using gist (geom) where level = 'region' and band = 2;
create index territory_shape_region_3_idx on territory_shape using gist (geom) where level = 'region' and band = 3;
create index territory_shape_department_1_idx on territory_shape using gist (geom) where level = 'department' and band = 1;
create index territory_shape_department_2_idx on territory_shape using gist (geom) where level = 'department' and band = 2;
create index territory_shape_department_3_idx on territory_shape using gist (geom) where level = 'department' and band = 3;
create index territory_shape_commune_2_idx on territory_shape using gist (geom) where level = 'commune' and band = 2;
create index territory_shape_commune_3_idx on territory_shape using gist (geom) where level = 'commune' and band = 3;

create function territory_band_tolerance(band smallint) returns double precision
language sql immutable as $$
    select 40075016.68557849 / (512 * (2 ^ (case band when 0 then 4 when 1 then 7 when 2 then 10 else 12 end)))
$$;

-- Called at the end of the territory load (and below, for a database whose territories are already loaded).
create function territory_shape_refresh() returns void
language plpgsql as $$
begin
    delete from territory_shape;
    insert into territory_shape (level, band, code, geom)
    select 'region', b, code, st_multi(st_collectionextract(st_makevalid(st_simplifypreservetopology(geom_3857, territory_band_tolerance(b))), 3))
    from region, (select b::smallint as b from generate_series(0, 3) b) bands;
    insert into territory_shape (level, band, code, geom)
    select 'department', b, code, st_multi(st_collectionextract(st_makevalid(st_simplifypreservetopology(geom_3857, territory_band_tolerance(b))), 3))
    from department, (select b::smallint as b from generate_series(1, 3) b) bands;
    insert into territory_shape (level, band, code, geom)
    select 'commune', b, code, st_multi(st_collectionextract(st_makevalid(st_simplifypreservetopology(geom_3857, territory_band_tolerance(b))), 3))
    from commune, (select b::smallint as b from generate_series(2, 3) b) bands;
    analyze territory_shape;
end
$$;

select territory_shape_refresh();

-- ---------------------------------------------------------------------------------------------- 5. distances
alter table commune add column centre_l93 geometry(Point, 2154) generated always as (st_transform(centre, 2154)) stored;
create index commune_centre_l93_idx on commune using gist (centre_l93);

-- Recomputes every located actor's commune, EPCI, department and region from the outlines (after a territory
-- reload), with the same tie rule as resolve_territory: a point on a shared border goes to the lowest code.
-- 1. One pass driven by the communes: each outline probes the actor index once, as a prepared polygon (2.9 µs per
--    point in the measurements of docs/PERFORMANCE, against 14 µs when driven by the points), and counts per
--    commune the actors it holds and those of them that hold other territories (normally none, or a few points on
--    borders). Nothing is kept per actor, so a million agreeing actors are neither stored nor sorted. This pass
--    may use parallel workers (the web role runs without parallel query; a rebuild is a rare bulk operation).
-- 2. The disagreeing actors, read again from the few communes that have some. The commune an actor holds, when
--    its outline still holds the point, is the only candidate the pass left out: added back, the lowest code wins.
-- Only the actors whose territories differ are written. Returns the number of actors examined (located in at
-- least one commune) and of actors changed.
create function actor_rebuild_territories(out examined bigint, out changed bigint)
language plpgsql as $$
declare
    pairs bigint;
begin
    perform set_config('max_parallel_workers_per_gather', '2', true);
    perform set_config('jit', 'off', true);          -- the plan's cost would compile it, for nothing: the work is in PostGIS
    perform set_config('work_mem', '256MB', true);   -- the per-commune grouping stays in memory
    drop table if exists rebuilt_commune;
    create temp table rebuilt_commune on commit drop as
    select c.code, count(*) as pairs,
           count(*) filter (where a.commune_code is distinct from c.code or a.epci_siren is distinct from c.epci_siren
                               or a.department_code is distinct from c.department_code
                               or a.region_code is distinct from c.region_code) as disagreeing
    from commune c join actor a on a.geom && c.geom and st_intersects(c.geom, a.geom)
    group by c.code;
    analyze rebuilt_commune;
    select coalesce(sum(r.pairs), 0) into pairs from rebuilt_commune r;

    drop table if exists rebuilt_territory;
    create temp table rebuilt_territory on commit drop as
    with suspect as materialized (
        select a.id, c.code as commune_code, c.epci_siren, c.department_code, c.region_code
        from rebuilt_commune r
        join commune c on c.code = r.code
        cross join lateral (
            select a.id from actor a
            where a.geom && c.geom and st_intersects(c.geom, a.geom)
              and (a.commune_code is distinct from c.code or a.epci_siren is distinct from c.epci_siren
                   or a.department_code is distinct from c.department_code or a.region_code is distinct from c.region_code)) a
        where r.disagreeing > 0),
    candidate as (
        select * from suspect
        union
        select a.id, c.code, c.epci_siren, c.department_code, c.region_code
        from actor a join commune c on c.code = a.commune_code
        where a.id in (select s.id from suspect s) and a.geom && c.geom and st_intersects(c.geom, a.geom))
    select distinct on (id) id, commune_code, epci_siren, department_code, region_code,
           count(*) over (partition by id) as communes
    from candidate
    order by id, commune_code;
    -- Each disagreeing actor was counted once per commune holding it; every other actor once.
    select pairs - coalesce(sum(r.communes - 1), 0) into examined from rebuilt_territory r;

    update actor a
    set commune_code = r.commune_code, epci_siren = r.epci_siren, department_code = r.department_code, region_code = r.region_code
    from rebuilt_territory r
    where a.id = r.id and a.location_approximate = false
      and (a.commune_code is distinct from r.commune_code or a.epci_siren is distinct from r.epci_siren
           or a.department_code is distinct from r.department_code or a.region_code is distinct from r.region_code);
    get diagnostics changed = row_count;
end
$$;

-- ---------------------------------------------------------------------------------------------- 6. planner
-- A department's communes for the counts, without touching the commune heap (130 MB: it carries the outlines).
create index commune_department_code_covering_idx on commune (department_code) include (code, epci_siren, region_code);

-- No JIT for the portal's role: its statements are short, and the planner's cost estimates of KNN scans with a
-- LIMIT (over a million at a million actors) made PostgreSQL compile them: ~18 ms of JIT for a 0.5 ms query.
-- (Like max_parallel_workers_per_gather = 0 in 003: applies to new sessions of this role.)
-- Only when not already so: ALTER ROLE rewrites a catalog row shared by every database of the server, and a write
-- that changes nothing would still collide with another database's migration running at the same moment.
do $$
begin
    if not exists (select 1 from pg_db_role_setting s join pg_roles r on r.oid = s.setrole
                   where r.rolname = current_user and s.setdatabase = 0 and 'jit=off' = any(s.setconfig)) then
        alter role current_user set jit = off;
    end if;
end
$$;
