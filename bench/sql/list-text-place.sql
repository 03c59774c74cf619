-- /acteurs?q=W&commune=C (after "W Commune" was read as a place; sorted by relevance, page 1): the statements
-- SearchActors then ListActorChoices run, with the text condition (ActorFilterSql: each word, or a word of the
-- actor's commune name, every branch from an index) and the commune; the count reads at most 10,001 matches and
-- the relevance ranks at most 10,001 candidates (docs/decisions/0029-bounded-text-search.md).
\set i random(1, 1000000000)
select a.circle, f.slug, f.name, f.sort_order, count(*) as count
from (select a.circle, a.family_id from actor a
      where a.status = any('{published}'::text[])
        and (a.search @@ plainto_tsquery('french_unaccent', bench.text_place_word(:i))
             or portal_normalise(bench.text_place_word(:i)) <% a.search_name
             or a.commune_code = any(array(select p.code from place p where p.kind = 'commune' and p.key_words @> array[place_key(bench.text_place_word(:i))])))
        and a.commune_code = bench.text_place_commune(:i)
      limit 10001) a
join actor_family f on f.id = a.family_id
group by a.circle, f.slug, f.name, f.sort_order;
with page as materialized (
    select id, row_number() over () as position
    from (select a.id
          from (select a.id, a.name, a.search, a.search_name from actor a
                where a.status = any('{published}'::text[])
                  and (a.search @@ plainto_tsquery('french_unaccent', bench.text_place_word(:i))
                       or portal_normalise(bench.text_place_word(:i)) <% a.search_name
                       or a.commune_code = any(array(select p.code from place p where p.kind = 'commune' and p.key_words @> array[place_key(bench.text_place_word(:i))])))
                  and a.commune_code = bench.text_place_commune(:i)
                limit 10001) a
          order by (ts_rank_cd(a.search, websearch_to_tsquery('french_unaccent', bench.text_place_word(:i)))
                    + word_similarity(portal_normalise(bench.text_place_word(:i)), a.search_name)) desc, a.name collate french, a.id
          limit 20 offset 0) ordered
)
select a.id, a.name, a.acronym, a.circle, f.name as family_name, c.name as commune_name, a.department_code,
       a.short_description, a.updated_at, null::double precision as distance_metres
from page p
join actor a on a.id = p.id
join actor_family f on f.id = a.family_id
left join commune c on c.code = a.commune_code
order by p.position;
select p.kind, p.code, p.name, p.label, p.context, p.lon, p.lat, p.bbox, p.population
from place p join unnest('{commune}'::text[], array[bench.text_place_commune(:i)]) as w(kind, code) on w.kind = p.kind and w.code = p.code;
select slug as value, name as label from actor_family order by sort_order, name;
select kind, slug, label from actor_vocabulary order by kind, sort_order, label;
