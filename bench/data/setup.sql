-- The bench's own objects in ocim_bench (schema "bench"; the portal's tables are left as the migrations made them):
-- the word lists the generator draws names from, and the pools the random query parameters are drawn from.
-- Run after every `seed`, so that it follows the territories and vocabularies the app loaded.
\set ON_ERROR_STOP on
set client_min_messages = warning;
drop schema if exists bench cascade;
create schema bench;

-- Subjects: a word to search for (web search input) and the phrase that puts it in a name: "Musée des volcans de Brest".
create table bench.topic (n integer primary key, word text not null, phrase text not null);
insert into bench.topic (n, word, phrase) values
    (1, 'volcans', 'des volcans'), (2, 'astronomie', 'de l''astronomie'), (3, 'étoiles', 'des étoiles'),
    (4, 'biodiversité', 'de la biodiversité'), (5, 'océanographie', 'de l''océanographie'), (6, 'géologie', 'de la géologie'),
    (7, 'insectes', 'des insectes'), (8, 'robotique', 'de la robotique'), (9, 'chimie', 'de la chimie'),
    (10, 'mathématiques', 'des mathématiques'), (11, 'dinosaures', 'des dinosaures'), (12, 'énergie', 'de l''énergie'),
    (13, 'climat', 'du climat'), (14, 'océans', 'des océans'), (15, 'minéraux', 'des minéraux'),
    (16, 'abeilles', 'des abeilles'), (17, 'forêt', 'de la forêt'), (18, 'aviation', 'de l''aviation'),
    (19, 'numérique', 'du numérique'), (20, 'horlogerie', 'de l''horlogerie'), (21, 'papeterie', 'de la papeterie'),
    (22, 'fossiles', 'des fossiles'), (23, 'lumière', 'de la lumière'), (24, 'météorologie', 'de la météorologie');

create table bench.kind (n integer primary key, word text not null);
insert into bench.kind (n, word) values
    (1, 'Musée'), (2, 'Maison'), (3, 'Centre'), (4, 'Atelier'), (5, 'Jardin'), (6, 'Observatoire'), (7, 'Association'),
    (8, 'Espace'), (9, 'Cité'), (10, 'Laboratoire'), (11, 'Club'), (12, 'Écomusée'), (13, 'Conservatoire'),
    (14, 'Galerie'), (15, 'Fablab');

-- Parameter pools. The query scripts call bench.department(i) etc. with a random integer: the functions are
-- declared immutable so that the planner folds them into a constant, exactly as it sees the literal the app binds.
create table bench.department (n integer primary key, code text not null);
insert into bench.department select row_number() over (order by code), code from department where code !~ '^97';

create table bench.region (n integer primary key, code text not null);
insert into bench.region select row_number() over (order by code), code from region where code >= '11';

create table bench.commune (n integer primary key, code text not null);
insert into bench.commune select row_number() over (order by code), code from commune where code !~ '^97';

-- The pool sizes are written into the functions, so that a call is one primary-key lookup.
do $$
declare
    pool record;
    size integer;
begin
    for pool in select * from (values ('department', 'code', 'bench.department'), ('region', 'code', 'bench.region'),
                                      ('commune', 'code', 'bench.commune'), ('word', 'word', 'bench.topic')) v(fn, col, tab)
    loop
        execute format('select count(*) from %s', pool.tab) into size;
        execute format($f$create function bench.%I(i bigint) returns text language sql immutable as
                           'select %I from %s where n = 1 + (i - 1) %% %s'$f$, pool.fn, pool.col, pool.tab, size);
    end loop;
end
$$;

-- Themes, for the filtered tile that the pyramid cannot serve (clustered on the fly).
create table bench.theme (n integer primary key, slug text not null);
insert into bench.theme select row_number() over (order by sort_order, slug), slug from actor_vocabulary where kind = 'theme';
do $$
begin
    execute format($f$create function bench.theme(i bigint) returns text language sql immutable as
                       'select slug from bench.theme where n = 1 + (i - 1) %% %s'$f$, (select count(*) from bench.theme));
end
$$;
