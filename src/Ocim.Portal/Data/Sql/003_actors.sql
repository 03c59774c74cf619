-- The actor inventory: CSTI structures, their family and vocabularies, and the territories each lies in.
-- Territories are resolved once, in the database, when a location is written (actor_resolve_territory), so that
-- forms, imports and plain SQL all agree; filters then compare codes instead of testing polygons.

-- French search that ignores accents and case: "ecomusee" finds « Écomusée ».
create text search configuration french_unaccent (copy = french);
alter text search configuration french_unaccent
    alter mapping for hword, hword_part, word with unaccent, french_stem;

-- Session defaults of the role the portal connects as (they apply to new connections, in every database of the
-- server, tests' clones included):
-- * a word with one wrong letter in ten ("munisipale") has a trigram word similarity of about 0.57, below the
--   default 0.6 of pg_trgm's <% operator, which the name search uses per word;
-- * on a 2-core machine, starting parallel workers costs more than they save for the portal's short queries
--   (PERFORMANCE: a z12 tile 14.9 ms with parallel query, 1.37 ms without).
alter role current_user set pg_trgm.word_similarity_threshold = 0.5;
alter role current_user set max_parallel_workers_per_gather = 0;

-- unaccent() is only STABLE (its dictionary could change); this wrapper pins the dictionary so it can be indexed.
create function portal_normalise(value text) returns text
language sql immutable parallel safe strict as $$
    select lower(public.unaccent('public.unaccent'::regdictionary, value))
$$;

-- Families (types of structure): a curated list that staff can edit. default_circle guides classification.
create table actor_family (
    id             integer generated always as identity primary key,
    slug           text not null unique check (slug ~ '^[a-z0-9-]+$'),
    name           text not null unique,
    default_circle smallint not null check (default_circle between 1 and 3),
    sort_order     integer not null default 0
);

insert into actor_family (slug, name, default_circle, sort_order) values
    ('musee', 'Musée', 1, 10),
    ('museum', 'Muséum d''histoire naturelle', 1, 20),
    ('centre-de-sciences', 'Centre de sciences (CCSTI)', 1, 30),
    ('planetarium', 'Planétarium', 1, 40),
    ('jardin-botanique', 'Jardin botanique', 1, 50),
    ('jardin-remarquable', 'Jardin remarquable', 3, 55),
    ('site-patrimonial', 'Site patrimonial', 3, 60),
    ('association', 'Association de culture scientifique', 1, 70),
    ('tiers-lieu', 'Tiers-lieu', 3, 80),
    ('fablab', 'Fablab', 3, 90),
    ('organisme-de-recherche', 'Organisme ou laboratoire de recherche', 2, 100),
    ('universite', 'Université', 2, 110),
    ('ecole-superieure', 'École ou établissement d''enseignement supérieur', 2, 120),
    ('etablissement-scolaire', 'Établissement scolaire', 2, 130),
    ('bibliotheque', 'Bibliothèque', 3, 140),
    ('centre-de-loisirs', 'Centre de loisirs', 3, 150),
    ('entreprise', 'Entreprise', 3, 160),
    ('collectivite', 'Collectivité', 3, 170),
    ('autre', 'Autre structure', 3, 999);

-- Controlled vocabularies of the questionnaire: types of action, themes or disciplines, audiences.
create table actor_vocabulary (
    kind       text not null check (kind in ('action', 'theme', 'audience')),
    slug       text not null check (slug ~ '^[a-z0-9-]+$'),
    label      text not null,
    sort_order integer not null default 0,
    primary key (kind, slug)
);

insert into actor_vocabulary (kind, slug, label, sort_order) values
    ('action', 'expositions', 'Expositions', 10),
    ('action', 'mediation', 'Médiation', 20),
    ('action', 'ateliers', 'Ateliers', 30),
    ('action', 'conferences', 'Conférences', 40),
    ('action', 'debats', 'Débats', 50),
    ('action', 'sciences-participatives', 'Sciences participatives', 60),
    ('action', 'formations', 'Formations', 70),
    ('action', 'edition', 'Édition', 80),
    ('action', 'tourisme-scientifique', 'Tourisme scientifique', 90),
    ('action', 'evenementiel', 'Événementiel', 100),
    ('action', 'fabrication-numerique', 'Fabrication numérique', 110),
    ('action', 'recherche', 'Recherche', 120),
    ('action', 'lecture-publique', 'Lecture publique', 130),
    ('theme', 'sciences-de-la-vie', 'Sciences de la vie', 10),
    ('theme', 'sciences-de-la-terre', 'Sciences de la Terre et de l''univers', 20),
    ('theme', 'astronomie', 'Astronomie', 30),
    ('theme', 'environnement', 'Environnement et biodiversité', 40),
    ('theme', 'botanique', 'Botanique', 50),
    ('theme', 'mathematiques', 'Mathématiques', 60),
    ('theme', 'physique-chimie', 'Physique et chimie', 70),
    ('theme', 'numerique', 'Numérique et informatique', 80),
    ('theme', 'techniques-industrie', 'Techniques et industrie', 90),
    ('theme', 'sante', 'Santé et médecine', 100),
    ('theme', 'sciences-humaines', 'Sciences humaines et sociales', 110),
    ('theme', 'patrimoine', 'Patrimoine', 120),
    ('theme', 'pluridisciplinaire', 'Pluridisciplinaire', 130),
    ('audience', 'tout-public', 'Tout public', 10),
    ('audience', 'jeune-public', 'Jeune public', 20),
    ('audience', 'scolaires', 'Scolaires', 30),
    ('audience', 'etudiants', 'Étudiants', 40),
    ('audience', 'familles', 'Familles', 50),
    ('audience', 'professionnels', 'Professionnels', 60),
    ('audience', 'publics-eloignes', 'Publics éloignés', 70);

create table actor (
    id                   bigint generated always as identity primary key,
    name                 text not null check (char_length(btrim(name)) between 1 and 300),
    acronym              text check (char_length(acronym) <= 50),
    circle               smallint not null check (circle between 1 and 3),
    family_id            integer not null references actor_family (id),
    action_types         text[] not null default '{}',
    themes               text[] not null default '{}',
    audiences            text[] not null default '{}',
    short_description    text check (char_length(short_description) <= 300),
    long_description     text check (char_length(long_description) <= 20000),   -- Markdown, rendered without raw HTML
    address              text,
    postal_code          text check (postal_code ~ '^[0-9]{5}$'),
    -- The location as written; the territories below are derived from it by the trigger.
    longitude            double precision check (longitude between -180 and 180),
    latitude             double precision check (latitude between -90 and 90),
    location_approximate boolean not null default false,   -- true: the commune's centre, not the address
    commune_code         text references commune (code),
    epci_siren           text references epci (siren),
    department_code      text references department (code),
    region_code          text references region (code),
    website              text check (website ~* '^https?://'),
    email                text check (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    phone                text,
    social_links         text[] not null default '{}',
    offer_trainings      text,      -- formations proposées
    offer_tourism        text,      -- offre touristique
    offer_resources      text,      -- ressources : expositions itinérantes, mallettes, vidéos…
    siret                text check (siret ~ '^[0-9]{9}([0-9]{5})?$'),    -- SIRET, or SIREN alone
    rna                  text check (rna ~ '^W[0-9A-Z]{9}$'),
    uai                  text check (uai ~ '^[0-9]{7}[A-Z]$'),
    museofile            text check (museofile ~ '^M[0-9]{4}$'),
    status               text not null default 'published' check (status in ('draft', 'published', 'archived')),
    source               text not null,            -- where the listing came from (an import's source name, or 'saisie')
    external_id          text,                     -- its id in that source: re-imports update, never duplicate
    verified_at          timestamptz,
    verified_by          text,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    geom                 geometry(Point, 4326) generated always as (st_setsrid(st_makepoint(longitude, latitude), 4326)) stored,
    geom_l93             geometry(Point, 2154) generated always as (st_transform(st_setsrid(st_makepoint(longitude, latitude), 4326), 2154)) stored,
    geom_3857            geometry(Point, 3857) generated always as (st_transform(st_setsrid(st_makepoint(longitude, latitude), 4326), 3857)) stored,
    search               tsvector generated always as (
                             setweight(to_tsvector('french_unaccent', coalesce(name, '') || ' ' || coalesce(acronym, '')), 'A') ||
                             setweight(to_tsvector('french_unaccent', coalesce(short_description, '')), 'B') ||
                             setweight(to_tsvector('french_unaccent', coalesce(long_description, '')), 'C')) stored,
    constraint actor_location_pair check ((longitude is null) = (latitude is null)),
    constraint actor_source_external_id unique (source, external_id)
);

create index actor_circle_idx on actor (circle);
create index actor_family_idx on actor (family_id);
create index actor_status_idx on actor (status);
create index actor_commune_idx on actor (commune_code);
create index actor_epci_idx on actor (epci_siren);
create index actor_department_idx on actor (department_code);
create index actor_region_idx on actor (region_code);
-- The list's sort orders, so that a page of 20 is read in order instead of sorting every match (an ICU sort of
-- tens of thousands of names costs hundreds of milliseconds).
create index actor_name_idx on actor (name collate french, id);
create index actor_updated_idx on actor (updated_at desc, id);
-- The list's total and facets group by circle and family under a territory filter: these let that pass read the
-- index alone (at 1M actors, a région's facets: 520 ms from the table, 94 ms from this index).
create index actor_region_facets_idx on actor (region_code, status, circle, family_id);
create index actor_department_facets_idx on actor (department_code, status, circle, family_id);
create index actor_action_types_idx on actor using gin (action_types);
create index actor_themes_idx on actor using gin (themes);
create index actor_audiences_idx on actor using gin (audiences);
create index actor_search_idx on actor using gin (search);
create index actor_name_trgm_idx on actor using gin (portal_normalise(name || ' ' || coalesce(acronym, '')) gin_trgm_ops);
create index actor_geom_idx on actor using gist (geom);
create index actor_geom_l93_idx on actor using gist (geom_l93);
create index actor_geom_3857_idx on actor using gist (geom_3857);

-- Resolves the territories of a listing when its location is written. A point outside France is refused
-- (SQLSTATE OC001, French message); a listing known only by its commune gets the commune's centre, flagged approximate.
create function actor_resolve_territory() returns trigger
language plpgsql as $$
declare
    found_territory record;
begin
    if new.longitude is not null then
        select * into found_territory from resolve_territory(new.longitude, new.latitude);
        if not found then
            raise exception using
                errcode = 'OC001',
                message = format('La position (latitude %s, longitude %s) est hors de France : elle n''est dans aucune commune française.',
                                 round(new.latitude::numeric, 5), round(new.longitude::numeric, 5));
        end if;
        new.commune_code := found_territory.commune_code;
        new.department_code := found_territory.department_code;
        new.region_code := found_territory.region_code;
        new.epci_siren := found_territory.epci_siren;
    elsif new.commune_code is not null then
        select c.department_code, c.region_code, c.epci_siren, st_x(c.centre) as lon, st_y(c.centre) as lat
        into found_territory from commune c where c.code = new.commune_code;
        if not found then
            raise exception using
                errcode = 'OC002',
                message = format('La commune de code INSEE %s est inconnue.', new.commune_code);
        end if;
        new.longitude := found_territory.lon;
        new.latitude := found_territory.lat;
        new.location_approximate := true;
        new.department_code := found_territory.department_code;
        new.region_code := found_territory.region_code;
        new.epci_siren := found_territory.epci_siren;
    else
        new.department_code := null;
        new.region_code := null;
        new.epci_siren := null;
        new.location_approximate := false;
    end if;
    return new;
end
$$;

create trigger actor_resolve_territory_on_insert
    before insert on actor
    for each row execute function actor_resolve_territory();

-- On update, only when the location or the commune changes: other edits keep their resolved territories.
create trigger actor_resolve_territory_on_update
    before update of longitude, latitude, commune_code on actor
    for each row
    when (old.longitude is distinct from new.longitude or old.latitude is distinct from new.latitude
          or old.commune_code is distinct from new.commune_code)
    execute function actor_resolve_territory();

-- A data version that changes whenever actors change: exports and (later) tiles use it for ETags and caches.
create table data_version (
    name    text primary key,
    version bigint not null default 1,
    changed_at timestamptz not null default now()
);
insert into data_version (name) values ('actors');

create function actor_bump_version() returns trigger
language plpgsql as $$
begin
    update data_version set version = version + 1, changed_at = now() where name = 'actors';
    return null;
end
$$;

create trigger actor_bump_version
    after insert or update or delete or truncate on actor
    for each statement execute function actor_bump_version();
