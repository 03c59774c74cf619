using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>Invitations, « c'est ma structure » requests and listing revisions (moderation).</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261121140000_Listings")]
public sealed class Listings : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SqlScripts.Read("010_listings.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("drop table if exists actor_revision, actor_claim, invitation;");
}
