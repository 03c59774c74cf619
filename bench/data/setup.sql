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

-- Place suggestions: what people type into the place box, drawn over all communes (3 to 8 first letters of a name,
-- lower case and without accents some of the time, a postal code or its start, a department number).
create table bench.place_query (n integer primary key, q text not null);
insert into bench.place_query
select row_number() over (order by random()), q from (
    select case when random() < 0.5 then lower(left(name, 3 + (random() * 5)::int)) else left(place_key(name), 3 + (random() * 5)::int) end as q
    from place where kind = 'commune'
    union all
    select left(p.postal_codes[1], 2 + (random() * 3)::int) from place p where kind = 'commune' and cardinality(p.postal_codes) > 0 and random() < 0.1
    union all
    select code from place where kind = 'departement'
) v where q <> '';

-- Text + place: "<kind> <commune name>" for the 500 most populous communes ("Musée Dijon").
create table bench.text_place (n integer primary key, q text not null, word text not null, commune text not null);
insert into bench.text_place
select row_number() over (order by random()), k.word || ' ' || c.name, k.word, c.code
from (select name, code from place where kind = 'commune' order by population desc nulls last limit 500) c
cross join lateral (select word from bench.kind where n = 1 + (abs(hashtext(c.code)) % 4)) k;

-- The runs of up to five words of a text, as place keys: what ReadPlaceInText sends as its @keys parameter.
create function bench.place_runs(t text) returns text[] language sql immutable as $f$
    select array_agg(distinct array_to_string(w[s:s + c - 1], ' '))
    from (select string_to_array(place_key(t), ' ') as w) x, generate_series(1, cardinality(w)) s, generate_series(1, 5) c
    where s + c - 1 <= cardinality(w)
$f$;

-- The pool sizes are written into the functions, so that a call is one primary-key lookup.
do $$
declare
    pool record;
    size integer;
begin
    for pool in select * from (values ('department', 'code', 'bench.department'), ('region', 'code', 'bench.region'),
                                      ('commune', 'code', 'bench.commune'), ('word', 'word', 'bench.topic'),
                                      ('place_query', 'q', 'bench.place_query'), ('text_place', 'q', 'bench.text_place'),
                                      ('text_place_word', 'word', 'bench.text_place'), ('text_place_commune', 'commune', 'bench.text_place')) v(fn, col, tab)
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
