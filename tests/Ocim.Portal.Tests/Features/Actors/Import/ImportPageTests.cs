using System.Net;
using System.Text;
using Dapper;
using Ocim.Portal.Data;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Actors.Import;

/// <summary>The staff's import page: upload, dry-run report, then import (all or the good rows), nothing half-written.</summary>
public sealed class ImportPageTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    private const string Good = """
        id_externe;nom;cercle;famille;commune;longitude;latitude;types_action
        p1;Muséum de Dijon;1;museum;;5.0415;47.3220;expositions|mediation
        p2;Bibliothèque de Beaune;3;bibliotheque;21054;;;lecture-publique
        """;

    private readonly string suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly string uploadDirectory = Path.Combine(Path.GetTempPath(), "ocim-upload-test-" + Guid.NewGuid().ToString("N"));
    private PortalFactory factory = null!;

    public Task InitializeAsync()
    {
        factory = new PortalFactory(database.ConnectionString, new Dictionary<string, string?> { ["Portal:UploadDirectory"] = uploadDirectory });
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        factory.Dispose();
        if (Directory.Exists(uploadDirectory))
        {
            Directory.Delete(uploadDirectory, recursive: true);
        }
    }

    private async Task<HttpClient> CuratorAsync(string name)
    {
        await TestAccounts.CreateAsync(factory, $"{name}-{suffix}@exemple.test", PortalRoles.Curator);
        return await TestAccounts.SignedInClientAsync(factory, $"{name}-{suffix}@exemple.test");
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] content, string fileName, string source)
    {
        var token = await client.TokenAsync("/gestion/import");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), Forms.TokenField },
            { new StringContent(source), "source" },
            { new ByteArrayContent(content), "fichier", fileName },
        };
        return await client.PostAsync(new Uri("/gestion/import", UriKind.Relative), form);
    }

    /// <summary>Follows the page that refreshes itself until its job is done (the job runs in the background).</summary>
    private static async Task<AngleSharp.Dom.IDocument> SettledAsync(HttpClient client, string url)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var (response, page) = await client.GetPageAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            if (!response.Headers.Contains("Refresh"))
            {
                return page;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the import job never finished");
    }

    private async Task<int> CountAsync(string source)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("select count(*) from actor where source = @source", new { source });
    }

    [Fact]
    public async Task A_file_is_checked_first_writing_nothing_then_imported_and_its_upload_removed()
    {
        using var client = await CuratorAsync("import-ok");
        var response = await UploadAsync(client, Encoding.UTF8.GetBytes(Good), "musees.csv", "page-ok");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var url = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/gestion/import/", url, StringComparison.Ordinal);
        var kept = Assert.Single(Directory.GetFiles(uploadDirectory));
        Assert.Matches("^[0-9a-f]{32}\\.csv$", Path.GetFileName(kept));

        var checkedPage = await SettledAsync(client, url);
        Assert.Contains("Simulation, rien n'a été écrit. L'import ajouterait 2 acteur(s)", checkedPage.QuerySelector("pre")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync("page-ok"));

        // A colleague may continue it; the upload is the staff's, not one person's.
        using var colleague = await CuratorAsync("import-collegue");
        Assert.Equal(HttpStatusCode.OK, (await colleague.GetAsync(new Uri(url, UriKind.Relative))).StatusCode);

        Forms.AssertRedirect(await client.SubmitAsync(url, url + "/importer"), url);
        var done = await SettledAsync(client, url);
        Assert.Contains("Import terminé : 2 acteur(s) ajouté(s)", done.QuerySelector("pre")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(2, await CountAsync("page-ok"));
        Assert.Empty(Directory.GetFiles(uploadDirectory));
    }

    [Fact]
    public async Task A_file_with_a_bad_row_is_refused_whole_unless_the_good_rows_only_option_is_ticked()
    {
        var bad = Good + "\np3;Fablab de Chenôve;3;fablab;;5.0070;47.2920;soudure\n";
        using var client = await CuratorAsync("import-bad");
        var url = (await UploadAsync(client, Encoding.UTF8.GetBytes(bad), "avec-erreur.csv", "page-bad")).Headers.Location!.OriginalString;
        var report = (await SettledAsync(client, url)).QuerySelector("pre")!.TextContent;
        Assert.Contains("ligne 4, colonne « types_action », valeur « soudure »", report, StringComparison.Ordinal);

        var whole = await client.SubmitAsync(url, url + "/importer");
        Assert.Equal(HttpStatusCode.Conflict, whole.StatusCode);
        Assert.Contains("importer seulement les lignes valides", (await whole.ReadPageAsync()).Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync("page-bad"));

        Forms.AssertRedirect(await client.SubmitAsync(url, url + "/importer", ("partiel", "true")), url);
        var done = (await SettledAsync(client, url)).QuerySelector("pre")!.TextContent;
        Assert.Contains("2 acteur(s) ajouté(s)", done, StringComparison.Ordinal);
        Assert.Contains("1 ligne(s) écartée(s)", done, StringComparison.Ordinal);
        Assert.Equal(2, await CountAsync("page-bad"));
    }

    [Fact]
    public async Task Files_that_are_not_utf8_csv_text_or_too_large_are_refused_in_french_and_nothing_is_kept()
    {
        using var client = await CuratorAsync("import-refus");
        var cases = new (byte[] Content, string Name, HttpStatusCode Status, string Reason)[]
        {
            (Encoding.UTF8.GetBytes(Good), "musees.xlsx", HttpStatusCode.UnsupportedMediaType, "Seuls les fichiers CSV"),
            ([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00], "classeur.csv", HttpStatusCode.UnsupportedMediaType, "n'est pas un fichier texte CSV"),
            (Encoding.Latin1.GetBytes(Good), "latin1.csv", HttpStatusCode.UnsupportedMediaType, "n'est pas encodé en UTF-8"),
            ([], "vide.csv", HttpStatusCode.BadRequest, "Choisissez un fichier CSV"),
        };
        foreach (var (content, name, status, reason) in cases)
        {
            var response = await UploadAsync(client, content, name, "page-refus");
            Assert.Equal(status, response.StatusCode);
            Assert.Contains(reason, (await response.ReadPageAsync()).Body!.TextContent, StringComparison.Ordinal);
        }

        var large = new byte[(21 * 1024 * 1024) + 1];
        Array.Fill(large, (byte)'a');
        var tooLarge = await UploadAsync(client, large, "enorme.csv", "page-refus");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("dépasse 20 Mo", (await tooLarge.ReadPageAsync()).Body!.TextContent, StringComparison.Ordinal);

        Assert.False(Directory.Exists(uploadDirectory) && Directory.GetFiles(uploadDirectory).Length > 0);
        Assert.Equal(0, await CountAsync("page-refus"));
    }

    [Fact]
    public async Task An_abandoned_upload_is_deleted_and_writes_nothing()
    {
        using var client = await CuratorAsync("import-abandon");
        var url = (await UploadAsync(client, Encoding.UTF8.GetBytes(Good), "abandon.csv", "page-abandon")).Headers.Location!.OriginalString;
        await SettledAsync(client, url);
        Forms.AssertRedirect(await client.SubmitAsync(url, url + "/abandon"), "/gestion/import");
        Assert.Empty(Directory.GetFiles(uploadDirectory));
        var (_, page) = await client.GetPageAsync(url);
        Assert.Contains("Import abandonné", page.Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostFormAsync(url + "/importer", [], await client.TokenAsync("/gestion/import"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/gestion/import/" + Guid.NewGuid().ToString("D"), UriKind.Relative))).StatusCode);
        Assert.Equal(0, await CountAsync("page-abandon"));
    }
}
