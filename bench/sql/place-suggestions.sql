-- /lieux/suggestions?q=Q (the place box, at each key): the statement SuggestPlaces runs, Q drawn over all communes
-- (first letters of a name, a postal code or its start, a department number: bench.place_query). A name goes to
-- the exact / prefix / infix branches, digits to the codes branch; the trigram fallback runs when nothing is found.
\set i random(1, 1000000000)
select place_key(bench.place_query(:i)) ~ '^([0-9]+|2a|2b)$' as digits \gset
\if :digits
select kind, code, name, label, context, lon, lat, bbox, population
from (
    (select p.*, 0 as tier from place p
     where (p.kind = 'departement' and p.code = upper(place_key(bench.place_query(:i)))) or (p.kind = 'epci' and p.code = upper(place_key(bench.place_query(:i))))
        or (p.kind = 'commune' and (p.code = upper(place_key(bench.place_query(:i))) or p.postal_codes @> array[upper(place_key(bench.place_query(:i)))])))
    union all
    (select p.*, 1 from place p
     where length(place_key(bench.place_query(:i))) between 2 and 4 and p.kind = 'commune'
       and p.department_code = left(place_key(bench.place_query(:i)), 2)
       and exists (select 1 from unnest(p.postal_codes) c where c like place_key(bench.place_query(:i)) || '%')
     order by p.population desc nulls last limit 10)
) hits
order by tier, kind = 'epci', population desc nulls last, case kind when 'commune' then 0 when 'departement' then 1 when 'region' then 2 else 3 end, label
limit 10;
\else
select kind, code, name, label, context, lon, lat, bbox, population
from (
    (select p.*, 0 as tier from place p
     where (p.key = place_key(bench.place_query(:i)) or p.alias_key = place_key(bench.place_query(:i))))
    union all
    (select p.*, 1 from place p
     where (p.kind, p.code) in (
         select kind, code from place
         where key like place_key(bench.place_query(:i)) || '%' and key <> place_key(bench.place_query(:i))
         order by population desc nulls last limit 10))
    union all
    (select p.*, 1 from place p
     where p.alias_key like place_key(bench.place_query(:i)) || '%' and p.alias_key <> place_key(bench.place_query(:i))
       and p.key not like place_key(bench.place_query(:i)) || '%'
     order by p.population desc nulls last limit 10)
) hits
order by tier, kind = 'epci', population desc nulls last, case kind when 'commune' then 0 when 'departement' then 1 when 'region' then 2 else 3 end, label
limit 10;
-- fewer than ten: names with a later word that starts so (the app's second step)
select count(*) < 10 and length(place_key(bench.place_query(:i))) >= 3 as more
from (select 1 from place where key like place_key(bench.place_query(:i)) || '%' limit 10) x \gset
\if :more
select kind, code, name, label, context, lon, lat, bbox, population
from place p
where p.key like '% ' || place_key(bench.place_query(:i)) || '%'
  and not (p.key like place_key(bench.place_query(:i)) || '%' or coalesce(p.alias_key, '') like place_key(bench.place_query(:i)) || '%')
order by p.population desc nulls last
limit 10;
\endif
\endif
