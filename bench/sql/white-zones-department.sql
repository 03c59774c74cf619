-- White zones of one département (REFERENCE SQL, as white-zones.sql): its communes farther than N km from any
-- published actor (actors of neighbouring départements count). D: 96 metropolitan départements, N in 5..20 km.
\set d random(1, 1000000000)
\set n random(5, 20)
select c.code, c.name, c.population
from commune c
where c.department_code = bench.department(:d) and c.centre_l93 is not null
  and not exists (select from actor a where a.status = 'published' and st_dwithin(a.geom_l93, c.centre_l93, :n * 1000.0))
order by c.code;
