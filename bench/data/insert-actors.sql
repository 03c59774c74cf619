-- One statement-level batch: actors lo < n <= hi of bench.point, written into the real actor table (every index is
-- maintained). run.sh disables the row trigger that resolves the territories and the map triggers during the load:
-- the territories come from the commune the point was drawn in, then actor_rebuild_territories() checks every
-- point against the outlines (and corrects the few on borders), and actor_map_rebuild() builds the map's aggregates.
-- Variables: lo, hi (psql -v or \set). Run with synchronous_commit = off.
with l as (
    select (select array_agg(id order by id) from actor_family) as family_ids,
           (select array_agg(default_circle order by id) from actor_family) as family_circles,
           (select array_agg(slug order by sort_order) from actor_vocabulary where kind = 'action') as actions,
           (select array_agg(label order by sort_order) from actor_vocabulary where kind = 'action') as action_labels,
           (select array_agg(slug order by sort_order) from actor_vocabulary where kind = 'theme') as themes,
           (select array_agg(slug order by sort_order) from actor_vocabulary where kind = 'audience') as audiences,
           (select array_agg(label order by sort_order) from actor_vocabulary where kind = 'audience') as audience_labels,
           (select array_agg(word order by n) from bench.kind) as kinds,
           (select array_agg(phrase order by n) from bench.topic) as topics
), d as (
    select p.*, l.*,
           1 + floor(p.r_kind * cardinality(l.kinds))::integer as ki,
           1 + floor(p.r_topic * cardinality(l.topics))::integer as ti,
           1 + floor(p.r_topic2 * cardinality(l.topics))::integer as t2,
           1 + floor(p.r_family * cardinality(l.family_ids))::integer as fi,
           1 + floor(p.r_action * cardinality(l.actions))::integer as ai,
           1 + floor(p.r_theme * cardinality(l.themes))::integer as hi_,
           1 + floor(p.r_audience * cardinality(l.audiences))::integer as ui
    from bench.point p cross join l
    where p.n > :lo and p.n <= :hi
)
insert into actor (name, acronym, circle, family_id, action_types, themes, audiences, short_description,
                   long_description, longitude, latitude, status, source, external_id,
                   commune_code, epci_siren, department_code, region_code)
select d.kinds[d.ki] || ' ' || d.topics[d.ti] || ' de ' || d.commune_name,
       case when d.r_acronym < 0.2 then translate(upper(substr(md5(d.n::text), 1, 4)), '0123456789', 'ABCDEFGHIJ') end,
       -- mostly the family's default circle, sometimes another one, as curators do
       case when d.r_circle < 0.8 then d.family_circles[d.fi] else 1 + floor((d.r_circle - 0.8) * 15)::integer end,
       d.family_ids[d.fi],
       d.actions[d.ai : d.ai + d.n % 3],
       d.themes[d.hi_ : d.hi_ + (d.n / 3) % 3],
       d.audiences[d.ui : d.ui + (d.n / 9) % 2],
       format('%s autour %s, pour %s.', d.action_labels[d.ai], d.topics[d.t2], lower(d.audience_labels[d.ui])),
       case when d.r_long < 0.25 then format(E'Fondé en %s, ce lieu accueille chaque année près de %s visiteurs.\n\n'
                                              'Ses équipes proposent des animations autour %s et %s.',
                                              1950 + d.n % 75, 1000 + (d.n * 7919) % 50000, d.topics[d.ti], d.topics[d.t2]) end,
       d.lon, d.lat,
       case when d.r_status < 0.94 then 'published' when d.r_status < 0.98 then 'draft' else 'archived' end,
       'bench',
       d.n::text,
       m.code, m.epci_siren, m.department_code, m.region_code
from d join commune m on m.code = d.commune_code;
