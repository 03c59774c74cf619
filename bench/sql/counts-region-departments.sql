-- Counts of published actors per département of a région: TerritoryCountSql.For(Department, filter region=R), read
-- from actor_count (the choropleth and table of a région's page). R drawn from the 13 metropolitan régions.
\set g random(1, 1000000000)
select d.code as code, sum(c.actors)::bigint as actors
from actor_count c join department d on d.code = c.department_code
where c.actors <> 0 and c.status = 'published' and d.region_code = bench.region(:g)
group by d.code
having sum(c.actors) > 0;
