using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>The actor inventory: families, vocabularies, actors and their territory resolution.</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261121070000_Actors")]
public sealed class Actors : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SqlScripts.Read("003_actors.sql"));

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            drop table if exists data_version, actor, actor_vocabulary, actor_family;
            drop function if exists actor_bump_version(), actor_resolve_territory(), portal_normalise(text);
            drop text search configuration if exists french_unaccent;
            """);
    }
}
