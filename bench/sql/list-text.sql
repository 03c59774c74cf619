-- /acteurs?q=W (one French word of 4 letters or more, sorted by relevance, page 1): the statements SearchActors then
-- ListActorChoices run. Each word of the text is a condition (ActorFilterSql); the whole text ranks the results.
\set w random(1, 1000000000)
select a.id, a.name, a.acronym, a.circle, f.name as family_name, c.name as commune_name, a.department_code,
       a.short_description, a.updated_at, null::double precision as distance_metres
from actor a
join actor_family f on f.id = a.family_id
left join commune c on c.code = a.commune_code
where a.status = any('{published}'::text[])
  and (a.search @@ plainto_tsquery('french_unaccent', bench.word(:w))
       or portal_normalise(bench.word(:w)) <% portal_normalise(a.name || ' ' || coalesce(a.acronym, '')))
order by (ts_rank_cd(a.search, websearch_to_tsquery('french_unaccent', bench.word(:w)))
          + word_similarity(portal_normalise(bench.word(:w)), portal_normalise(a.name || ' ' || coalesce(a.acronym, '')))) desc,
         a.name collate french, a.id
limit 20 offset 0;
select a.circle, f.slug, f.name, f.sort_order, count(*)
from actor a join actor_family f on f.id = a.family_id
where a.status = any('{published}'::text[])
  and (a.search @@ plainto_tsquery('french_unaccent', bench.word(:w))
       or portal_normalise(bench.word(:w)) <% portal_normalise(a.name || ' ' || coalesce(a.acronym, '')))
group by a.circle, f.slug, f.name, f.sort_order;
select slug as value, name as label from actor_family order by sort_order, name;
select kind, slug, label from actor_vocabulary order by kind, sort_order, label;
select code as value, name as label from region order by name collate french;
select code as value, code || ' – ' || name as label from department order by code;
