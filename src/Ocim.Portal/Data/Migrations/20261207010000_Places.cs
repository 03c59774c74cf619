using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>The place index (communes, departments, regions, EPCI, postal codes) behind « Où ? » searches.</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261207010000_Places")]
public sealed class Places : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SqlScripts.Read("016_places.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("drop function if exists build_place_index(); drop table if exists place; drop table if exists postal_code; drop function if exists place_key(text);");
}
