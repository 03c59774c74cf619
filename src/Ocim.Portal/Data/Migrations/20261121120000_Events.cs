using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>Events, sessions and registrations (docs/decisions/0012-event-registration-seats.md).</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261121120000_Events")]
public sealed class Events : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SqlScripts.Read("008_events.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("""
            drop table if exists registration, event_session, event_partner, event;
            drop function if exists event_resolve_venue();
            """);
}
