using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>The text search's normalised name key, stored and trigram-indexed (bounded text search).</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261207040000_SearchName")]
public sealed class SearchName : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SqlScripts.Read("019_search_name.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        drop index if exists actor_search_name_trgm_idx;
        alter table actor drop column if exists search_name;
        create index actor_name_trgm_idx on actor using gin (portal_normalise(name || ' ' || coalesce(acronym, '')) gin_trgm_ops);
        """);
}
