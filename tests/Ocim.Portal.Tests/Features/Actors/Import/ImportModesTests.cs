using Dapper;
using Ocim.Portal.Features.Actors.Import;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Actors.Import;

/// <summary>Partial imports, dry runs, separators, header languages and the byte-order mark, through the database.</summary>
public sealed class ImportModesTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private const string Mixed = """
        id_externe;nom;cercle;famille;commune;longitude;latitude
        p1;Muséum de Dijon;1;museum;;5.0415;47.3220
        p2;Musée en mer;1;musee;;-3.0;46.5
        p3;Bibliothèque de Beaune;3;bibliotheque;21054;;
        p4;Musée inconnu;1;musee;99999;;
        p5;Sans nom;7;musee;21231;;
        """;

    [Fact]
    public async Task Partial_mode_writes_the_good_rows_and_reports_the_others()
    {
        await using var import = new ImportHelper(database);

        var outcome = await import.ImportAsync(Mixed, "modes-partial", new ImportOptions(Partial: true));

        Assert.True(outcome.Written);
        Assert.Equal((2, 3), (outcome.Inserted, outcome.Rejected));
        Assert.Equal([3, 5, 6], outcome.Errors.Select(e => e.Line));
        Assert.Equal(["p1", "p3"], await ExternalIdsAsync("modes-partial"));
    }

    [Fact]
    public async Task A_dry_run_checks_everything_counts_what_would_change_and_writes_nothing()
    {
        await using var import = new ImportHelper(database);
        await import.ImportAsync("id_externe;nom;cercle;famille;commune\np1;Muséum de Dijon;1;museum;21231\n", "modes-dry");

        var outcome = await import.ImportAsync(Mixed, "modes-dry", new ImportOptions(Partial: true, DryRun: true));

        Assert.False(outcome.Written);
        Assert.Equal((1, 1, 0, 3), (outcome.Inserted, outcome.Updated, outcome.Unchanged, outcome.Rejected));
        Assert.Equal(["p1"], await ExternalIdsAsync("modes-dry"));
        Assert.Equal("Muséum de Dijon", await NameAsync("modes-dry", "p1"));
    }

    [Fact]
    public async Task A_dry_run_of_a_good_file_writes_nothing()
    {
        await using var import = new ImportHelper(database);

        var outcome = await import.ImportAsync("id_externe;nom;cercle;famille;commune\nd1;Musée;1;musee;21231\n", "modes-dry-good", new ImportOptions(DryRun: true));

        Assert.Equal((1, false), (outcome.Inserted, outcome.Written));
        Assert.Empty(await ExternalIdsAsync("modes-dry-good"));
    }

    [Theory]
    [InlineData(';', false)]
    [InlineData(',', false)]
    [InlineData(';', true)]
    [InlineData(',', true)]
    public async Task Imports_semicolon_and_comma_files_with_or_without_a_byte_order_mark(char delimiter, bool byteOrderMark)
    {
        await using var import = new ImportHelper(database);
        var source = $"modes-sep-{(delimiter == ';' ? "semicolon" : "comma")}-{byteOrderMark}";
        // The quoted description keeps its own punctuation whatever the separator.
        var csv = string.Join(delimiter, "id_externe", "nom", "cercle", "famille", "longitude", "latitude", "description_courte") + "\n"
            + string.Join(delimiter, "s1", "Muséum", "1", "museum", "5.0415", "47.3220", "\"Expositions; ateliers, conférences\"") + "\n";

        var outcome = await import.ImportAsync(csv, source, byteOrderMark: byteOrderMark);

        Assert.Empty(outcome.Errors);
        await using var connection = await database.OpenAsync();
        var row = await connection.QuerySingleAsync<(string Commune, string Description)>(
            "select commune_code, short_description from actor where source = @source", new { source });
        Assert.Equal(("21231", "Expositions; ateliers, conférences"), row);
    }

    [Fact]
    public async Task French_and_english_headers_import_the_same_listing()
    {
        await using var import = new ImportHelper(database);

        await import.ImportAsync("""
            id_externe;nom;sigle;cercle;famille;commune;types_action;publics;site_web;telephone;statut
            h1;Centre de sciences;CS;1;centre-de-sciences;21231;expositions|ateliers;scolaires;https://cs.example;03 80 00 00 00;publie
            """, "modes-headers-fr");
        await import.ImportAsync("""
            external_id,name,acronym,circle,family,commune_code,action_types,audiences,website,phone,status
            h1,Centre de sciences,CS,1,Centre de sciences (CCSTI),21231,Expositions|Ateliers,Scolaires,https://cs.example,03 80 00 00 00,published
            """, "modes-headers-en");

        await using var connection = await database.OpenAsync();
        var rows = (await connection.QueryAsync<string>("""
            select concat_ws('|', a.name, a.acronym, a.circle, f.slug, a.commune_code, a.action_types::text, a.audiences::text, a.website, a.phone, a.status)
            from actor a join actor_family f on f.id = a.family_id where source like 'modes-headers-%' order by source
            """)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(rows[0], rows[1]);
        Assert.Equal("Centre de sciences|CS|1|centre-de-sciences|21231|{expositions,ateliers}|{scolaires}|https://cs.example|03 80 00 00 00|published", rows[0]);
    }

    [Fact]
    public async Task A_commune_given_by_its_2026_code_lands_on_its_2018_outline()
    {
        await using var import = new ImportHelper(database);
        await using var connection = await database.OpenAsync();
        var merged = await connection.QueryFirstAsync<(string Code, string Current)>(
            "select code, current_code from commune where current_code is not null and current_code <> code and current_code not in (select code from commune) order by code limit 1");

        var outcome = await import.ImportAsync($"id_externe;nom;cercle;famille;commune\nn1;Musée;1;musee;{merged.Current}\n", "modes-2026");

        Assert.Empty(outcome.Errors);
        Assert.Equal(merged.Code, await connection.ExecuteScalarAsync<string>("select commune_code from actor where source = 'modes-2026'"));
    }

    [Fact]
    public async Task The_examples_of_the_import_documentation_import_as_they_are()
    {
        await using var import = new ImportHelper(database);
        var documentation = await File.ReadAllTextAsync(Path.Combine(TestDatabase.DataDirectory, "..", "docs", "import.md"));
        var examples = documentation.Split("```").Where(block => block.StartsWith("\nid_externe", StringComparison.Ordinal)
            || block.StartsWith("\nexternal_id", StringComparison.Ordinal)).ToList();

        Assert.Equal(2, examples.Count);
        for (var i = 0; i < examples.Count; i++)
        {
            var outcome = await import.ImportAsync(examples[i].TrimStart('\n'), $"modes-doc-{i}");
            Assert.Empty(outcome.Errors);
            Assert.Equal(2, outcome.Inserted);
        }
    }

    private async Task<List<string>> ExternalIdsAsync(string source)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<string>("select external_id from actor where source = @source order by external_id", new { source })).ToList();
    }

    private async Task<string?> NameAsync(string source, string externalId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<string>("select name from actor where source = @source and external_id = @externalId", new { source, externalId });
    }
}
