-- Loads the staged territories and reference files into the territory tables, in one transaction
-- (LoadTerritories.cs runs each step below in order, logging its name and duration).
-- Codes: the outlines are the 2018 geography; populations and EPCI use 2026 codes (docs/decisions/0005).

-- step: Régions : réparation des contours et projections
insert into region (code, name, geom, geom_l93, geom_3857)
select code, name, g, st_transform(g, 2154), st_transform(g, 3857)
from (select code, name, st_multi(st_collectionextract(st_makevalid(st_setsrid(st_geomfromgeojson(geojson), 4326)), 3)) as g
      from stage_outline where level = 'region') s;

-- step: Départements : réparation des contours et projections
insert into department (code, name, region_code, geom, geom_l93, geom_3857)
select code, name, parent, g, st_transform(g, 2154), st_transform(g, 3857)
from (select code, name, parent, st_multi(st_collectionextract(st_makevalid(st_setsrid(st_geomfromgeojson(geojson), 4326)), 3)) as g
      from stage_outline where level = 'department') s;

-- step: Communes : réparation des contours
-- Communes are prepared in a staging table and inserted once, complete: updating the real table would rewrite
-- every row and its six spatial index entries for each attribute added.
create temp table stage_commune on commit drop as
select s.code, s.name, s.parent as department_code, d.region_code, st_isvalid(raw) as was_valid,
       st_multi(st_collectionextract(st_makevalid(raw), 3)) as g,
       null::text as current_code, null::text as epci_siren,
       null::integer as population, false as population_apportioned, 0::double precision as area_km2
from (select code, name, parent, st_setsrid(st_geomfromgeojson(geojson), 4326) as raw
      from stage_outline where level = 'commune') s
join department d on d.code = s.parent;
update stage_commune set area_km2 = st_area(g::geography) / 1e6;
create unique index on stage_commune (code);
create index on stage_commune (current_code);
create index on stage_cog (com);
create index on stage_epci_member (insee);
analyze stage_commune; analyze stage_cog; analyze stage_population; analyze stage_epci; analyze stage_epci_member;

insert into reference_load_report (key, value, description)
select 'outlines_repaired', count(*) filter (where not was_valid),
       'Contours de communes invalides réparés (ST_MakeValid) plutôt qu''écartés'
from stage_commune;

-- step: Communes : rattachement aux codes 2026 (COG)
-- The outline is still a commune in 2026: it keeps its code.
update stage_commune c set current_code = c.code
where exists (select 1 from stage_cog s where s.typecom = 'COM' and s.com = c.code);

-- A commune déléguée or associée since a merger: its parent is the 2026 commune.
update stage_commune c set current_code = p.comparent
from (select distinct on (com) com, comparent from stage_cog
      where typecom in ('COMD', 'COMA') and comparent <> '' order by com, typecom) p
where c.current_code is null and p.com = c.code;
analyze stage_commune;

insert into reference_unmatched (source, code, name, reason)
select 'territories/communes.geojson.gz', code, name,
       'Contour 2018 dont le code n''existe plus en 2026, ni comme commune ni comme commune déléguée ou associée : population et EPCI inconnus'
from stage_commune where current_code is null;

-- step: Populations INSEE 2023
-- Population by 2026 commune; the arrondissements of Paris, Lyon and Marseille are summed into their commune.
create temp table population_2026 on commit drop as
select g.*, coalesce(o.outlines, 0) as outlines
from (select coalesce(arm.comparent, p.com) as code, min(p.commune) as name,
             sum(p.pmun::integer) as pmun, count(*) as source_rows
      from stage_population p
      left join stage_cog arm on p.type_code = 'ARM' and arm.typecom = 'ARM' and arm.com = p.com
      group by 1) g
left join (select current_code, count(*) as outlines from stage_commune group by current_code) o on o.current_code = g.code;

-- Spread each 2026 commune over its 2018 outlines: whole when it has one, by area share when it has several
-- (largest remainder, so that the parts add up to the INSEE figure exactly).
with parts as (
    select c.code, c.current_code, p.pmun, p.outlines,
           p.pmun * c.area_km2 / nullif(sum(c.area_km2) over (partition by c.current_code), 0) as exact
    from stage_commune c
    join population_2026 p on p.code = c.current_code
), ranked as (
    select code, outlines, floor(exact)::integer as base,
           pmun - sum(floor(exact)::integer) over (partition by current_code) as remainder,
           row_number() over (partition by current_code order by exact - floor(exact) desc, code) as rank
    from parts
)
update stage_commune c
set population = r.base + case when r.rank <= r.remainder then 1 else 0 end,
    population_apportioned = r.outlines > 1
from ranked r
where r.code = c.code;

