using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>Accounts (ASP.NET Core Identity), actor representatives, the audit trail, and the web application's database role.</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261121110000_Accounts")]
public sealed class Accounts : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SqlScripts.Read("007_accounts.sql"));

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            alter default privileges in schema public revoke all on tables from ocim_web;
            alter default privileges in schema public revoke all on sequences from ocim_web;
            revoke all on all tables in schema public from ocim_web;
            revoke all on all sequences in schema public from ocim_web;
            revoke usage on schema public from ocim_web;
            drop table if exists audit_log;
            drop function if exists audit_log_append_only();
            drop table if exists actor_representative, account_token, account_login, role_claim, account_claim,
                account_role, role, account;
            """);
    }
}
