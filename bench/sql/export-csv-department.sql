-- /acteurs.csv?departement=D: ExportActorsCsv's transaction (repeatable read, read only, data version for the
-- ETag) and its query; every row is fetched. The CSV text itself is written by the app, not here.
\set d random(1, 1000000000)
begin isolation level repeatable read;
set transaction read only;
select version from data_version where name = 'actors';
select a.id, a.name, a.acronym, a.circle, f.name as family_name,
       array_to_string(actor_vocabulary_labels('action', a.action_types), ', ') as action_types,
       array_to_string(actor_vocabulary_labels('theme', a.themes), ', ') as themes,
       array_to_string(actor_vocabulary_labels('audience', a.audiences), ', ') as audiences,
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
order by a.sort_name collate french, a.id;
rollback;
