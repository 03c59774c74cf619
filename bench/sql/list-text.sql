-- /acteurs?q=W (one French word of 4 letters or more, sorted by relevance, page 1): the statements SearchActors then
-- ListActorChoices run. Each word of the text is a condition (ActorFilterSql) whose every branch uses an index (full
-- text, the stored name key's trigrams, the commune's words); the count reads at most 10,001 matches and the
-- relevance ranks at most 10,001 candidates (docs/decisions/0029-bounded-text-search.md).
\set w random(1, 1000000000)
select a.circle, f.slug, f.name, f.sort_order, count(*) as count
from (select a.circle, a.family_id from actor a
      where a.status = any('{published}'::text[])
        and (a.search @@ plainto_tsquery('french_unaccent', bench.word(:w))
             or portal_normalise(bench.word(:w)) <% a.search_name
             or a.commune_code = any(array(select p.code from place p where p.kind = 'commune' and p.key_words @> array[place_key(bench.word(:w))])))
      limit 10001) a
join actor_family f on f.id = a.family_id
group by a.circle, f.slug, f.name, f.sort_order;
with page as materialized (
    select id, row_number() over () as position
    from (select a.id
          from (select a.id, a.name, a.search, a.search_name from actor a
                where a.status = any('{published}'::text[])
                  and (a.search @@ plainto_tsquery('french_unaccent', bench.word(:w))
                       or portal_normalise(bench.word(:w)) <% a.search_name
                       or a.commune_code = any(array(select p.code from place p where p.kind = 'commune' and p.key_words @> array[place_key(bench.word(:w))])))
                limit 10001) a
          order by (ts_rank_cd(a.search, websearch_to_tsquery('french_unaccent', bench.word(:w)))
                    + word_similarity(portal_normalise(bench.word(:w)), a.search_name)) desc, a.name collate french, a.id
          limit 20 offset 0) ordered
)
select a.id, a.name, a.acronym, a.circle, f.name as family_name, c.name as commune_name, a.department_code,
       a.short_description, a.updated_at, null::double precision as distance_metres
from page p
join actor a on a.id = p.id
join actor_family f on f.id = a.family_id
left join commune c on c.code = a.commune_code
order by p.position;
select slug as value, name as label from actor_family order by sort_order, name;
select kind, slug, label from actor_vocabulary order by kind, sort_order, label;
select code as value, name as label from region order by name collate french;
select code as value, code || ' – ' || name as label from department order by code;
