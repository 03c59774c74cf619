using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>Survey campaigns: population, personal links, answers, follow-up calls.</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261121160000_Campaigns")]
public sealed class Campaigns : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SqlScripts.Read("012_campaigns.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("drop table if exists campaign_call, campaign_response, campaign_recipient, campaign;");
}
