-- /acteurs.geojson?departement=D: ExportActorsGeoJson's transaction (repeatable read, read only, data version for
-- the ETag) and its query, which builds each feature in SQL; every row is fetched.
\set d random(1, 1000000000)
begin isolation level repeatable read;
set transaction read only;
select version from data_version where name = 'actors';
select json_build_object(
           'type', 'Feature',
           'id', a.id,
           'geometry', st_asgeojson(a.geom, 6)::json,
           'properties', json_build_object(
               'id', a.id,
               'nom', a.name,
               'sigle', a.acronym,
               'cercle', a.circle,
               'famille', f.name,
               'commune', c.name,
               'code_commune', a.commune_code,
               'code_departement', a.department_code,
               'localisation_approchee', a.location_approximate,
               'url', 'http://127.0.0.1:5190/acteurs/' || a.id))::text
from actor a
join actor_family f on f.id = a.family_id
left join commune c on c.code = a.commune_code
where a.status = any('{published}'::text[]) and a.department_code = bench.department(:d)
  and a.geom is not null
order by a.id;
rollback;
