using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Ocim.Portal.Data.Migrations;

/// <summary>One SQL function that turns vocabulary slugs into labels, for every reader of actors.</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261121090000_VocabularyLabels")]
public sealed class VocabularyLabels : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SqlScripts.Read("005_vocabulary_labels.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("drop function if exists actor_vocabulary_labels(text, text[]);");
}
