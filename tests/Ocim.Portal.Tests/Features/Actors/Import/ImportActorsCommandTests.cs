using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Ocim.Portal.Features.Actors.Import;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Actors.Import;

/// <summary>`./portal import actors FILE`: its arguments, its French report and its exit code.</summary>
public sealed class ImportActorsCommandTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public void Parses_the_file_the_options_and_a_default_source_named_after_the_file()
    {
        var (request, error) = ImportActorsRequest.Parse(["actors", "/tmp/musees-bourgogne.csv", "--partial", "--dry-run"]);

        Assert.Null(error);
        Assert.Equal(new ImportActorsRequest("/tmp/musees-bourgogne.csv", "import:musees-bourgogne", new ImportOptions(Partial: true, DryRun: true)), request);
        Assert.Equal("reseau", ImportActorsRequest.Parse(["actors", "f.csv", "--source", "reseau"]).Request!.Source);
    }

    [Theory]
    [InlineData("actors")]
    [InlineData("events", "f.csv")]
    [InlineData("actors", "f.csv", "--force")]
    [InlineData("actors", "f.csv", "g.csv")]
    [InlineData("actors", "f.csv", "--source")]
    public void Refuses_wrong_arguments_with_the_usage(params string[] args)
    {
        var (request, error) = ImportActorsRequest.Parse(args);

        Assert.Null(request);
        Assert.Contains(ImportActorsRequest.Usage, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prints_a_french_report_and_exits_non_zero_when_the_file_is_rejected()
    {
        var path = Path.Combine(Path.GetTempPath(), $"acteurs-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, "id_externe;nom;cercle;famille;commune;code_postal\nc1;Musée;1;musee;21231;21000\nc2;Musée;1;musee;21231;21 0\n");
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
            var command = new ImportActorsCommand(new ReadActorCsv(dataSource), new WriteActors(dataSource, NullLogger<WriteActors>.Instance));
            var output = new StringWriter();

            var rejected = await command.RunAsync(ImportActorsRequest.Parse(["actors", path]).Request!, output, CancellationToken.None);
            var rejectedReport = output.ToString();
            output.GetStringBuilder().Clear();
            var partial = await command.RunAsync(ImportActorsRequest.Parse(["actors", path, "--partial"]).Request!, output, CancellationToken.None);

            Assert.Equal(ImportActorsCommand.Rejected, rejected);
            Assert.Contains("ligne 3, colonne « code_postal », valeur « 210 » : Le code postal doit compter exactement 5 chiffres.", rejectedReport, StringComparison.Ordinal);
            Assert.Contains("Fichier refusé", rejectedReport, StringComparison.Ordinal);
            Assert.Equal(0, partial);
            Assert.Contains("Import terminé : 1 acteur(s) ajouté(s), 0 mis à jour, 0 inchangé(s), 1 ligne(s) écartée(s).", output.ToString(), StringComparison.Ordinal);
            await using var connection = await database.OpenAsync();
            var source = "import:" + Path.GetFileNameWithoutExtension(path);
            Assert.Equal(["c1"], await connection.QueryAsync<string>("select external_id from actor where source = @source", new { source }));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Says_when_the_file_does_not_exist()
    {
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        var command = new ImportActorsCommand(new ReadActorCsv(dataSource), new WriteActors(dataSource, NullLogger<WriteActors>.Instance));
        var output = new StringWriter();

        var code = await command.RunAsync(new ImportActorsRequest("/nonexistent/acteurs.csv", "x", new ImportOptions()), output, CancellationToken.None);

        Assert.Equal(ImportActorsCommand.Unreadable, code);
        Assert.StartsWith("Fichier introuvable", output.ToString(), StringComparison.Ordinal);
    }
}
