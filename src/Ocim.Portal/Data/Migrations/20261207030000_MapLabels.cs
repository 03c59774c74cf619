using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>The map's place labels: a point per region, department and commune, refreshed with the territory outlines.</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261207030000_MapLabels")]
public sealed class MapLabels : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SqlScripts.Read("018_map_labels.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        drop function if exists map_label_refresh(), map_label_commune_zoom(integer);
        drop table if exists map_label;
        """);
}
