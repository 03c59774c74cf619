using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>« Mes données »: the hashed links that open a person's data, and the index that finds registrations by address.</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261121190000_DataAccess")]
public sealed class DataAccess : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SqlScripts.Read("015_data_access.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("drop table if exists data_access_token; drop index if exists registration_email_idx;");
}
