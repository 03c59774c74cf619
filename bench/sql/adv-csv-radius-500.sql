-- /acteurs.csv?lat=46&lon=2&rayon=500 (adversarial group, issue 15): the statements the endpoint ran (integration build), captured from the server log
-- (log_min_duration_statement = 0, parameters inlined) on a copy of the 1M bench database.
begin isolation level repeatable read read only;
set local statement_timeout = 120000;
select version from data_version where name = 'actors';
select kind, slug, label, sort_order from actor_vocabulary;
select a.id, a.name, a.acronym, a.circle,
       (select f.name from actor_family f where f.id = a.family_id) as family_name,
       a.action_types, a.themes, a.audiences,
       a.short_description, a.long_description, a.address, a.postal_code,
       a.commune_code, (select c.name from commune c where c.code = a.commune_code) as commune_name,
       a.epci_siren, (select e.name from epci e where e.siren = a.epci_siren) as epci_name,
       a.department_code, (select d.name from department d where d.code = a.department_code) as department_name,
       a.region_code, (select r.name from region r where r.code = a.region_code) as region_name,
       a.longitude, a.latitude, a.location_approximate, a.website, a.email, a.phone,
       array_to_string(a.social_links, ' ') as social_links, a.offer_trainings, a.offer_tourism, a.offer_resources,
       a.siret, a.rna, a.uai, a.museofile, a.source, a.verified_at, a.verified_by, a.updated_at
from actor a
where a.status = any('{published}')
  and a.geom_l93 && st_expand(st_transform(st_setsrid(st_makepoint('2', '46'), 4326), 2154), '505000')
  and st_distance(a.geom::geography, (st_setsrid(st_makepoint('2', '46'), 4326))::geography) <= '500000'
order by a.sort_name collate french, a.id;
commit;
