-- /acteurs?lat=46&lon=2&rayon=500 (adversarial group, issue 15): the statements the endpoint ran (integration build), captured from the server log
-- (log_min_duration_statement = 0, parameters inlined) on a copy of the 1M bench database.
begin;
select a.circle, f.slug, f.name, f.sort_order, count(*) as count
from (select a.circle, a.family_id from actor a where a.status = any('{published}')
  and a.geom_l93 && st_expand(st_transform(st_setsrid(st_makepoint('2', '46'), 4326), 2154), '505000')
  and st_distance(a.geom::geography, (st_setsrid(st_makepoint('2', '46'), 4326))::geography) <= '500000' limit '19') a
join actor_family f on f.id = a.family_id
group by a.circle, f.slug, f.name, f.sort_order;
with page as materialized (
    select id, row_number() over () as position
    from (select a.id from actor a
where a.status = any('{published}')
  and a.geom_l93 && st_expand(st_transform(st_setsrid(st_makepoint('2', '46'), 4326), 2154), '505000')
  and st_distance(a.geom::geography, (st_setsrid(st_makepoint('2', '46'), 4326))::geography) <= '500000'
  and st_dwithin(a.geom_l93, st_transform(st_setsrid(st_makepoint('2', '46'), 4326), 2154),
                 (select e.distance + 0.001 from (select a.geom_l93 <-> st_transform(st_setsrid(st_makepoint('2', '46'), 4326), 2154) as distance
                                                   from actor a where a.status = any('{published}')
  and a.geom_l93 && st_expand(st_transform(st_setsrid(st_makepoint('2', '46'), 4326), 2154), '505000')
  and st_distance(a.geom::geography, (st_setsrid(st_makepoint('2', '46'), 4326))::geography) <= '500000'
                                                   order by a.geom_l93 <-> st_transform(st_setsrid(st_makepoint('2', '46'), 4326), 2154)
                                                   offset '19' limit 1) e))
order by a.geom_l93 <-> st_transform(st_setsrid(st_makepoint('2', '46'), 4326), 2154), a.id limit '20' offset '0') ordered
)
select a.id, a.name, a.acronym, a.circle, f.name as family_name, c.name as commune_name, a.department_code,
       a.short_description, a.updated_at, st_distance(a.geom::geography, (st_setsrid(st_makepoint('2', '46'), 4326))::geography) as distance_metres
from page p
join actor a on a.id = p.id
join actor_family f on f.id = a.family_id
left join commune c on c.code = a.commune_code
order by p.position;
select slug as value, name as label from actor_family order by sort_order, name;
select kind, slug, label from actor_vocabulary order by kind, sort_order, label;
select code as value, name as label from region order by name collate french;
select code as value, code || ' – ' || name as label from department order by code;
commit;
