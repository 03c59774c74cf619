using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>Curation: merged listings and their import aliases, « pas un doublon » decisions, identifier indexes, visitors' reports.</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261121150000_Curation")]
public sealed class Curation : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SqlScripts.Read("011_curation.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        drop table if exists actor_report, actor_not_duplicate, actor_alias;
        drop index if exists actor_siret_idx, actor_siren_idx, actor_uai_idx, actor_rna_idx, actor_museofile_idx;
        alter table actor drop column if exists merged_into;
        """);
}
