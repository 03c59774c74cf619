using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Ocim.Portal.Features.Events;
using Ocim.Portal.Features.MyData;
using Ocim.Portal.Tests.Features.Events;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.MyData;

/// <summary>
/// QUALITY P3 Access export: « Mes données » for one address holds every registration, waiting-list entry and
/// consent of that address (against the rows seeded here), as a page, JSON and CSV, and nothing of anyone else; the
/// link is mailed only to an address with data, at most once per interval, and it expires and is spent.
/// </summary>
public sealed partial class MyDataTests : IClassFixture<DatabaseFixture>, IDisposable
{
    private readonly DatabaseFixture database;
    private readonly ManualClock clock = new(DateTimeOffset.UtcNow);
    private readonly EventPortal portal;

    public MyDataTests(DatabaseFixture database)
    {
        this.database = database;
        portal = new EventPortal(database.ConnectionString, new Dictionary<string, string?>
        {
            ["Mail:Outbox:Enabled"] = "false",
            ["Events:Housekeeping:Enabled"] = "false",
            ["Portal:RateLimits:mes-donnees:PerMinute"] = "1000",
        }, services => services.AddSingleton<TimeProvider>(clock));
    }

    public void Dispose() => portal.Dispose();

    [Fact]
    public async Task P3_the_page_the_json_and_the_csv_hold_exactly_the_address_s_registrations_and_nobody_else_s()
    {
        await using var connection = await database.OpenAsync();
        var seed = await SeedAsync(connection, "p3");
        using var client = portal.NewClient();

        // Asked in another case, with spaces around: the same person.
        var token = await AskAndReadLinkAsync(connection, client, "  " + seed.Target.ToUpperInvariant().Replace("CAMILLE", "cAMILLE", StringComparison.Ordinal) + " ");

        // The link's page shows nothing until it is opened (a GET changes nothing: mail scanners fetch links).
        var (before, beforePage) = await client.GetPageAsync(Path(token));
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Null(beforePage.QuerySelector("table"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from data_access_token where token_hash = @hash and used_at is not null", new { hash = RegistrationTokens.Hash(token) }));
        using (var early = await client.GetAsync(new Uri(Path(token) + ".json", UriKind.Relative)))
        {
            Forms.AssertRedirect(early, Path(token));
        }

        using (var opened = await client.SubmitAsync(Path(token), Path(token)))
        {
            Forms.AssertRedirect(opened, Path(token));
        }

        var (pageResponse, page) = await client.GetPageAsync(Path(token));
        Assert.Equal(HttpStatusCode.OK, pageResponse.StatusCode);
        Assert.Equal("no-store", pageResponse.Headers.CacheControl?.ToString());
        Assert.Equal("no-referrer", pageResponse.Headers.GetValues("Referrer-Policy").Single());
        var pageRows = page.QuerySelectorAll("table tbody tr")
            .Select(tr => tr.QuerySelectorAll("td").Select(td => Html.Squash(td.TextContent)).ToList())
            .Select(cells => (Status: cells[1], Organisation: cells[8], Role: cells[9]))
            .ToHashSet();
        Assert.Equal(seed.Mine.Select(r => (PageStatus(r), r.Organisation ?? string.Empty, r.Role ?? string.Empty)).ToHashSet(), pageRows);

        using var json = await client.GetAsync(new Uri(Path(token) + ".json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", json.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("no-store", json.Headers.CacheControl?.ToString());
        var jsonText = await json.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(jsonText);
        var jsonRows = document.RootElement.GetProperty("inscriptions").EnumerateArray().Select(r => new Expected(
            r.GetProperty("evenement").GetString()!,
            DateTimeOffset.Parse(r.GetProperty("debut").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            r.GetProperty("statut").GetString()!,
            r.GetProperty("positionListeAttente").ValueKind == JsonValueKind.Null ? null : r.GetProperty("positionListeAttente").GetInt32(),
            r.GetProperty("nom").GetString()!,
            r.GetProperty("structure").GetString(),
            r.GetProperty("fonction").GetString(),
            r.GetProperty("besoinsAccessibilite").GetString())).ToHashSet();
        Assert.Equal(seed.Mine.ToHashSet(), jsonRows);
        Assert.All(document.RootElement.GetProperty("inscriptions").EnumerateArray(), r =>
        {
            Assert.Equal(JsonValueKind.String, r.GetProperty("noticeAccepteeLe").ValueKind);
            Assert.Equal(seed.Target, r.GetProperty("adresseElectronique").GetString()!, ignoreCase: true);
        });

        using var csv = await client.GetAsync(new Uri(Path(token) + ".csv", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", csv.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("no-store", csv.Headers.CacheControl?.ToString());
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var csvText = Encoding.UTF8.GetString(bytes[3..]);
        var records = SimpleCsv.Parse(csvText, ';');
        // Every record ends with CRLF, as French Excel expects (no field of the seed holds a line break).
        Assert.EndsWith("\r\n", csvText, StringComparison.Ordinal);
        Assert.Equal(records.Count, csvText.Split("\r\n").Length - 1);
        var header = records[0];
        Assert.Equal(ReadMyData.CsvHeaders, header);
        var csvRows = records.Skip(1).Select(r => header.Zip(r).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal)).ToList();
        Assert.Equal(
            seed.Mine.Select(r => (r.Event, r.Status, r.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, r.Organisation ?? string.Empty)).ToHashSet(),
            csvRows.Select(r => (r["événement"], r["statut"], r["position en liste d'attente"], r["structure"])).ToHashSet());
        // A cell that starts like a formula is neutralised for Excel.
        Assert.Contains(csvRows, r => r["besoins d'accessibilité"] == "'=accès fauteuil; boucle magnétique");

        foreach (var (name, body) in new[] { ("page", page.Body!.TextContent), ("json", jsonText), ("csv", csvText) })
        {
            foreach (var other in seed.Others)
            {
                Assert.False(body.Contains(other, StringComparison.OrdinalIgnoreCase), $"the {name} shows « {other} », another person's data");
            }
        }

        Assert.DoesNotContain(portal.Logs, line => line.Contains(token, StringComparison.Ordinal) || line.Contains("dupont.p3", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task An_unknown_address_gets_the_same_answer_and_no_mail()
    {
        await using var connection = await database.OpenAsync();
        var seed = await SeedAsync(connection, "inconnue");
        using var client = portal.NewClient();

        using var known = await client.SubmitAsync("/mes-donnees", "/mes-donnees", ("Email", seed.Target));
        using var unknown = await client.SubmitAsync("/mes-donnees", "/mes-donnees", ("Email", "personne.inconnue@example.org"));

        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Equal(Html.Squash((await known.ReadPageAsync()).QuerySelector("main")!.TextContent), Html.Squash((await unknown.ReadPageAsync()).QuerySelector("main")!.TextContent));
        Assert.Equal(1, await MailsToAsync(connection, seed.Target));
        Assert.Equal(0, await MailsToAsync(connection, "personne.inconnue@example.org"));
    }

    [Fact]
    public async Task A_second_request_within_the_interval_sends_no_second_mail_and_one_after_it_does()
    {
        await using var connection = await database.OpenAsync();
        var seed = await SeedAsync(connection, "intervalle");
        using var client = portal.NewClient();

        await AskAsync(client, seed.Target);
        clock.Advance(TimeSpan.FromMinutes(9));
        using (var again = await client.SubmitAsync("/mes-donnees", "/mes-donnees", ("Email", seed.Target.ToUpperInvariant())))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        Assert.Equal(1, await MailsToAsync(connection, seed.Target));

        clock.Advance(TimeSpan.FromMinutes(2));
        await AskAsync(client, seed.Target);
        Assert.Equal(2, await MailsToAsync(connection, seed.Target));
    }

    [Fact]
    public async Task Requests_for_one_address_at_the_same_moment_send_one_mail()
    {
        await using var connection = await database.OpenAsync();
        var seed = await SeedAsync(connection, "ensemble");
        var clients = Enumerable.Range(0, 6).Select(_ => portal.NewClient()).ToList();
        var tokens = await Task.WhenAll(clients.Select(c => c.TokenAsync("/mes-donnees")));

        var answers = await Task.WhenAll(clients.Select((c, i) => c.PostFormAsync("/mes-donnees", [new("Email", seed.Target)], tokens[i])));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(1, await MailsToAsync(connection, seed.Target));
        foreach (var item in answers.Cast<IDisposable>().Concat(clients))
        {
            item.Dispose();
        }
    }

    [Fact]
    public async Task Requests_beyond_the_per_client_limit_answer_429_with_retry_after()
    {
        using var limited = new EventPortal(database.ConnectionString, new Dictionary<string, string?>
        {
            ["Mail:Outbox:Enabled"] = "false",
            ["Events:Housekeeping:Enabled"] = "false",
            ["Portal:RateLimits:mes-donnees:PerMinute"] = "2",
        });
        using var client = limited.NewClient();
        var token = await client.TokenAsync("/mes-donnees");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostFormAsync("/mes-donnees", [new("Email", $"limite{i}@example.org")], token);
            statuses.Add(response.StatusCode);
            if (i == 2)
            {
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task An_expired_link_answers_410_in_French_and_offers_a_new_one()
    {
        await using var connection = await database.OpenAsync();
        var seed = await SeedAsync(connection, "expire");
        using var client = portal.NewClient();
        var token = await AskAndReadLinkAsync(connection, client, seed.Target);

        clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));

        var (response, page) = await client.GetPageAsync(Path(token));
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Contains("Lien expiré", page.Title, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("form[action='/mes-donnees'] input[name=Email]"));
        using var json = await client.GetAsync(new Uri(Path(token) + ".json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Gone, json.StatusCode);
        Assert.DoesNotContain("Musée Target", await json.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_opened_link_is_spent_after_its_window_and_cannot_be_opened_again()
    {
        await using var connection = await database.OpenAsync();
        var seed = await SeedAsync(connection, "servi");
        using var client = portal.NewClient();
        var token = await AskAndReadLinkAsync(connection, client, seed.Target);
        var formToken = await client.TokenAsync(Path(token));
        using (var opened = await client.PostFormAsync(Path(token), [], formToken))
        {
            Forms.AssertRedirect(opened, Path(token));
        }

        clock.Advance(TimeSpan.FromMinutes(31));

        var (response, page) = await client.GetPageAsync(Path(token));
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Contains("Lien déjà utilisé", page.Title, StringComparison.Ordinal);
        using var csv = await client.GetAsync(new Uri(Path(token) + ".csv", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Gone, csv.StatusCode);
        using var reopened = await client.PostFormAsync(Path(token), [], formToken);
        Assert.Equal(HttpStatusCode.Gone, reopened.StatusCode);
    }

    [Fact]
    public async Task A_tampered_or_malformed_link_answers_404_and_shows_nothing()
    {
        await using var connection = await database.OpenAsync();
        var seed = await SeedAsync(connection, "altere");
        using var client = portal.NewClient();
        var token = await AskAndReadLinkAsync(connection, client, seed.Target);
        var tampered = (token[0] == 'A' ? 'B' : 'A') + token[1..];

        foreach (var path in new[] { Path(tampered), Path(tampered) + ".json", Path(tampered) + ".csv", Path("court"), Path(token + "x") })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains("Lien introuvable", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Médiatrice", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_link_for_one_address_never_shows_another_s_registrations()
    {
        await using var connection = await database.OpenAsync();
        var seed = await SeedAsync(connection, "a-b");
        using var client = portal.NewClient();
        var tokenA = await AskAndReadLinkAsync(connection, client, seed.Target);
        var tokenB = await AskAndReadLinkAsync(connection, client, seed.Similar);
        Assert.NotEqual(tokenA, tokenB);

        foreach (var (token, mine, notMine) in new[] { (tokenA, "Musée Target", "Fablab Plus Un"), (tokenB, "Fablab Plus Un", "Musée Target") })
        {
            using (var opened = await client.SubmitAsync(Path(token), Path(token)))
            {
                Forms.AssertRedirect(opened, Path(token));
            }

            var body = await (await client.GetAsync(new Uri(Path(token) + ".json", UriKind.Relative))).Content.ReadAsStringAsync();
            Assert.Contains(mine, body, StringComparison.Ordinal);
            Assert.DoesNotContain(notMine, body, StringComparison.Ordinal);
        }

        Assert.Equal(seed.Mine.Count, JsonDocument.Parse(await (await client.GetAsync(new Uri(Path(tokenA) + ".json", UriKind.Relative))).Content.ReadAsStringAsync())
            .RootElement.GetProperty("inscriptions").GetArrayLength());
    }

    [Theory]
    [InlineData("pas-une-adresse", "n'est pas valide")]
    [InlineData("nom@domaine", "n'est pas valide")]
    [InlineData("deux@adresses.fr; autre@exemple.fr", "n'est pas valide")]
    public async Task An_invalid_address_answers_400_with_a_French_error_and_the_value_kept(string typed, string error)
    {
        await using var connection = await database.OpenAsync();
        using var client = portal.NewClient();

        var mails = await connection.ExecuteScalarAsync<int>("select count(*) from outbox_message");
        using var response = await client.SubmitAsync("/mes-donnees", "/mes-donnees", ("Email", typed));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.ReadPageAsync();
        Assert.StartsWith("Erreurs dans le formulaire", page.Title, StringComparison.Ordinal);
        Assert.Contains(error, page.QuerySelector(".error-summary")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(typed, page.QuerySelector("input[name=Email]")!.GetAttribute("value"));
        Assert.Equal(mails, await connection.ExecuteScalarAsync<int>("select count(*) from outbox_message"));
    }

    [Fact]
    public async Task A_request_without_its_antiforgery_token_answers_400_and_sends_nothing()
    {
        await using var connection = await database.OpenAsync();
        var seed = await SeedAsync(connection, "sans-jeton");
        using var client = portal.NewClient();

        using var response = await client.PostFormAsync("/mes-donnees", [new("Email", seed.Target)], token: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await MailsToAsync(connection, seed.Target));
    }

    [Fact]
    public async Task The_form_links_the_notice_and_says_how_long_the_link_lasts_and_the_notice_and_confirmation_link_the_form()
    {
        using var client = portal.NewClient();

        var (response, page) = await client.GetPageAsync("/mes-donnees");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(page.QuerySelector("a[href='/donnees-personnelles']"));
        Assert.Contains("valable 24 heures", Html.Squash(page.Body!.TextContent), StringComparison.Ordinal);
        var (_, notice) = await client.GetPageAsync("/evenements/donnees-personnelles");
        Assert.NotNull(notice.QuerySelector("#droits ~ * a[href='/mes-donnees']"));

        await using var connection = await database.OpenAsync();
        await EventRows.InsertAsync(connection, "lien-mes-donnees", 5);
        using var visitor = portal.NewVisitor();
        await visitor.OpenFormAsync("lien-mes-donnees");
        using var registered = await visitor.SubmitAsync("Noa Lien", "noa.lien@example.org");
        var (_, confirmation) = await visitor.Client.GetPageAsync(registered.Headers.Location!.OriginalString);
        Assert.NotNull(confirmation.QuerySelector("a[href='/mes-donnees']"));
    }

    private static string Path(string token) => "/mes-donnees/" + token;

    private static string PageStatus(Expected r) => r.Position is { } position ? $"{r.Status} (position {position})" : r.Status;

    private static async Task AskAsync(HttpClient client, string email)
    {
        using var response = await client.SubmitAsync("/mes-donnees", "/mes-donnees", ("Email", email));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Si cette adresse a des données chez nous", Html.Squash((await response.ReadPageAsync()).Body!.TextContent), StringComparison.Ordinal);
    }

    private static async Task<string> AskAndReadLinkAsync(NpgsqlConnection connection, HttpClient client, string email)
    {
        await AskAsync(client, email);
        var body = await connection.QuerySingleAsync<string>(
            "select body from outbox_message where kind = @kind and lower(recipient) = lower(@email) order by id desc limit 1",
            new { kind = RequestMyDataLink.MailKind, email = email.Trim() });
        var match = LinkPattern().Match(body);
        Assert.True(match.Success, "no link in:\n" + body);
        return match.Groups[1].Value;
    }

    private static Task<int> MailsToAsync(NpgsqlConnection connection, string email) =>
        connection.ExecuteScalarAsync<int>(
            "select count(*) from outbox_message where kind = @kind and lower(recipient) = lower(@email)", new { kind = RequestMyDataLink.MailKind, email });

    /// <summary>
    /// Two events of several sessions. The target address (in mixed cases) holds a confirmed seat, a waiting-list
    /// place (second in line) and a cancelled registration, plus one on a past event whose data the retention purge
    /// erased; around them, other people: a similar address (+1), the same name at another address, others.
    /// </summary>
    private async Task<Seed> SeedAsync(NpgsqlConnection connection, string prefix)
    {
        var target = $"Camille.Dupont.{prefix}@Example.org";
        var local = $"camille.dupont.{prefix}";
        var soon = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(30).AddHours(9), TimeSpan.Zero);
        var (_, first) = await EventRows.InsertAsync(connection, prefix + "-atelier", 1, [soon, soon.AddDays(7)], title: "Atelier " + prefix);
        var (_, second) = await EventRows.InsertAsync(connection, prefix + "-forum", 5, [soon.AddDays(1), soon.AddDays(2), soon.AddDays(3)], title: "Forum " + prefix, kind: "forum");
        var (_, past) = await EventRows.InsertAsync(connection, prefix + "-ancien", 5, [DateTimeOffset.UtcNow.AddYears(-2)], title: "Ancien " + prefix);
        var created = DateTimeOffset.UtcNow.AddDays(-3);

        // Session first[0] (one seat): someone else has it; someone else waits first, the target second.
        await InsertAsync(connection, first[0], "confirmed", "Dominique Autre", "dominique.autre@example.org", "Planétarium Autre", null, null, created);
        await InsertAsync(connection, first[0], "waitlisted", "Sacha Premier", "sacha.premier@example.org", "Association Premier", null, null, created.AddMinutes(1));
        await InsertAsync(connection, first[0], "waitlisted", "Camille Dupont", local + "@example.org", "Musée Target", "Médiatrice", null, created.AddMinutes(2));
        await InsertAsync(connection, first[0], "waitlisted", "Camille Dupont", local + "+1@example.org", "Fablab Plus Un", "Animateur", null, created.AddMinutes(3));
        await InsertAsync(connection, second[0], "confirmed", "Camille Dupont", target.ToUpperInvariant(), "Musée Target", "Cheffe de projet", "=accès fauteuil; boucle magnétique", created.AddMinutes(4));
        await InsertAsync(connection, second[0], "confirmed", "Camille Dupont", local + "@example.net", "Homonyme Sciences", "Homonyme", null, created.AddMinutes(5));
        await InsertAsync(connection, second[1], "cancelled", "Camille Dupont", target, null, null, null, created.AddMinutes(6));
        await InsertAsync(connection, second[2], "confirmed", "Alex Voisin", "dupont@example.org", "Voisinage Sciences", null, null, created.AddMinutes(7));
        await InsertAsync(connection, past[0], "confirmed", "Camille Dupont", target, "Ancienne Structure", null, null, DateTimeOffset.UtcNow.AddYears(-2).AddDays(-10));
        await using (var scope = portal.App.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<ErasePersonalData>().RunAsync(CancellationToken.None) >= 1);
        }

        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from registration where organisation = 'Ancienne Structure'"));
        return new Seed(
            target,
            local + "+1@example.org",
            [
                new("Atelier " + prefix, soon, "liste d'attente", 2, "Camille Dupont", "Musée Target", "Médiatrice", null),
                new("Forum " + prefix, soon.AddDays(1), "confirmée", null, "Camille Dupont", "Musée Target", "Cheffe de projet", "=accès fauteuil; boucle magnétique"),
                new("Forum " + prefix, soon.AddDays(2), "annulée", null, "Camille Dupont", null, null, null),
            ],
            [local + "+1", "Fablab Plus Un", "Animateur", local + "@example.net", "Homonyme", "dominique.autre", "Dominique Autre", "Planétarium Autre",
             "sacha.premier", "Sacha Premier", "Association Premier", "Alex Voisin", "Voisinage Sciences", "Ancienne Structure", "Ancien " + prefix]);
    }

    private static Task<int> InsertAsync(NpgsqlConnection connection, long session, string status, string name, string email, string? organisation, string? role, string? needs, DateTimeOffset created) =>
        connection.ExecuteAsync("""
            insert into registration (session_id, status, full_name, email, organisation, role, accessibility_needs, consent_at, idempotency_key,
                                      cancel_token_hash, created_at, confirmed_at, cancelled_at, cancelled_by)
            values (@session, @status, @name, @email, @organisation, @role, @needs, @created, @key, @hash, @created,
                    case when @status in ('confirmed', 'cancelled') then @created end,
                    case when @status = 'cancelled' then @created + interval '1 day' end,
                    case when @status = 'cancelled' then 'registrant' end)
            """, new { session, status, name, email, organisation, role, needs, created = created.UtcDateTime, key = Guid.NewGuid(), hash = RegistrationTokens.Hash(RegistrationTokens.NewToken()) });

    [GeneratedRegex(@"/mes-donnees/([A-Za-z0-9_-]{43})")]
    private static partial Regex LinkPattern();

    private sealed record Expected(string Event, DateTimeOffset Start, string Status, int? Position, string FullName, string? Organisation, string? Role, string? Needs);

    private sealed record Seed(string Target, string Similar, IReadOnlyList<Expected> Mine, IReadOnlyList<string> Others);
}
