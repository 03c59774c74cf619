-- actor_map_apply() as it was before the bench branch (main at d2bb474: dynamic SQL through EXECUTE). write-costs.sql
-- installs it inside a transaction it rolls back, to time single-row writes with both versions in the same run.
-- It needs actor_map_rows(), which 006_map.sql still defines.
create or replace function actor_map_apply() returns trigger
language plpgsql as $$
declare
    changed text := case tg_op
        when 'INSERT' then actor_map_rows('new_rows', 1)
        when 'DELETE' then actor_map_rows('old_rows', -1)
        else actor_map_rows('old_rows', -1) || ' union all ' || actor_map_rows('new_rows', 1) end;
begin
    execute format($sql$
        insert into actor_cell as t (z, tile_x, tile_y, cell_x, cell_y, department_code, circle, family_id, actors, sum_x, sum_y)
        select c.z, c.tile_x, c.tile_y, c.cell_x, c.cell_y, r.department_code, r.circle, r.family_id,
               sum(r.sign), sum(r.sign * r.x), sum(r.sign * r.y)
        from (%s) r cross join lateral actor_cells_of(r.x, r.y) c
        group by 1, 2, 3, 4, 5, 6, 7, 8
        having sum(r.sign) <> 0 or sum(r.sign * r.x) <> 0 or sum(r.sign * r.y) <> 0
        order by 1, 2, 3, 4, 5, 6, 7, 8
        on conflict (z, tile_x, tile_y, cell_x, cell_y, department_code, circle, family_id) do update
        set actors = t.actors + excluded.actors, sum_x = t.sum_x + excluded.sum_x, sum_y = t.sum_y + excluded.sum_y
    $sql$, changed);

    execute format($sql$
        insert into actor_cell_total as t (z, tile_x, tile_y, cell_x, cell_y, actors, circle_1, circle_2, circle_3, sum_x, sum_y)
        select c.z, c.tile_x, c.tile_y, c.cell_x, c.cell_y, sum(r.sign),
               coalesce(sum(r.sign) filter (where r.circle = 1), 0), coalesce(sum(r.sign) filter (where r.circle = 2), 0),
               coalesce(sum(r.sign) filter (where r.circle = 3), 0), sum(r.sign * r.x), sum(r.sign * r.y)
        from (%s) r cross join lateral actor_cells_of(r.x, r.y) c
        group by 1, 2, 3, 4, 5
        having sum(r.sign) <> 0 or sum(r.sign * r.x) <> 0 or sum(r.sign * r.y) <> 0
            or sum(r.sign) filter (where r.circle = 1) <> 0 or sum(r.sign) filter (where r.circle = 2) <> 0
        order by 1, 2, 3, 4, 5
        on conflict (z, tile_x, tile_y, cell_x, cell_y) do update
        set actors = t.actors + excluded.actors, circle_1 = t.circle_1 + excluded.circle_1,
            circle_2 = t.circle_2 + excluded.circle_2, circle_3 = t.circle_3 + excluded.circle_3,
            sum_x = t.sum_x + excluded.sum_x, sum_y = t.sum_y + excluded.sum_y
    $sql$, changed);

    execute format($sql$
        insert into actor_commune_count as t (commune_code, circle, family_id, actors)
        select r.commune_code, r.circle, r.family_id, sum(r.sign)
        from (%s) r
        group by 1, 2, 3
        having sum(r.sign) <> 0
        order by 1, 2, 3
        on conflict (commune_code, circle, family_id) do update set actors = t.actors + excluded.actors
    $sql$, changed);
    return null;
end
$$;

