-- The map's place labels (docs/decisions/0026-map-without-third-party-server.md): one point per region, department
-- and commune, in Web Mercator, with the first zoom at which the territory tiles carry it. Regions and departments are
-- labelled at the centre of the largest circle inside their outline (their simplified z5–7 outline: cheap, and a label
-- inside the land even for a crescent or an archipelago); communes at their centre (geo.api.gouv.fr). Communes come
-- in by population: the larger, the earlier (the map also sorts them by population, so the larger win collisions).
-- Filled by map_label_refresh(), which the territory load calls after territory_shape_refresh().
create table map_label (
    level      text not null check (level in ('region', 'department', 'commune')),
    code       text not null,
    name       text not null,
    min_zoom   smallint not null,
    population integer not null,
    geom       geometry(Point, 3857) not null,
    primary key (level, code)
);
create index map_label_geom_idx on map_label using gist (geom);
create index map_label_min_zoom_idx on map_label (min_zoom);
grant select, insert, update, delete on map_label to ocim_web;

-- The first zoom at which a commune of this population is labelled (tiles from zoom 12 hold every commune).
create function map_label_commune_zoom(population integer) returns smallint
language sql immutable as $$
    select (case when population >= 200000 then 5 when population >= 100000 then 6 when population >= 40000 then 7
                 when population >= 15000 then 8 when population >= 5000 then 9 when population >= 2000 then 10
                 when population >= 500 then 11 else 12 end)::smallint
$$;

create function map_label_refresh() returns void
language plpgsql as $$
begin
    delete from map_label;
    insert into map_label (level, code, name, min_zoom, population, geom)
    select 'region', r.code, r.name, 0, coalesce(r.population, 0),
           (st_maximuminscribedcircle(st_geometryn(s.geom, largest.n))).center
    from region r join territory_shape s on s.level = 'region' and s.band = 1 and s.code = r.code,
         lateral (select n from generate_series(1, st_numgeometries(s.geom)) n
                  order by st_area(st_geometryn(s.geom, n)) desc limit 1) largest;
    insert into map_label (level, code, name, min_zoom, population, geom)
    select 'department', d.code, d.name, 5, coalesce(d.population, 0),
           (st_maximuminscribedcircle(st_geometryn(s.geom, largest.n))).center
    from department d join territory_shape s on s.level = 'department' and s.band = 1 and s.code = d.code,
         lateral (select n from generate_series(1, st_numgeometries(s.geom)) n
                  order by st_area(st_geometryn(s.geom, n)) desc limit 1) largest;
    insert into map_label (level, code, name, min_zoom, population, geom)
    select 'commune', c.code, c.name, map_label_commune_zoom(coalesce(c.population, 0)), coalesce(c.population, 0),
           st_transform(c.centre, 3857)
    from commune c;
    analyze map_label;
end
$$;

-- The territory load (LoadTerritories.sql) calls map_label_refresh() after the outlines: the labels follow them.
select map_label_refresh();
