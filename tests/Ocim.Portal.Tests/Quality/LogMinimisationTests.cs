using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Ocim.Portal.Features.Events;
using Ocim.Portal.Tests.Features.Events;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Quality;

/// <summary>
/// QUALITY P4: the application's logs hold no personal data and no secret. A visitor registers, cancels through their
/// link, opens « Mes données »; another claims a listing; a curator fails to sign in, then signs in and approves the
/// claim; then every line the app logged (all levels from Information up) is searched for the e-mails (and their local
/// parts), names, passwords, the cancel token, the registration's key and the « Mes données » link.
/// </summary>
public sealed partial class LogMinimisationTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task After_registering_cancelling_claiming_and_signing_in_the_logs_hold_no_personal_data_and_no_secret()
    {
        await using var connection = await database.OpenAsync();
        await EventRows.InsertAsync(connection, "atelier-discret", 10);
        var actor = await ActorRows.InsertAsync(connection, "Muséum discret", 1, "museum", 5.0415, 47.322);
        await using var factory = new PortalFactory(database.ConnectionString, new Dictionary<string, string?>
        {
            ["Mail:Outbox:Enabled"] = "false",
            ["Events:Housekeeping:Enabled"] = "false",
        });
        var secrets = new List<string> { "alix.inscrite-p4@example.org", "alix.inscrite-p4", "Alix Zéphyrine", "claude.reclamant-p4@example.org", "claude.reclamant-p4", "Claude Hortense", "Directrice adjointe", "Mauvaise phrase de passe secrète", TestAccounts.Password, "curatrice-p4@exemple.test", "curatrice-p4" };

        // A visitor registers, then cancels through the link of their e-mail.
        var visitor = new Visitor(factory.CreatePageClient());
        await visitor.OpenFormAsync("atelier-discret");
        using (var registered = await visitor.SubmitAsync("Alix Zéphyrine", "alix.inscrite-p4@example.org", organisation: "Atelier secret de Alix"))
        {
            Assert.Equal(HttpStatusCode.SeeOther, registered.StatusCode);
        }

        secrets.Add(visitor.Key);
        secrets.Add(visitor.Key.Replace("-", string.Empty, StringComparison.Ordinal));
        var body = await connection.QuerySingleAsync<string>("select body from outbox_message where recipient = 'alix.inscrite-p4@example.org'");
        var cancelToken = CancelLink().Match(body).Groups[1].Value;
        Assert.NotEmpty(cancelToken);
        secrets.Add(cancelToken);
        var cancelPath = RegistrationTokens.CancelPath(cancelToken);
        using (var cancelled = await visitor.Client.SubmitAsync(cancelPath, cancelPath))
        {
            Assert.Equal(HttpStatusCode.SeeOther, cancelled.StatusCode);
        }

        // The same visitor asks for « Mes données », opens the mailed link and downloads both files.
        using (var asked = await visitor.Client.SubmitAsync("/mes-donnees", "/mes-donnees", ("Email", "Alix.Inscrite-P4@example.org")))
        {
            Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        }

        var dataBody = await connection.QuerySingleAsync<string>("select body from outbox_message where kind = 'my-data-link'");
        var dataToken = MyDataLink().Match(dataBody).Groups[1].Value;
        Assert.NotEmpty(dataToken);
        secrets.Add(dataToken);
        using (var opened = await visitor.Client.SubmitAsync("/mes-donnees/" + dataToken, "/mes-donnees/" + dataToken))
        {
            Assert.Equal(HttpStatusCode.SeeOther, opened.StatusCode);
        }

        foreach (var download in new[] { ".json", ".csv" })
        {
            using var file = await visitor.Client.GetAsync(new Uri("/mes-donnees/" + dataToken + download, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        }

        // Another visitor says « c'est ma structure ».
        using var claimant = factory.CreatePageClient();
        var claimPath = $"/acteurs/{actor}/c-est-ma-structure";
        using (var claimed = await claimant.SubmitAsync(claimPath, claimPath, ("Name", "Claude Hortense"), ("Email", "claude.reclamant-p4@example.org"), ("Role", "Directrice adjointe"), ("Message", "Bonjour")))
        {
            Assert.True(claimed.StatusCode is HttpStatusCode.SeeOther or HttpStatusCode.Redirect or HttpStatusCode.OK, $"{claimed.StatusCode}");
        }

        // A curator mistypes the password, then signs in and approves the claim.
        await TestAccounts.CreateAsync(factory, "curatrice-p4@exemple.test", Portal.Data.PortalRoles.Curator);
        using (var wrong = factory.CreatePageClient())
        {
            using var refused = await wrong.SubmitAsync("/connexion", "/connexion", ("Email", "curatrice-p4@exemple.test"), ("Password", "Mauvaise phrase de passe secrète"));
            Assert.True(refused.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{refused.StatusCode}: the wrong password was not refused");
        }

        using var curator = await TestAccounts.SignedInClientAsync(factory, "curatrice-p4@exemple.test");
        var claim = await connection.ExecuteScalarAsync<long>("select id from actor_claim where actor_id = @actor", new { actor });
        var claimPage = $"/gestion/moderation/revendications/{claim}";
        using (var approved = await curator.SubmitAsync(claimPage, claimPage + "/approuver"))
        {
            Assert.True((int)approved.StatusCode is >= 200 and < 400, $"{approved.StatusCode}");
        }

        visitor.Dispose();
        var logs = factory.Logs.ToList();
        // The scenario was logged (its requests are there, their secrets masked): the search below looks at something.
        Assert.Contains(logs, l => l.Contains("POST /inscription/annuler/***", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Contains("POST /connexion", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Contains("GET /mes-donnees/***.json", StringComparison.Ordinal));
        var leaks = (from line in logs
                     from secret in secrets
                     where line.Contains(secret, StringComparison.OrdinalIgnoreCase)
                     select $"« {secret} » in: {line}").ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    [GeneratedRegex(@"/inscription/annuler/([A-Za-z0-9_-]+)")]
    private static partial Regex CancelLink();

    [GeneratedRegex(@"/mes-donnees/([A-Za-z0-9_-]+)")]
    private static partial Regex MyDataLink();
}
