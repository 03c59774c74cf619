-- actor_rebuild_territories() as it was before the bench branch (main at d2bb474), as a temporary function of the
-- session, so that the report compares both on the same data in the same run (run.sh, "rebuilds").
create function pg_temp.actor_rebuild_territories_before(out examined bigint, out changed bigint)
language plpgsql as $$
begin
    drop table if exists rebuilt_territory;
    create temp table rebuilt_territory on commit drop as
    select distinct on (a.id) a.id, c.code as commune_code, c.epci_siren, c.department_code, c.region_code
    from commune c
    join lateral (select a.id from actor a where a.geom && c.geom and st_intersects(c.geom, a.geom)) a on true
    order by a.id, c.code;
    get diagnostics examined = row_count;

    update actor a
    set commune_code = r.commune_code, epci_siren = r.epci_siren, department_code = r.department_code, region_code = r.region_code
    from rebuilt_territory r
    where a.id = r.id and a.location_approximate = false
      and (a.commune_code is distinct from r.commune_code or a.epci_siren is distinct from r.epci_siren
           or a.department_code is distinct from r.department_code or a.region_code is distinct from r.region_code);
    get diagnostics changed = row_count;
end
$$;