insert into reference_unmatched (source, code, name, reason)
select 'reference/insee_population_communes_2023.csv', code, name,
       'Commune 2026 sans contour 2018 correspondant (commune créée depuis) : sa population n''est rattachée à aucun contour'
from population_2026 where outlines = 0;

update department d set population = s.pmun
from (select dep, sum(pmun::integer) as pmun from stage_population group by dep) s
where s.dep = d.code;

update region r set population = s.pmun
from (select reg, sum(pmun::integer) as pmun from stage_population group by reg) s
where s.reg = r.code;

insert into reference_load_report (key, value, description) values
    ('population_rows', (select count(*) from stage_population),
     'Lignes du fichier des populations INSEE 2023 (communes et arrondissements municipaux)'),
    ('population_communes_2026', (select count(*) from population_2026),
     'Communes 2026 après regroupement des arrondissements de Paris, Lyon et Marseille'),
    ('population_communes_whole', (select count(*) from population_2026 where outlines = 1),
     'Communes 2026 rattachées à un seul contour 2018 (population exacte)'),
    ('population_communes_apportioned', (select count(*) from population_2026 where outlines > 1),
     'Communes 2026 réparties sur plusieurs contours 2018 (population répartie au prorata de la surface)'),
    ('population_outlines_apportioned', (select count(*) from stage_commune where population_apportioned),
     'Contours 2018 portant une part estimée de la population d''une commune nouvelle'),
    ('population_communes_unmatched', (select count(*) from population_2026 where outlines = 0),
     'Communes 2026 sans contour correspondant (population non rattachée)'),
    ('population_unmatched_inhabitants', (select coalesce(sum(pmun), 0) from population_2026 where outlines = 0),
     'Habitants des communes 2026 sans contour correspondant'),
    ('outlines_total', (select count(*) from stage_commune), 'Contours de communes chargés (géographie 2018)'),
    ('outlines_without_population', (select count(*) from stage_commune where population is null),
     'Contours sans population (code disparu en 2026)');

-- step: EPCI 2025
insert into epci (siren, name, nature, seat_department, member_count)
select e.siren, e.raison_sociale, e.nature_juridique,
       (select d.code from department d where d.code = e.dept_siege), e.nb_membres::integer
from stage_epci e;

update stage_commune c set epci_siren = m.siren
from (select distinct on (insee) insee, siren from stage_epci_member order by insee, siren) m
where m.insee = c.current_code;

update epci e set population = s.pmun
from (select m.siren, sum(p.pmun) as pmun
      from stage_epci_member m join population_2026 p on p.code = m.insee
      group by m.siren) s
where s.siren = e.siren;

insert into reference_unmatched (source, code, name, reason)
select 'reference/epci_composition_communale_2025.csv', m.insee, m.nom_membre,
       'Commune membre de l''EPCI ' || m.siren || ' sans contour 2018 correspondant'
from stage_epci_member m
where not exists (select 1 from stage_commune c where c.current_code = m.insee);

insert into reference_load_report (key, value, description) values
    ('epci_total', (select count(*) from epci), 'EPCI à fiscalité propre 2025'),
    ('epci_member_rows', (select count(*) from stage_epci_member), 'Lignes de la composition communale des EPCI 2025'),
    ('epci_member_rows_matched', (select count(*) from stage_epci_member m
        where exists (select 1 from stage_commune c where c.current_code = m.insee)),
     'Communes membres rattachées à au moins un contour'),
    ('epci_member_rows_unmatched', (select count(*) from stage_epci_member m
        where not exists (select 1 from stage_commune c where c.current_code = m.insee)),
     'Communes membres sans contour correspondant'),
    ('epci_outlines_assigned', (select count(*) from stage_commune where epci_siren is not null),
     'Contours de communes rattachés à un EPCI'),
    ('epci_outlines_without_epci', (select count(*) from stage_commune where epci_siren is null),
     'Contours de communes sans EPCI (îles mono-communales ou code disparu)');

-- step: Communes : enregistrement et projections
insert into commune (code, name, department_code, region_code, current_code, epci_siren, population,
                     population_apportioned, area_km2, centre, geom, geom_l93, geom_3857)
select code, name, department_code, region_code, current_code, epci_siren, population,
       population_apportioned, area_km2, st_pointonsurface(g), g, st_transform(g, 2154), st_transform(g, 3857)
from stage_commune;

-- step: EPCI : contours (union des communes membres)
update epci e set geom = u.g, geom_3857 = st_transform(u.g, 3857)
from (select epci_siren, st_multi(st_collectionextract(st_union(geom), 3)) as g
      from commune where epci_siren is not null group by epci_siren) u
where u.epci_siren = e.siren;

-- step: Contours simplifiés pour les tuiles de la carte
select territory_shape_refresh();

-- step: Noms des lieux pour la carte (régions, départements, communes)
select map_label_refresh();
