-- /acteurs?q=W+Commune ("Musée Dijon"): the one query ReadPlaceInText runs to find the place words (every run of up
-- to five words, as keys; department numbers and postal codes), before the redirect to explicit keys.
\set i random(1, 1000000000)
select p.kind, p.code, p.name, p.label, p.context, p.lon, p.lat, p.bbox, p.population, p.key, p.alias_key, p.postal_codes, p.department_code
from place p
where p.kind <> 'epci' and (p.key = any(bench.place_runs(bench.text_place(:i))) or p.alias_key = any(bench.place_runs(bench.text_place(:i))))
union all
select p.kind, p.code, p.name, p.label, p.context, p.lon, p.lat, p.bbox, p.population, p.key, p.alias_key, p.postal_codes, p.department_code
from place p
where (p.kind = 'departement' and p.code = any('{}'::text[]))
   or (p.kind = 'commune' and (p.code = any('{}'::text[]) or p.postal_codes && '{}'::text[]));
