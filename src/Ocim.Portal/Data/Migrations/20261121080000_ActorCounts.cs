using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>Actor counts by department, circle, family and status, kept exact by triggers.</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261121080000_ActorCounts")]
public sealed class ActorCounts : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SqlScripts.Read("004_actor_counts.sql"));

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            drop trigger if exists actor_count_on_insert on actor;
            drop trigger if exists actor_count_on_update on actor;
            drop trigger if exists actor_count_on_delete on actor;
            drop trigger if exists actor_count_on_truncate on actor;
            drop function if exists actor_count_apply(), actor_count_clear();
            drop table if exists actor_count;
            """);
    }
}
