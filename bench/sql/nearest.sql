-- The 8 published actors nearest to an actor: FindNearbyActors (metropolitan branch: KNN <-> on geom_l93, 16
-- candidates ranked by their distance on the spheroid). The actor is drawn from bench.actor_pick (pools.sql).
\set i random(1, 1000000000)
with self as (select geom, geom_l93 from actor where id = bench.actor_id(:i)),
candidates as (
    select a.id, a.name, a.family_id, a.commune_code, a.geom
    from actor a
    where a.status = 'published' and a.id <> bench.actor_id(:i) and a.geom_l93 is not null
    order by a.geom_l93 <-> (select geom_l93 from actor where id = bench.actor_id(:i))
    limit 16)
select n.id, n.name, f.name as family_name, c.name as commune_name,
       st_distance(n.geom::geography, self.geom::geography) as distance_metres
from candidates n
cross join self
join actor_family f on f.id = n.family_id
left join commune c on c.code = n.commune_code
order by distance_metres, n.id
limit 8;
