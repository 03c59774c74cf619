-- Counts of published actors per commune of a département: TerritoryCountSql.For(Commune, filter departement=D),
-- read from actor_commune_count (the choropleth and table of a département's page). D: 96 metropolitan départements.
\set d random(1, 1000000000)
select m.code as code, sum(c.actors)::bigint as actors
from actor_commune_count c join commune m on m.code = c.commune_code
where c.actors <> 0 and m.department_code = bench.department(:d) and m.code is not null
group by m.code
having sum(c.actors) > 0;
