-- /carte/liste?bbox=-5,41,10,51 (adversarial group, issue 15): the statements the endpoint ran (integration build), captured from the server log
-- (log_min_duration_statement = 0, parameters inlined) on a copy of the 1M bench database.
begin;
select a.circle, f.slug, f.name, f.sort_order, count(*) as count
from (select a.circle, a.family_id from actor a where a.status = any('{published}')
  and a.geom && st_makeenvelope('-5', '41', '10', '51', 4326) limit '50') a
join actor_family f on f.id = a.family_id
group by a.circle, f.slug, f.name, f.sort_order;
with page as materialized (
    select id, row_number() over () as position
    from (select a.id from actor a where a.status = any('{published}')
  and a.geom && st_makeenvelope('-5', '41', '10', '51', 4326) order by a.sort_name collate french, a.id limit '50' offset '0') ordered
)
select a.id, a.name, a.acronym, a.circle, f.name as family_name, c.name as commune_name, a.department_code,
       a.short_description, a.updated_at, null::double precision as distance_metres
from page p
join actor a on a.id = p.id
join actor_family f on f.id = a.family_id
left join commune c on c.code = a.commune_code
order by p.position;
commit;
