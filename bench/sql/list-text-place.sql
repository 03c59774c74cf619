-- /acteurs?q=W&commune=C (after "W Commune" was read as a place; sorted by relevance, page 1): the statements
-- SearchActors then ListActorChoices run, with the text condition (ActorFilterSql: each word, or a word of the
-- actor's commune name) and the commune.
\set i random(1, 1000000000)
select a.id, a.name, a.acronym, a.circle, f.name as family_name, c.name as commune_name, a.department_code,
       a.short_description, a.updated_at, null::double precision as distance_metres
from actor a
join actor_family f on f.id = a.family_id
left join commune c on c.code = a.commune_code
where a.status = any('{published}'::text[])
  and (a.search @@ plainto_tsquery('french_unaccent', bench.text_place_word(:i))
       or portal_normalise(bench.text_place_word(:i)) <% portal_normalise(a.name || ' ' || coalesce(a.acronym, ''))
       or a.commune_code in (select p.code from place p where p.kind = 'commune' and p.key_words @> array[place_key(bench.text_place_word(:i))]))
  and a.commune_code = bench.text_place_commune(:i)
order by (ts_rank_cd(a.search, websearch_to_tsquery('french_unaccent', bench.text_place_word(:i)))
          + word_similarity(portal_normalise(bench.text_place_word(:i)), portal_normalise(a.name || ' ' || coalesce(a.acronym, '')))) desc,
         a.name collate french, a.id
limit 20 offset 0;
select a.circle, f.slug, f.name, f.sort_order, count(*)
from actor a join actor_family f on f.id = a.family_id
where a.status = any('{published}'::text[])
  and (a.search @@ plainto_tsquery('french_unaccent', bench.text_place_word(:i))
       or portal_normalise(bench.text_place_word(:i)) <% portal_normalise(a.name || ' ' || coalesce(a.acronym, ''))
       or a.commune_code in (select p.code from place p where p.kind = 'commune' and p.key_words @> array[place_key(bench.text_place_word(:i))]))
  and a.commune_code = bench.text_place_commune(:i)
group by a.circle, f.slug, f.name, f.sort_order;
select p.kind, p.code, p.name, p.label, p.context, p.lon, p.lat, p.bbox, p.population
from place p join unnest('{commune}'::text[], array[bench.text_place_commune(:i)]) as w(kind, code) on w.kind = p.kind and w.code = p.code;
select slug as value, name as label from actor_family order by sort_order, name;
select kind, slug, label from actor_vocabulary order by kind, sort_order, label;
