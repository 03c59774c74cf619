-- /acteurs?departement=D (sorted by name, page 1): the statements SearchActors then ListActorChoices run:
-- the page, then the total and both facets from the counts kept in actor_count (ActorFilterSql.CountCells).
\set d random(1, 1000000000)
with page as materialized (
    select id, row_number() over () as position
    from (select a.id from actor a where a.status = any('{published}'::text[]) and a.department_code = bench.department(:d) order by a.sort_name collate french, a.id limit 20 offset 0) ordered
)
select a.id, a.name, a.acronym, a.circle, f.name as family_name, c.name as commune_name, a.department_code,
       a.short_description, a.updated_at, null::double precision as distance_metres
from page p
join actor a on a.id = p.id
join actor_family f on f.id = a.family_id
left join commune c on c.code = a.commune_code
order by p.position;
select c.circle, f.slug, f.name, f.sort_order, sum(c.actors)::bigint as count
from actor_count c join actor_family f on f.id = c.family_id
where c.status = any('{published}'::text[]) and c.actors <> 0 and c.department_code = bench.department(:d)
group by c.circle, f.slug, f.name, f.sort_order
having sum(c.actors) > 0;
select slug as value, name as label from actor_family order by sort_order, name;
select kind, slug, label from actor_vocabulary order by kind, sort_order, label;
select code as value, name as label from region order by name collate french;
select code as value, code || ' – ' || name as label from department order by code;
