-- White zones, nationwide: the communes whose centre is farther than N km from any published actor, with their
-- population. REFERENCE SQL, not copied from the app: the endpoint (/territoires/couverture) is being built on
-- another branch; this is the NOT EXISTS form measured in docs/PERFORMANCE (Lambert-93, commune.centre_l93).
-- N drawn in 5..20 km.
\set n random(5, 20)
select c.code, c.name, c.population
from commune c
where c.centre_l93 is not null
  and not exists (select from actor a where a.status = 'published' and st_dwithin(a.geom_l93, c.centre_l93, :n * 1000.0))
order by c.code;
