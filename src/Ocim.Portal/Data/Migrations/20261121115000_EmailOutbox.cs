using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>The e-mail outbox (docs/mail.md).</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261121115000_EmailOutbox")]
public sealed class EmailOutbox : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SqlScripts.Read("008_outbox.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("drop table if exists outbox_message;");
}
