using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>The map's place labels: a point per region, department and commune, refreshed with the territory outlines.</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261207030000_MapLabels")]
public sealed class MapLabels : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SqlScripts.Read("018_map_labels.sql"));

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // territory_shape_refresh() goes back to what 006_map.sql defined: outlines only.
        migrationBuilder.Sql("""
            create or replace function territory_shape_refresh() returns void
            language plpgsql as $$
            begin
                delete from territory_shape;
                insert into territory_shape (level, band, code, geom)
                select 'region', b, code, st_multi(st_collectionextract(st_makevalid(st_simplifypreservetopology(geom_3857, territory_band_tolerance(b))), 3))
                from region, (select b::smallint as b from generate_series(0, 3) b) bands;
                insert into territory_shape (level, band, code, geom)
                select 'department', b, code, st_multi(st_collectionextract(st_makevalid(st_simplifypreservetopology(geom_3857, territory_band_tolerance(b))), 3))
                from department, (select b::smallint as b from generate_series(1, 3) b) bands;
                insert into territory_shape (level, band, code, geom)
                select 'commune', b, code, st_multi(st_collectionextract(st_makevalid(st_simplifypreservetopology(geom_3857, territory_band_tolerance(b))), 3))
                from commune, (select b::smallint as b from generate_series(2, 3) b) bands;
                analyze territory_shape;
            end
            $$;
            drop function if exists map_label_refresh(), map_label_commune_zoom(integer);
            drop table if exists map_label;
            """);
    }
}
