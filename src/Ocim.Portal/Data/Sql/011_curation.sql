-- Curation (issue 6, part B): merged listings, import aliases, duplicate decisions, visitors' reports, freshness.

-- A merged listing is archived and points to the listing that absorbed it: its old URL answers 301 there.
alter table actor add column merged_into bigint references actor (id);
create index actor_merged_into_idx on actor (merged_into) where merged_into is not null;

-- The (source, external id) of a listing merged into another: a re-import of that source updates the survivor
-- (WriteActors rewrites a staged row found here to the survivor's own key before classifying it).
create table actor_alias (
    source      text not null,
    external_id text not null,
    actor_id    bigint not null references actor (id),
    merged_from bigint not null references actor (id),
    created_at  timestamptz not null default now(),
    primary key (source, external_id)
);
create index actor_alias_actor_idx on actor_alias (actor_id);

-- « Pas un doublon »: a pair a curator ruled out, ids ordered so that a pair is stored once.
create table actor_not_duplicate (
    actor_low  bigint not null references actor (id) on delete cascade,
    actor_high bigint not null references actor (id) on delete cascade,
    account_id bigint references account (id) on delete set null,
    decided_at timestamptz not null default now(),
    primary key (actor_low, actor_high),
    check (actor_low < actor_high)
);

-- Shared identifiers: partial indexes, so a self-join on each reads only the listings that have one.
create index actor_siret_idx on actor (siret) where siret is not null;
create index actor_siren_idx on actor (left(siret, 9)) where siret is not null;
create index actor_uai_idx on actor (uai) where uai is not null;
create index actor_rna_idx on actor (rna) where rna is not null;
create index actor_museofile_idx on actor (museofile) where museofile is not null;

-- Visitors' reports on a listing (« ce lieu a fermé », « information erronée », « autre »), handled by curators.
create table actor_report (
    id          bigint generated always as identity primary key,
    actor_id    bigint not null references actor (id),
    kind        text not null check (kind in ('ferme', 'erreur', 'autre')),
    message     text not null check (char_length(btrim(message)) between 1 and 4000),
    email       text check (char_length(email) <= 254 and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    created_at  timestamptz not null default now(),
    status      text not null default 'ouvert' check (status in ('ouvert', 'traite', 'rejete')),
    handled_at  timestamptz,
    handled_by  bigint references account (id) on delete set null,
    note        text check (char_length(note) <= 4000),
    check ((status = 'ouvert') = (handled_at is null))
);
create index actor_report_open_idx on actor_report (created_at, id) where status = 'ouvert';
create index actor_report_actor_idx on actor_report (actor_id);

-- Freshness dashboard: counts by territory, circle and verification date read from this index alone.
create index actor_freshness_idx on actor (region_code, department_code, circle, verified_at) where status = 'published';
