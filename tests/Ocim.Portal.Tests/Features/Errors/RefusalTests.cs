using System.Net;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Ocim.Portal.Data;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Errors;

/// <summary>A form action that fails on purpose, added to the app by the tests only.</summary>
public sealed class FailingFormController : Controller
{
    [HttpPost("/test/panne-formulaire")]
    [IgnoreAntiforgeryToken]
    public IActionResult Fail([FromForm] string? texte) => throw new InvalidOperationException(FailingController.Secret + texte + Request.Path);
}

/// <summary>
/// Requests the framework refuses to read get the French page with their own status (400, 413) and a warning in the
/// log, never a « Page introuvable »; the error page reached directly is no error; Kestrel does not name itself
/// (issue 15).
/// </summary>
public sealed class RefusalTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    public static TheoryData<string, int, HttpStatusCode, string> Bodies => new()
    {
        // what is sent, how many values (-1: one value over 4 MB), status, French title
        { "1 025 valeurs", 1_025, HttpStatusCode.BadRequest, "Requête incorrecte" },
        { "une valeur de plus de 4 Mo", -1, HttpStatusCode.RequestEntityTooLarge, "Envoi trop volumineux" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_form_too_big_to_read_is_refused_with_its_status_the_French_page_and_a_warning(string name, int values, HttpStatusCode status, string title)
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        using var client = factory.CreatePageClient();
        var token = await client.TokenAsync("/mes-donnees");
        var fields = new StringBuilder($"{Forms.TokenField}={Uri.EscapeDataString(token)}&Email=");
        if (values > 0)
        {
            for (var i = 0; i < values; i++)
            {
                fields.Append("&v").Append(i).Append("=x");
            }
        }
        else
        {
            fields.Append('a', (4 * 1024 * 1024) + 10).Append("%40exemple.test");
        }

        using var content = new StringContent(fields.ToString(), Encoding.ASCII, "application/x-www-form-urlencoded");
        var response = await client.PostAsync(new Uri("/mes-donnees", UriKind.Relative), content);

        Assert.True(status == response.StatusCode, $"{name}: {(int)response.StatusCode}");
        Assert.Equal(title, (await response.ReadPageAsync()).QuerySelector("h1").Text());
        Assert.Contains(factory.Logs, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("Request body refused: POST /mes-donnees answered " + (int)status, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_NUL_in_an_urlencoded_form_is_a_400_with_the_French_page_and_a_warning()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        using var client = factory.CreatePageClient();
        var token = await client.TokenAsync("/mes-donnees");

        using var content = new StringContent($"{Forms.TokenField}={Uri.EscapeDataString(token)}&Email=nul%00@exemple.test", Encoding.ASCII, "application/x-www-form-urlencoded");
        var response = await client.PostAsync(new Uri("/mes-donnees", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Requête incorrecte", (await response.ReadPageAsync()).QuerySelector("h1").Text());
        Assert.Contains(factory.Logs, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("Request body refused: POST /mes-donnees answered 400", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_chunked_upload_over_the_limit_is_a_413_with_the_French_page_and_a_warning()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        var email = $"curatrice-envoi-{Guid.NewGuid():N}@exemple.test";
        await TestAccounts.CreateAsync(factory, email, PortalRoles.Curator);
        using var client = await TestAccounts.SignedInClientAsync(factory, email);
        var token = await client.TokenAsync("/gestion/import");
        var file = new StreamContent(new MemoryStream(Enumerable.Repeat((byte)'a', 25 * 1024 * 1024).ToArray()));
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), Forms.TokenField },
            { new StringContent("envoi-fleuve"), "source" },
            { file, "fichier", "fleuve.csv" },
        };
        await form.LoadIntoBufferAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/gestion/import", UriKind.Relative)) { Content = form };
        request.Headers.TransferEncodingChunked = true;
        request.Content.Headers.ContentLength = null;

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("Envoi trop volumineux", (await response.ReadPageAsync()).QuerySelector("h1").Text());
        Assert.Contains(factory.Logs, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("Request body refused: POST /gestion/import answered 413", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_posted_form_whose_action_fails_gets_the_French_500_page()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        using var client = factory.CreatePageClient();

        using var content = new FormUrlEncodedContent([new("texte", "bonjour")]);
        var response = await client.PostAsync(new Uri("/test/panne-formulaire", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("Erreur du serveur", (await response.ReadPageAsync()).QuerySelector("h1").Text());
    }

    [Fact]
    public async Task The_error_page_reached_directly_is_no_error()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        using var client = factory.CreatePageClient();

        var (response, page) = await client.GetPageAsync("/erreur");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Aucune erreur", page.QuerySelector("h1").Text());
    }

    [Fact]
    public async Task Kestrel_sends_no_server_header_and_still_refuses_a_too_long_address()
    {
        using var portal = new BrowserPortal(database.ConnectionString);
        using var client = new HttpClient();

        var page = await client.GetAsync(portal.Url("/accessibilite"));
        var tooLong = await client.GetAsync(portal.Url("/acteurs?q=" + new string('a', 20_000)));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.False(page.Headers.Contains("Server"), string.Join(", ", page.Headers.Select(h => h.Key)));
        Assert.Equal(HttpStatusCode.RequestUriTooLong, tooLong.StatusCode);
        Assert.False(tooLong.Headers.Contains("Server"));
    }
}
