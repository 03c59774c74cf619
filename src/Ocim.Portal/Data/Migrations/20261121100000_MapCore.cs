using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>The map and territory core: cluster pyramid, commune counts, simplified outlines, distances from communes.</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261121100000_MapCore")]
public sealed class MapCore : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SqlScripts.Read("006_map.sql"));

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            drop trigger if exists actor_map_on_insert on actor;
            drop trigger if exists actor_map_on_update on actor;
            drop trigger if exists actor_map_on_delete on actor;
            drop trigger if exists actor_map_on_truncate on actor;
            drop function if exists actor_map_apply(), actor_map_clear(),
                actor_map_add(double precision[], double precision[], text[], smallint[], integer[], text[], integer[]), actor_map_rebuild(), actor_map_rows(text, integer),
                actor_cells_of(double precision, double precision), territory_shape_refresh(),
                territory_band_tolerance(smallint), actor_rebuild_territories();
            drop table if exists actor_cell, actor_cell_total, actor_commune_count, territory_shape;
            alter table commune drop column if exists centre_l93;
            """);
    }
}
