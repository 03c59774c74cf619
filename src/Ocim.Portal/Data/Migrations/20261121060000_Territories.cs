using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>PostGIS and France's territories (written by hand: the EF Design package does not restore here).</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261121060000_Territories")]
public sealed class Territories : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(SqlScripts.Read("001_extensions.sql"));
        migrationBuilder.Sql(SqlScripts.Read("002_territories.sql"));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            drop function if exists resolve_territory(double precision, double precision);
            drop table if exists reference_unmatched, reference_load_report, commune, epci, department, region;
            """);
    }
}
