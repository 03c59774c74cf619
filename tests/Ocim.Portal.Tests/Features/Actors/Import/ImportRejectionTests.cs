using Dapper;
using Ocim.Portal.Features.Actors.Import;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Actors.Import;

/// <summary>All or nothing: a file with one bad row writes nothing, and says which row, which column, which value, why.</summary>
public sealed class ImportRejectionTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private const string Header = "id_externe;nom;cercle;famille;commune;longitude;latitude;types_action";
    private const string Good = "ok1;Muséum de Dijon;1;museum;;5.0415;47.3220;expositions\nok2;Bibliothèque de Beaune;3;bibliotheque;21054;;;";

    [Fact]
    public async Task Rejects_the_whole_file_when_one_row_is_at_sea()
    {
        await using var import = new ImportHelper(database);

        var outcome = await import.ImportAsync($"{Header}\n{Good}\nsea;Phare imaginaire;1;musee;;-3.0;46.5;\n", "reject-sea");

        var error = Assert.Single(outcome.Errors);
        Assert.Equal((4, "latitude, longitude"), (error.Line, error.Column));
        Assert.Equal("La position (latitude 46.5, longitude -3) est hors de France : elle n'est dans aucune commune française (en mer ou à l'étranger ?).", error.Reason);
        Assert.False(outcome.Written);
        Assert.Equal(0, await CountAsync("reject-sea"));
    }

    [Fact]
    public async Task Rejects_a_row_located_abroad()
    {
        await using var import = new ImportHelper(database);

        var outcome = await import.ImportAsync($"{Header}\nbxl;Musée de Bruxelles;1;musee;;4.35;50.85;\n", "reject-abroad");

        Assert.Contains("hors de France", Assert.Single(outcome.Errors).Reason, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync("reject-abroad"));
    }

    [Fact]
    public async Task Rejects_an_unknown_commune_code_naming_it()
    {
        await using var import = new ImportHelper(database);

        var outcome = await import.ImportAsync($"{Header}\n{Good}\nnone;Musée nulle part;1;musee;99999;;;\n", "reject-commune");

        var error = Assert.Single(outcome.Errors);
        Assert.Equal((4, "commune", "99999", "La commune de code INSEE 99999 est inconnue."), (error.Line, error.Column, error.Value, error.Reason));
        Assert.Equal(0, await CountAsync("reject-commune"));
    }

    [Fact]
    public async Task Rejects_an_unknown_vocabulary_term_naming_the_column()
    {
        await using var import = new ImportHelper(database);

        var outcome = await import.ImportAsync($"{Header}\n{Good}\nvoc;Musée;1;musee;21231;;;expositions|jonglage\n", "reject-vocabulary");

        var error = Assert.Single(outcome.Errors);
        Assert.Equal((4, "types_action", "jonglage"), (error.Line, error.Column, error.Value));
        Assert.StartsWith("« jonglage » n'est pas un terme connu de la liste.", error.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync("reject-vocabulary"));
    }

    [Fact]
    public async Task A_bad_file_leaves_nothing_written_and_reports_every_problem_at_once()
    {
        await using var import = new ImportHelper(database);

        var outcome = await import.ImportAsync($"""
            {Header};code_postal
            ok1;Muséum de Dijon;1;museum;;5.0415;47.3220;expositions;21000
            bad1;Musée;1;musee;21231;;;;2100
            bad2;Musée en mer;1;musee;;-3.0;46.5;;
            bad3;;1;musee;21231;;;;
            """, "reject-many");

        Assert.Equal(0, await CountAsync("reject-many"));
        Assert.Equal([4, 5], outcome.Errors.Select(e => e.Line));
        Assert.Equal(2, outcome.Rejected);
        Assert.Equal(("nom", "Le nom est obligatoire."), (outcome.Errors[1].Column, outcome.Errors[1].Reason));

        // The postal code 2100 got its leading zero back (02100) and is valid; the report names each line and column.
        var report = ImportActorsCommand.Report(outcome, new ImportOptions());
        Assert.Contains("ligne 4, colonne « latitude, longitude », valeur « 46.5, -3 » : La position (latitude 46.5, longitude -3) est hors de France", report, StringComparison.Ordinal);
        Assert.Contains("ligne 5, colonne « nom », valeur «  » : Le nom est obligatoire.", report, StringComparison.Ordinal);
        Assert.Contains("Fichier refusé : 2 ligne(s) en erreur, rien n'a été écrit.", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_with_bad_headers_writes_nothing()
    {
        await using var import = new ImportHelper(database);

        var outcome = await import.ImportAsync("id_externe;nom;cercle;famille;commune;couleur\nx;Musée;1;musee;21231;bleu\n", "reject-header");

        Assert.Equal((1, "couleur"), (Assert.Single(outcome.Errors).Line, outcome.Errors[0].Column));
        Assert.Equal(0, await CountAsync("reject-header"));
    }

    private async Task<int> CountAsync(string source)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("select count(*) from actor where source = @source", new { source });
    }
}
