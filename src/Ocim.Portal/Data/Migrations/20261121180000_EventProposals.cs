using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>Events proposed by representatives for their listing, and where each proposal stands.</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261121180000_EventProposals")]
public sealed class EventProposals : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SqlScripts.Read("014_event_proposals.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("drop table if exists event_proposal;");
}
