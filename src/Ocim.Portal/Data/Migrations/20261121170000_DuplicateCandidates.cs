using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>Precomputed duplicate candidates: the pairs table, the queue fed by a trigger on actor, the drain function.</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261121170000_DuplicateCandidates")]
public sealed class DuplicateCandidates : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SqlScripts.Read("013_duplicate_candidates.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("""
            drop trigger if exists actor_duplicate_on_insert on actor;
            drop trigger if exists actor_duplicate_on_update on actor;
            drop trigger if exists actor_duplicate_on_delete on actor;
            drop trigger if exists actor_duplicate_on_truncate on actor;
            drop function if exists actor_duplicate_rebuild(), actor_duplicate_drain(integer, text, boolean), actor_duplicate_enqueue(), actor_duplicate_clear();
            drop table if exists actor_duplicate_queue, actor_duplicate_candidate;
            """);
}
