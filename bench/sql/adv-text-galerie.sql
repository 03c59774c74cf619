-- /acteurs?q=galerie (adversarial group, issue 15): the statements of list-text.sql with a fixed word.
begin;
set local enable_seqscan = off;
with matches as materialized (
    select a.id, a.circle, a.family_id, a.name, a.sort_name, a.updated_at,
           (ts_rank_cd(a.search, websearch_to_tsquery('french_unaccent', 'galerie'))
            + word_similarity(portal_normalise('galerie'), a.search_name)) as relevance
    from actor a
    where a.status = any('{published}'::text[])
      and (a.search @@ plainto_tsquery('french_unaccent', 'galerie')
           or portal_normalise('galerie') <% a.search_name
           or a.commune_code = any(array(select p.code from place p where p.kind = 'commune' and p.key_words @> array[place_key('galerie')])))
    limit 10001)
select m.circle, f.slug, f.name, f.sort_order, count(*) as count,
       array(select p.id from matches p
             where (cardinality('{}'::smallint[]) = 0 or p.circle = any('{}'::smallint[]))
               and (cardinality('{}'::text[]) = 0 or p.family_id in (select g.id from actor_family g where g.slug = any('{}'::text[])))
             order by p.relevance desc, p.name collate french, p.id limit 20 offset 0) as page
from matches m join actor_family f on f.id = m.family_id
group by m.circle, f.slug, f.name, f.sort_order;
commit;
-- The page's details, for the ids of the first row's page (a fixed set of 20 ids stands for them here).
with page as materialized (
    select u.id, row_number() over () as position
    from (select u.id from unnest((select array_agg(id) from (select id from actor order by id limit 20) s)) with ordinality u(id, n) order by u.n) u
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
