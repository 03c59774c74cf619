-- /acteurs.csv?departement=D: ExportActorsCsv's transaction (repeatable read, read only, data version for the
-- ETag) and its query; every row is fetched. The CSV text itself is written by the app, not here.
\set d random(1, 1000000000)
begin isolation level repeatable read;
set transaction read only;
select version from data_version where name = 'actors';
select a.id, a.name, a.acronym, a.circle, f.name as family_name,
       (select string_agg(coalesce(v.label, t.slug), ', ' order by v.sort_order, t.n) from unnest(a.action_types) with ordinality t(slug, n)
        left join actor_vocabulary v on v.kind = 'action' and v.slug = t.slug) as action_types,
       (select string_agg(coalesce(v.label, t.slug), ', ' order by v.sort_order, t.n) from unnest(a.themes) with ordinality t(slug, n)
        left join actor_vocabulary v on v.kind = 'theme' and v.slug = t.slug) as themes,
       (select string_agg(coalesce(v.label, t.slug), ', ' order by v.sort_order, t.n) from unnest(a.audiences) with ordinality t(slug, n)
        left join actor_vocabulary v on v.kind = 'audience' and v.slug = t.slug) as audiences,
       a.short_description, a.long_description, a.address, a.postal_code,
       a.commune_code, c.name as commune_name, a.epci_siren, e.name as epci_name,
       a.department_code, d.name as department_name, a.region_code, r.name as region_name,
       a.longitude, a.latitude, a.location_approximate, a.website, a.email, a.phone,
       array_to_string(a.social_links, ' ') as social_links, a.offer_trainings, a.offer_tourism, a.offer_resources,
       a.siret, a.rna, a.uai, a.museofile, a.source, a.verified_at, a.verified_by, a.updated_at
from actor a
join actor_family f on f.id = a.family_id
left join commune c on c.code = a.commune_code
left join epci e on e.siren = a.epci_siren
left join department d on d.code = a.department_code
left join region r on r.code = a.region_code
where a.status = any('{published}'::text[]) and a.department_code = bench.department(:d)
order by a.name collate french, a.id;
rollback;
