-- France's territories: regions > departments > communes (2018 outlines, IGN Admin Express via france-geojson)
-- and EPCI (2025). Each outline is stored three times: WGS 84 as published, Lambert-93 for distances in metres,
-- Web Mercator for tiles and drawings. Loaded by the seed command (Features/Territories/LoadTerritories.cs).

create table region (
    code        text primary key,
    name        text not null,
    population  integer,                                  -- INSEE 2023 population municipale, summed
    geom        geometry(MultiPolygon, 4326) not null,
    geom_l93    geometry(MultiPolygon, 2154) not null,
    geom_3857   geometry(MultiPolygon, 3857) not null
);

create table department (
    code        text primary key,
    name        text not null,
    region_code text not null references region (code),
    population  integer,
    geom        geometry(MultiPolygon, 4326) not null,
    geom_l93    geometry(MultiPolygon, 2154) not null,
    geom_3857   geometry(MultiPolygon, 3857) not null
);
create index department_region_code_idx on department (region_code);

create table epci (
    siren             text primary key,
    name              text not null,
    nature            text not null,                      -- CC, CA, CU, METRO, MET69
    seat_department   text references department (code),
    member_count      integer not null,                   -- members in the 2025 composition
    population        integer,                            -- INSEE 2023, summed over its 2026 member communes
    geom              geometry(MultiPolygon, 4326),       -- union of its members' outlines; null when none matched
    geom_3857         geometry(MultiPolygon, 3857)
);

create table commune (
    code                    text primary key,             -- INSEE code in the 2018 geography of the outlines
    name                    text not null,
    department_code         text not null references department (code),
    region_code             text not null references region (code),
    current_code            text,                         -- the 2026 commune this outline is, or belongs to since a merger
    epci_siren              text references epci (siren),
    population              integer,                      -- INSEE 2023; see population_apportioned
    population_apportioned  boolean not null default false, -- true: share (by area) of a merged commune's population
    area_km2                double precision not null,
    centre                  geometry(Point, 4326) not null,  -- a point inside the outline
    geom                    geometry(MultiPolygon, 4326) not null,
    geom_l93                geometry(MultiPolygon, 2154) not null,
    geom_3857               geometry(MultiPolygon, 3857) not null
);
create index commune_department_code_idx on commune (department_code);
create index commune_region_code_idx on commune (region_code);
create index commune_epci_siren_idx on commune (epci_siren);
create index commune_current_code_idx on commune (current_code);

create index region_geom_idx on region using gist (geom);
create index department_geom_idx on department using gist (geom);
create index commune_geom_idx on commune using gist (geom);
create index commune_geom_l93_idx on commune using gist (geom_l93);
create index commune_geom_3857_idx on commune using gist (geom_3857);
create index commune_centre_idx on commune using gist (centre);
create index epci_geom_idx on epci using gist (geom);

-- What the last reference load found: counts by key, and every source row it could not place.
create table reference_load_report (
    key          text primary key,
    value        integer not null,
    description  text not null,
    loaded_at    timestamptz not null default now()
);

create table reference_unmatched (
    id      bigint generated always as identity primary key,
    source  text not null,      -- file the row came from
    code    text not null,      -- its code as written in that file
    name    text,
    reason  text not null       -- in French, shown on /territoires/sources
);
create index reference_unmatched_source_idx on reference_unmatched (source);

-- The territories a point lies in. A point on a border between two communes resolves to the lower code, so that
-- every write path gets the same answer; a point outside France (at sea, abroad) resolves to no row.
create function resolve_territory(lon double precision, lat double precision)
returns table (commune_code text, department_code text, region_code text, epci_siren text)
language sql stable parallel safe as $$
    select c.code, c.department_code, c.region_code, c.epci_siren
    from commune c
    where st_intersects(c.geom, st_setsrid(st_makepoint(lon, lat), 4326))
    order by c.code
    limit 1
$$;
