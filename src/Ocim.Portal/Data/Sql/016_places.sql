-- The place index: communes, departments, regions and EPCI under one searchable name each, so that a person types
-- « dij », « st denis », « 21000 » or « 2a » and gets the place they mean (Features/Places, docs/decisions/0025).
-- Built from the territory tables and La Poste's postal codes by Features/Places/LoadPlaces.cs (build_place_index).

-- The search key of a name: lower case, no accents, every run of other characters (hyphen, apostrophe, space,
-- dot) one space, and « st »/« ste » spelled « saint »/« sainte », so that every spelling meets the same key.
create function place_key(value text) returns text
language sql immutable parallel safe strict as $$
    -- (word boundaries are spaces once the other characters are gone; \m and \M mark them.)
    select regexp_replace(regexp_replace(
               btrim(regexp_replace(portal_normalise(value), '[^a-z0-9]+', ' ', 'g')),
               '\mst\M', 'saint', 'g'),
               '\mste\M', 'sainte', 'g')
$$;

-- La Poste's postal codes per INSEE code (data/reference/postal_codes_2025.csv, from @etalab/decoupage-administratif).
create table postal_code (
    postal_code  text not null,
    commune_code text not null,   -- the INSEE code of a current commune (2026), or a municipal arrondissement
    primary key (postal_code, commune_code)
);
create index postal_code_commune_code_idx on postal_code (commune_code);

create table place (
    kind            text not null check (kind in ('commune', 'departement', 'region', 'epci')),
    code            text not null,                -- the code the actor filter takes (commune: 2018 outline code)
    name            text not null,
    label           text not null,                -- « Dijon (21) »: homonyms told apart by their department
    context         text,                         -- department name (communes), region name (departments)…
    department_code text,
    key             text not null,                -- place_key(name)
    alias_key       text,                         -- the key without a leading article: « reunion », « havre »
    key_words       text[] not null,              -- the words of the key, for « a word names the actor's commune »
    postal_codes    text[] not null default '{}',
    population      integer,
    lon             double precision,
    lat             double precision,
    bbox            double precision[],           -- west, south, east, north (WGS 84)
    primary key (kind, code)
);
-- Prefix search reads (key, population, kind, code) from the index alone: « sai » matches 4,000 keys, and the ten
-- most populous are found without visiting the table (1.5 ms instead of 17 ms).
create index place_key_idx on place (key text_pattern_ops) include (population, kind, code);
create index place_alias_key_idx on place (alias_key text_pattern_ops);
create index place_key_trgm_idx on place using gin (key gin_trgm_ops);
create index place_key_words_idx on place using gin (key_words);
create index place_postal_codes_idx on place using gin (postal_codes);
create index place_department_code_idx on place (department_code);

-- Rebuilds the index from the territory tables (one statement per kind); the postal codes must be loaded first.
create function build_place_index() returns integer
language plpgsql as $$
declare
    total integer;
begin
    delete from place;

    insert into place (kind, code, name, label, context, department_code, key, key_words, postal_codes, population, lon, lat, bbox)
    select 'commune', c.code, c.name, c.name || ' (' || c.department_code || ')', d.name, c.department_code,
           place_key(c.name), string_to_array(place_key(c.name), ' '),
           coalesce((select array_agg(distinct p.postal_code order by p.postal_code) from postal_code p
                     where p.commune_code in (c.code, c.current_code)), '{}'),
           c.population, st_x(c.centre), st_y(c.centre),
           array[st_xmin(c.geom), st_ymin(c.geom), st_xmax(c.geom), st_ymax(c.geom)]
    from commune c join department d on d.code = c.department_code;

    insert into place (kind, code, name, label, context, department_code, key, key_words, population, lon, lat, bbox)
    select 'departement', d.code, d.name, d.name || ' (' || d.code || ')', r.name, d.code,
           place_key(d.name), string_to_array(place_key(d.name), ' '), d.population,
           st_x(st_pointonsurface(d.geom)), st_y(st_pointonsurface(d.geom)),
           array[st_xmin(d.geom), st_ymin(d.geom), st_xmax(d.geom), st_ymax(d.geom)]
    from department d join region r on r.code = d.region_code;

    insert into place (kind, code, name, label, context, key, key_words, population, lon, lat, bbox)
    select 'region', r.code, r.name, r.name, 'région', place_key(r.name), string_to_array(place_key(r.name), ' '),
           r.population, st_x(st_pointonsurface(r.geom)), st_y(st_pointonsurface(r.geom)),
           array[st_xmin(r.geom), st_ymin(r.geom), st_xmax(r.geom), st_ymax(r.geom)]
    from region r;

    insert into place (kind, code, name, label, context, department_code, key, key_words, population, lon, lat, bbox)
    select 'epci', e.siren, e.name, e.name, coalesce(d.name, 'intercommunalité'), e.seat_department,
           place_key(e.name), string_to_array(place_key(e.name), ' '), e.population,
           st_x(st_pointonsurface(e.geom)), st_y(st_pointonsurface(e.geom)),
           case when e.geom is null then null
                else array[st_xmin(e.geom), st_ymin(e.geom), st_xmax(e.geom), st_ymax(e.geom)] end
    from epci e left join department d on d.code = e.seat_department;

    update place set alias_key = regexp_replace(key, '^(la|le|les|l) ', '') where key ~ '^(la|le|les|l) ';
    select count(*) into total from place;
    return total;
end
$$;

-- The site reads the index; only the seed (the owner) writes it.
revoke insert, update, delete on place, postal_code from ocim_web;
grant select on place, postal_code to ocim_web;
