-- /acteurs?autour=COMMUNE&rayon=R (metropolitan commune, R in km, sorted by distance, page 1): the statements
-- SearchActors then ListActorChoices run. The radius test is the app's: Lambert-93 with 1 % slack, then the spheroid.
\set m random(1, 1000000000)
\set r random(5, 30)
select a.id, a.name, a.acronym, a.circle, f.name as family_name, c.name as commune_name, a.department_code,
       a.short_description, a.updated_at,
       st_distance(a.geom::geography, ((select c.centre from commune c where c.code = bench.commune(:m)))::geography) as distance_metres
from actor a
join actor_family f on f.id = a.family_id
left join commune c on c.code = a.commune_code
where a.status = any('{published}'::text[])
  and st_dwithin(a.geom_l93, st_transform((select c.centre from commune c where c.code = bench.commune(:m)), 2154), :r * 1010.0)
  and st_dwithin(a.geom::geography, ((select c.centre from commune c where c.code = bench.commune(:m)))::geography, :r * 1000.0)
order by a.geom_l93 <-> st_transform((select c.centre from commune c where c.code = bench.commune(:m)), 2154), a.id
limit 20 offset 0;
select a.circle, f.slug, f.name, f.sort_order, count(*)
from actor a join actor_family f on f.id = a.family_id
where a.status = any('{published}'::text[])
  and st_dwithin(a.geom_l93, st_transform((select c.centre from commune c where c.code = bench.commune(:m)), 2154), :r * 1010.0)
  and st_dwithin(a.geom::geography, ((select c.centre from commune c where c.code = bench.commune(:m)))::geography, :r * 1000.0)
group by a.circle, f.slug, f.name, f.sort_order;
select slug as value, name as label from actor_family order by sort_order, name;
select kind, slug, label from actor_vocabulary order by kind, sort_order, label;
select code as value, name as label from region order by name collate french;
select code as value, code || ' – ' || name as label from department order by code;
