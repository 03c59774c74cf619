-- /tiles/actors/5/16/11.mvt?q=musee (adversarial group, issue 15): the statements the endpoint ran (integration build), captured from the server log
-- (log_min_duration_statement = 0, parameters inlined) on a copy of the 1M bench database.
begin;
select version from data_version where name = 'actors';
select coalesce(st_asmvt(t, 'actors', 4096, 'geom'), ''::bytea)
from (select st_asmvtgeom(st_point(g.sum_x / g.actors, g.sum_y / g.actors, 3857), st_tileenvelope('5', '16', '11'), 4096, 64, true) as geom,
             g.actors::integer as count, g.c1::integer as c1, g.c2::integer as c2, g.c3::integer as c3,
             one.id as actor, one.family
      from (select count(*) as actors, sum(st_x(a.geom_3857)) as sum_x, sum(st_y(a.geom_3857)) as sum_y,
       count(*) filter (where a.circle = 1) as c1, count(*) filter (where a.circle = 2) as c2,
       count(*) filter (where a.circle = 3) as c3,
       case when count(*) = 1 then min(a.id) end as one_id
from actor a
where a.status = any('{published}')
  and (a.search @@ plainto_tsquery('french_unaccent', 'musee') or portal_normalise('musee') <% a.search_name or a.commune_code = any(array(select p.code from place p where p.kind = 'commune' and p.key_words @> array[place_key('musee')]))) and a.geom_3857 && st_tileenvelope('5', '16', '11')
and least(floor((st_x(a.geom_3857) + 20037508.342789244) / 40075016.68557849 * '256'::bigint)::integer, '256'::bigint - 1) / ('256'::bigint / (1 << '5')) = '16'
and least(floor((20037508.342789244 - st_y(a.geom_3857)) / 40075016.68557849 * '256'::bigint)::integer, '256'::bigint - 1) / ('256'::bigint / (1 << '5')) = '11'
group by least(floor((st_x(a.geom_3857) + 20037508.342789244) / 40075016.68557849 * '256'::bigint)::bigint, '256'::bigint - 1),
         least(floor((20037508.342789244 - st_y(a.geom_3857)) / 40075016.68557849 * '256'::bigint)::bigint, '256'::bigint - 1)) g
      left join lateral (
          select a.id, f.slug as family
          from actor a join actor_family f on f.id = a.family_id
          where g.actors = 1 and a.id = g.one_id
          order by a.id
          limit 1) one on true) t;
commit;
