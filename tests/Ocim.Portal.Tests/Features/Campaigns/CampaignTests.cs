using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;
using Ocim.Portal.Data;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Campaigns;

/// <summary>
/// Survey campaigns end to end through HTTP: definition, invitations (population frozen, one personal link per
/// listing with an address, hashed), the questionnaire (GET changes nothing, answers stored with the campaign, listing
/// corrections kept for the curators), reminders (new link, old one dead), follow-up calls and response rates.
/// </summary>
public sealed partial class CampaignTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    private readonly string suffix = Guid.NewGuid().ToString("N")[..8];
    private PortalFactory factory = null!;
    private HttpClient curator = null!;
    private long museum;
    private long lab;
    private long noEmail;
    private long elsewhere;
    private string audience = string.Empty;

    private static string Today(int days) => DateTime.UtcNow.Date.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public async Task InitializeAsync()
    {
        factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        // A family of this test only, so that the population is exactly these listings.
        var family = "enquete-" + suffix;
        await connection.ExecuteAsync("insert into actor_family (slug, name, default_circle, sort_order) values (@family, @name, 1, 999)",
            new { family, name = "Famille d'enquête " + suffix });
        museum = await ActorRows.InsertAsync(connection, "Musée enquêté", 1, family, 5.0415, 47.322, "21231");
        lab = await ActorRows.InsertAsync(connection, "Labo enquêté", 2, family, 5.05, 47.33, "21231");
        noEmail = await ActorRows.InsertAsync(connection, "Fablab sans adresse", 1, family, 5.03, 47.31, "21231");
        elsewhere = await ActorRows.InsertAsync(connection, "Musée lyonnais", 1, family, 4.8357, 45.764, "69123");
        await ActorRows.InsertAsync(connection, "Brouillon enquêté", 1, family, 5.04, 47.32, "21231", status: "draft");
        await connection.ExecuteAsync("update actor set email = 'musee-' || @suffix || '@exemple.test', website = 'https://musee.exemple.test' where id = @museum", new { museum, suffix });
        await connection.ExecuteAsync("update actor set email = 'labo-' || @suffix || '@exemple.test' where id = @lab", new { lab, suffix });
        await connection.ExecuteAsync("update actor set email = 'lyon-' || @suffix || '@exemple.test' where id = @elsewhere", new { elsewhere, suffix });
        audience = await connection.ExecuteScalarAsync<string>("select slug from actor_vocabulary where kind = 'audience' order by sort_order limit 1") ?? "";

        await TestAccounts.CreateAsync(factory, $"curatrice-{suffix}@exemple.test", PortalRoles.Curator);
        curator = await TestAccounts.SignedInClientAsync(factory, $"curatrice-{suffix}@exemple.test");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        curator.Dispose();
        factory.Dispose();
    }

    [Fact]
    public async Task A_bad_definition_is_refused_with_French_messages_and_writes_nothing()
    {
        var response = await curator.SubmitAsync("/gestion/campagnes", "/gestion/campagnes",
            ("Title", ""), ("Year", "1800"), ("Population", "/acteurs?cercle=9"), ("OpensOn", Today(5)), ("ClosesOn", Today(1)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var summary = (await response.ReadPageAsync()).QuerySelector(".error-summary").Text();
        Assert.Contains("Donnez un titre", summary, StringComparison.Ordinal);
        Assert.Contains("entre 2000 et 2100", summary, StringComparison.Ordinal);
        Assert.Contains("cercle", summary, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("La clôture ne peut précéder l'ouverture", summary, StringComparison.Ordinal);
        await using var connection = await database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from campaign where title like '%' || @suffix", new { suffix }));
    }

    [Fact]
    public async Task Invitations_freeze_the_population_and_mail_one_hashed_personal_link_per_listing_with_an_address()
    {
        var id = await CreateCampaignAsync(region: "27");

        var sent = await curator.SubmitAsync($"/gestion/campagnes/{id}", $"/gestion/campagnes/{id}/invitations");
        Forms.AssertRedirect(sent, $"/gestion/campagnes/{id}");

        await using var connection = await database.OpenAsync();
        var recipients = (await connection.QueryAsync<(long ActorId, string? Email, byte[]? TokenHash)>(
            "select actor_id, email, token_hash from campaign_recipient where campaign_id = @id order by actor_id", new { id })).ToList();
        Assert.Equal(new[] { museum, lab, noEmail }.Order(), recipients.Select(r => r.ActorId));
        Assert.Null(recipients.Single(r => r.ActorId == noEmail).TokenHash);

        var mails = await MailsAsync(connection, id);
        Assert.Equal([$"labo-{suffix}@exemple.test", $"musee-{suffix}@exemple.test"], mails.Select(m => m.Recipient).Order());
        foreach (var mail in mails)
        {
            var token = TokenIn(mail.Body);
            var recipient = recipients.Single(r => r.Email == mail.Recipient);
            Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(token)), recipient.TokenHash);
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>(
                "select count(*) from campaign_recipient where encode(token_hash, 'escape') like '%' || @token || '%' or email = @token", new { token }));
        }

        // Sending again: nobody new in the population, nobody mailed twice.
        await curator.SubmitAsync($"/gestion/campagnes/{id}", $"/gestion/campagnes/{id}/invitations");
        Assert.Equal(2, (await MailsAsync(connection, id)).Count);
        Assert.Equal(3, await connection.ExecuteScalarAsync<long>("select count(*) from campaign_recipient where campaign_id = @id", new { id }));
    }

    [Fact]
    public async Task The_questionnaire_changes_nothing_when_read_stores_answers_and_keeps_listing_corrections_for_the_curators()
    {
        var id = await CreateCampaignAsync(region: "27");
        await curator.SubmitAsync($"/gestion/campagnes/{id}", $"/gestion/campagnes/{id}/invitations");
        await using var connection = await database.OpenAsync();
        var link = await LinkForAsync(connection, id, $"musee-{suffix}@exemple.test");
        using var visitor = factory.CreatePageClient();

        var (read, page) = await visitor.GetPageAsync(link);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("https://musee.exemple.test", page.QuerySelector("#Website")?.GetAttribute("value"));
        Assert.Equal("no-referrer", read.Headers.GetValues("Referrer-Policy").Single());
        Assert.Null(await connection.ExecuteScalarAsync<DateTime?>("select responded_at from campaign_recipient where actor_id = @museum", new { museum }));

        var refused = await visitor.SubmitAsync(link, link, ("Active", "true"), ("Attendance", "-5"), ("Audiences", "inexistant"), ("Website", "pas une adresse"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = (await refused.ReadPageAsync()).QuerySelector(".error-summary").Text();
        Assert.Contains("fréquentation", errors, StringComparison.Ordinal);
        Assert.Contains("publics", errors, StringComparison.Ordinal);
        Assert.Contains("http://", errors, StringComparison.Ordinal);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from campaign_response where campaign_id = @id", new { id }));

        var saved = await visitor.SubmitAsync(link, link, ("Active", "true"), ("Audiences", audience), ("ActionsCount", "12"),
            ("Attendance", "120"), ("DurationHours", "1.5"), ("Website", "https://nouveau.exemple.test"), ("Phone", "03 80 00 00 00"), ("Email", $"musee-{suffix}@exemple.test"));
        Forms.AssertRedirect(saved, link);
        var again = await visitor.SubmitAsync(link, link, ("Active", "true"), ("Audiences", audience), ("ActionsCount", "12"),
            ("Attendance", "150"), ("DurationHours", "1.5"), ("Website", "https://nouveau.exemple.test"), ("Phone", "03 80 00 00 00"), ("Email", $"musee-{suffix}@exemple.test"));
        Forms.AssertRedirect(again, link);

        var response = await connection.QuerySingleAsync<(int Attendance, decimal DurationHours, string Changes)>(
            "select attendance, duration_hours, listing_changes::text from campaign_response where campaign_id = @id", new { id });
        Assert.Equal(150, response.Attendance);
        Assert.Equal(1.5m, response.DurationHours);
        var changes = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string?>>(response.Changes)!;
        Assert.Equal(new Dictionary<string, string?> { ["website"] = "https://nouveau.exemple.test", ["phone"] = "03 80 00 00 00" }, changes);
        Assert.Equal("https://musee.exemple.test", await connection.ExecuteScalarAsync<string>("select website from actor where id = @museum", new { museum }));
        Assert.NotNull(await connection.ExecuteScalarAsync<DateTime?>("select responded_at from campaign_recipient where actor_id = @museum", new { museum }));
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>(
            "select count(*) from audit_log where action = 'campaign.response.submitted' and entity_id = @museum", new { museum }));

        var (unknown, _) = await visitor.GetPageAsync("/questionnaire/" + new string('A', 43));
        var (malformed, _) = await visitor.GetPageAsync("/questionnaire/x'%20or%201=1");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
    }

    [Fact]
    public async Task A_closed_campaign_refuses_answers_with_410_and_writes_nothing()
    {
        var id = await CreateCampaignAsync(region: "27", opens: -30, closes: -1);
        await curator.SubmitAsync($"/gestion/campagnes/{id}", $"/gestion/campagnes/{id}/invitations");
        await using var connection = await database.OpenAsync();
        var link = await LinkForAsync(connection, id, $"labo-{suffix}@exemple.test");
        using var visitor = factory.CreatePageClient();

        var (page, document) = await visitor.GetPageAsync(link);
        Assert.Contains("n'est pas ouvert", document.QuerySelector("main").Text(), StringComparison.Ordinal);
        var response = await visitor.SubmitAsync(link, link, ("Active", "false"));

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from campaign_response where campaign_id = @id", new { id }));
    }

    [Fact]
    public async Task Reminders_go_to_non_respondents_only_with_a_new_link_that_replaces_the_old_one()
    {
        var id = await CreateCampaignAsync(region: "27");
        await curator.SubmitAsync($"/gestion/campagnes/{id}", $"/gestion/campagnes/{id}/invitations");
        await using var connection = await database.OpenAsync();
        var museumLink = await LinkForAsync(connection, id, $"musee-{suffix}@exemple.test");
        var labLink = await LinkForAsync(connection, id, $"labo-{suffix}@exemple.test");
        using var visitor = factory.CreatePageClient();
        Forms.AssertRedirect(await visitor.SubmitAsync(museumLink, museumLink, ("Active", "false")), museumLink);

        var reminded = await curator.SubmitAsync($"/gestion/campagnes/{id}", $"/gestion/campagnes/{id}/relances");
        Forms.AssertRedirect(reminded, $"/gestion/campagnes/{id}");

        var reminders = (await MailsAsync(connection, id)).Where(m => m.Kind == "campaign-reminder").ToList();
        var reminder = Assert.Single(reminders);
        Assert.Equal($"labo-{suffix}@exemple.test", reminder.Recipient);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync(new Uri(labLink, UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync(new Uri("/questionnaire/" + TokenIn(reminder.Body), UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Response_rates_and_IRC_are_counted_by_region_circle_and_family_and_calls_are_logged()
    {
        var id = await CreateCampaignAsync(region: null);
        await curator.SubmitAsync($"/gestion/campagnes/{id}", $"/gestion/campagnes/{id}/invitations");
        await using var connection = await database.OpenAsync();
        var link = await LinkForAsync(connection, id, $"musee-{suffix}@exemple.test");
        using var visitor = factory.CreatePageClient();
        await visitor.SubmitAsync(link, link, ("Active", "true"), ("Attendance", "120"), ("DurationHours", "1.5"));

        var (page, document) = await curator.GetPageAsync($"/gestion/campagnes/{id}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        string Row(string caption, string label) => Html.Squash(string.Join(" ", document.QuerySelectorAll("table.data")
            .Single(t => t.QuerySelector("caption").Text() == caption)
            .QuerySelectorAll("tbody tr").Single(r => r.QuerySelector("th").Text() == label).Children.Select(c => c.Text())));

        // 4 recipients (the draft is not in the population): 3 in Bourgogne-Franche-Comté, 1 in Auvergne-Rhône-Alpes.
        Assert.Equal("Bourgogne-Franche-Comté 3 1 33 % 180", Row("Réponses par région", "Bourgogne-Franche-Comté"));
        Assert.Equal("Auvergne-Rhône-Alpes 1 0 0 % —", Row("Réponses par région", "Auvergne-Rhône-Alpes"));
        Assert.EndsWith("3 1 33 % 180", Row("Réponses par cercle", "Cercle 1 : la CSTI est l'activité principale"), StringComparison.Ordinal);
        Assert.Contains(document.QuerySelectorAll("svg path.share-2"), p => p.QuerySelector("title").Text() == "Bourgogne-Franche-Comté");

        var logged = await curator.SubmitAsync($"/gestion/campagnes/{id}/suivi", $"/gestion/campagnes/{id}/appels",
            ("ActorId", noEmail.ToString(CultureInfo.InvariantCulture)), ("Outcome", "message"), ("Note", "rappeler lundi"));
        Forms.AssertRedirect(logged, $"/gestion/campagnes/{id}/suivi");
        var outsider = await curator.SubmitAsync($"/gestion/campagnes/{id}/suivi", $"/gestion/campagnes/{id}/appels",
            ("ActorId", "999999999"), ("Outcome", "joint"));
        Assert.Equal(HttpStatusCode.BadRequest, outsider.StatusCode);
        var badOutcome = await curator.SubmitAsync($"/gestion/campagnes/{id}/suivi", $"/gestion/campagnes/{id}/appels",
            ("ActorId", noEmail.ToString(CultureInfo.InvariantCulture)), ("Outcome", "'; drop table campaign_call; --"));
        Assert.Equal(HttpStatusCode.BadRequest, badOutcome.StatusCode);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("select count(*) from campaign_call where campaign_id = @id", new { id }));
        var (_, followUp) = await curator.GetPageAsync($"/gestion/campagnes/{id}/suivi");
        Assert.Contains("message laissé", followUp.QuerySelectorAll("tbody tr").Single(r => r.QuerySelector("th").Text() == "Fablab sans adresse").TextContent, StringComparison.Ordinal);
    }

    private async Task<long> CreateCampaignAsync(string? region, int opens = -1, int closes = 30)
    {
        var population = $"/acteurs?famille=enquete-{suffix}" + (region is null ? "" : $"&region={region}");
        var response = await curator.SubmitAsync("/gestion/campagnes", "/gestion/campagnes",
            ("Title", $"Enquête annuelle {suffix}"), ("Year", "2025"), ("Population", population), ("OpensOn", Today(opens)), ("ClosesOn", Today(closes)));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return long.Parse(response.Headers.Location!.OriginalString.Split('/').Last(), CultureInfo.InvariantCulture);
    }

    private static async Task<List<(string Kind, string Recipient, string Body)>> MailsAsync(NpgsqlConnection connection, long campaign) =>
        (await connection.QueryAsync<(string Kind, string Recipient, string Body)>(
            "select kind, recipient, body from outbox_message where deduplication_key like 'campaign:' || @campaign || ':%' order by id",
            new { campaign })).ToList();

    private static async Task<string> LinkForAsync(NpgsqlConnection connection, long campaign, string email) =>
        "/questionnaire/" + TokenIn((await MailsAsync(connection, campaign)).Last(m => m.Recipient == email).Body);

    private static string TokenIn(string body) => LinkPattern().Match(body).Groups[1].Value is { Length: 43 } token
        ? token
        : throw new InvalidOperationException("no questionnaire link in: " + body);

    [GeneratedRegex("/questionnaire/([A-Za-z0-9_-]{43})")]
    private static partial Regex LinkPattern();
}
