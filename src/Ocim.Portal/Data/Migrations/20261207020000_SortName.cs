using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>The directory's name order: a stored sort key that skips leading punctuation and numbering, and its index.</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261207020000_SortName")]
public sealed class SortName : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SqlScripts.Read("017_sort_name.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        drop index if exists actor_sort_name_idx;
        alter table actor drop column if exists sort_name;
        drop function if exists portal_sort_name(text);
        create index actor_name_idx on actor (name collate french, id);
        """);
}
