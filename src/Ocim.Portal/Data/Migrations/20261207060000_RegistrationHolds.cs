using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>A registration holds its seat until the address is confirmed; unconfirmed holds lapse.</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261207060000_RegistrationHolds")]
public sealed class RegistrationHolds : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SqlScripts.Read("021_registration_holds.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        drop index if exists registration_pending_hold_idx;
        drop index if exists registration_unconfirmed_recent_idx;
        update registration set cancelled_by = 'organiser' where cancelled_by = 'unconfirmed';
        alter table registration drop constraint if exists registration_cancelled_by_check;
        alter table registration add constraint registration_cancelled_by_check check (cancelled_by in ('registrant', 'organiser'));
        alter table registration drop column if exists address_token_hash, drop column if exists hold_expires_at, drop column if exists address_confirmed_at;
        """);
}
