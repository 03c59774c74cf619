using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Ocim.Portal.Features.Events;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Events;

/// <summary>Registration, cancellation and promotion through HTTP on the real database (QUALITY.md §1.3 R2, R4–R7; §2 S3).</summary>
public sealed partial class RegistrationTests : IClassFixture<DatabaseFixture>, IDisposable
{
    private readonly DatabaseFixture database;
    private readonly EventPortal portal;

    public RegistrationTests(DatabaseFixture database)
    {
        this.database = database;
        portal = new EventPortal(database.ConnectionString + ";Maximum Pool Size=40", new Dictionary<string, string?>
        {
            ["Events:RegistrationRateLimit:PermitLimit"] = "100000",
            ["Mail:Outbox:Enabled"] = "false",
            ["Events:Housekeeping:Enabled"] = "false",
        });
    }

    public void Dispose() => portal.Dispose();

    [Fact]
    public async Task A_registration_takes_a_seat_and_writes_the_confirmation_with_a_cancel_link_to_the_outbox()
    {
        await using var connection = await database.OpenAsync();
        var (_, sessions) = await EventRows.InsertAsync(connection, "premiere-inscription", 3, title: "Atelier « sciences & société »");
        using var visitor = portal.NewVisitor();
        await visitor.OpenFormAsync("premiere-inscription");

        using var response = await visitor.SubmitAsync("Léa Martin", "Lea.Martin@Example.org", organisation: "Muséum de Dijon");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var (page, document) = await visitor.Client.GetPageAsync(response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("confirmed", document.QuerySelector("[data-registration-status]")?.GetAttribute("data-registration-status"));
        Assert.DoesNotContain("Lea.Martin", document.Body!.TextContent, StringComparison.OrdinalIgnoreCase);

        var row = await connection.QuerySingleAsync<(string Status, string Email, string Organisation, byte[] CancelTokenHash)>(
            "select status, email, organisation, cancel_token_hash from registration where session_id = @s", new { s = sessions[0] });
        Assert.Equal(("confirmed", "Lea.Martin@Example.org", "Muséum de Dijon"), (row.Status, row.Email, row.Organisation));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select confirmed from event_session where id = @s", new { s = sessions[0] }));

        var mail = await connection.QuerySingleAsync<(string Kind, string Recipient, string Subject, string Body)>(
            "select kind, recipient, subject, body from outbox_message where recipient = 'Lea.Martin@Example.org'");
        Assert.Equal("registration-confirmed", mail.Kind);
        Assert.Equal("Confirmez votre inscription : Atelier « sciences & société »", mail.Subject);
        var token = CancelToken(mail.Body);
        Assert.Equal(43, token.Length); // 256 bits, base64url
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token)), row.CancelTokenHash);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>(
            "select count(*) from registration where encode(cancel_token_hash, 'escape') like '%' || @token || '%'", new { token }));
    }

    [Fact]
    public async Task R2_concurrent_cancellations_hand_their_seats_to_the_earliest_waiting_people_and_never_overbook()
    {
        await using var connection = await database.OpenAsync();
        var (_, sessions) = await EventRows.InsertAsync(connection, "annulations-concurrentes", 30);
        var session = sessions[0];
        for (var i = 0; i < 40; i++)
        {
            await RegisterAsync("annulations-concurrentes", $"Personne {i}", $"r2.personne{i}@example.org");
        }

        var waitingBefore = (await connection.QueryAsync<string>(
            "select email from registration where session_id = @session and status = 'waitlisted' order by created_at, id", new { session })).ToList();
        Assert.Equal(10, waitingBefore.Count);
        var cancelling = Enumerable.Range(0, 5).Select(i => $"r2.personne{i * 3}@example.org").ToList();
        var tokens = new List<string>();
        foreach (var email in cancelling)
        {
            tokens.Add(CancelToken(await connection.QuerySingleAsync<string>(
                "select body from outbox_message where recipient = @email and kind = 'registration-confirmed'", new { email })));
        }

        // A sampler reads the seats every 50 ms while 5 cancellations and 20 new registrations run at once.
        using var stop = new CancellationTokenSource();
        var samples = new List<(int Counter, int Rows)>();
        var sampler = Task.Run(async () =>
        {
            await using var sampling = await database.OpenAsync();
            while (!stop.IsCancellationRequested)
            {
                samples.Add(await sampling.QuerySingleAsync<(int, int)>(
                    "select confirmed, (select count(*)::int from registration where session_id = s.id and status = 'confirmed') from event_session s where id = @session",
                    new { session }));
                await Task.Delay(50);
            }
        });

        var cancellations = tokens.Select(CancelAsync).ToList();
        var newcomers = Enumerable.Range(0, 20).Select(i => RegisterAsync("annulations-concurrentes", $"Nouvelle {i}", $"r2.nouvelle{i}@example.org")).ToList();
        await Task.WhenAll(cancellations.Cast<Task>().Concat(newcomers)).WaitAsync(TimeSpan.FromMinutes(1));
        await stop.CancelAsync();
        await sampler;

        Assert.All(await Task.WhenAll(cancellations), status => Assert.Equal(HttpStatusCode.SeeOther, status));
        Assert.All(await Task.WhenAll(newcomers), location => Assert.StartsWith("/evenements/inscription/", location, StringComparison.Ordinal));
        Assert.NotEmpty(samples);
        Assert.All(samples, sample => Assert.True(sample.Counter <= 30 && sample.Rows <= 30, $"sampled {sample}"));
        var final = await connection.QuerySingleAsync<(int Counter, int Rows)>(
            "select confirmed, (select count(*)::int from registration where session_id = s.id and status = 'confirmed') from event_session s where id = @session", new { session });
        Assert.Equal((30, 30), final);

        // The five earliest waiting people got the seats, each told once; the newcomers queue behind the others.
        var promoted = (await connection.QueryAsync<string>(
            "select email from registration where session_id = @session and promoted_at is not null order by created_at, id", new { session })).ToList();
        Assert.Equal(waitingBefore.Take(5), promoted);
        foreach (var email in promoted)
        {
            Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
                "select count(*) from outbox_message where recipient = @email and kind = 'registration-promoted'", new { email }));
        }

        Assert.Equal(25, await connection.ExecuteScalarAsync<int>(
            "select count(*) from registration where session_id = @session and status = 'waitlisted'", new { session }));
        Assert.Equal(5, await connection.ExecuteScalarAsync<int>(
            "select count(*) from registration where session_id = @session and status = 'cancelled'", new { session }));
    }

    [Fact]
    public async Task R4_the_same_form_posted_twice_10_ms_apart_is_one_registration_and_both_answers_lead_to_it()
    {
        await using var connection = await database.OpenAsync();
        var (_, sessions) = await EventRows.InsertAsync(connection, "double-clic", 5);
        using var visitor = portal.NewVisitor();
        await visitor.OpenFormAsync("double-clic");

        var first = visitor.SubmitAsync("Camille Durand", "camille@example.org");
        await Task.Delay(10);
        var second = visitor.SubmitAsync("Camille Durand", "camille@example.org");
        using var one = await first;
        using var two = await second;

        Assert.Equal((HttpStatusCode.SeeOther, HttpStatusCode.SeeOther), (one.StatusCode, two.StatusCode));
        Assert.Equal(one.Headers.Location, two.Headers.Location);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from registration where session_id = @s", new { s = sessions[0] }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select confirmed from event_session where id = @s", new { s = sessions[0] }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from outbox_message where recipient = 'camille@example.org'"));
    }

    [Fact]
    public async Task R5_the_same_address_in_another_case_on_a_new_form_is_told_it_is_already_registered()
    {
        await using var connection = await database.OpenAsync();
        var (_, sessions) = await EventRows.InsertAsync(connection, "deja-inscrit", 5);
        await RegisterAsync("deja-inscrit", "Sam Petit", "sam.petit@example.org");

        using var visitor = portal.NewVisitor();
        await visitor.OpenFormAsync("deja-inscrit");
        using var response = await visitor.SubmitAsync("Sam Petit", "SAM.Petit@EXAMPLE.org");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Contains("Vous êtes déjà inscrit·e", page.QuerySelector("[role=alert]").Text(), StringComparison.Ordinal);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from registration where session_id = @s", new { s = sessions[0] }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select confirmed from event_session where id = @s", new { s = sessions[0] }));
    }

    [Fact]
    public async Task R6_capacity_cannot_drop_below_the_confirmed_seats_and_raising_it_promotes_exactly_the_new_seats()
    {
        await using var connection = await database.OpenAsync();
        var (_, sessions) = await EventRows.InsertAsync(connection, "capacite", 30);
        var session = sessions[0];
        for (var i = 0; i < 38; i++)
        {
            await RegisterAsync("capacite", $"Personne {i}", $"r6.personne{i}@example.org");
        }

        await using var scope = portal.App.Services.CreateAsyncScope();
        var change = scope.ServiceProvider.GetRequiredService<ChangeSessionCapacity>();

        var refused = await change.RunAsync(session, 29, "http://localhost", CancellationToken.None);
        Assert.Equal(CapacityChangeResult.BelowConfirmed, refused.Result);
        Assert.Equal((30, 30), await connection.QuerySingleAsync<(int, int)>("select capacity, confirmed from event_session where id = @session", new { session }));

        var raised = await change.RunAsync(session, 35, "http://localhost", CancellationToken.None);
        Assert.Equal(new CapacityChange(CapacityChangeResult.Changed, 35, 5), raised);
        Assert.Equal((35, 35), await connection.QuerySingleAsync<(int, int)>("select capacity, confirmed from event_session where id = @session", new { session }));
        var promoted = (await connection.QueryAsync<string>(
            "select email from registration where session_id = @session and promoted_at is not null order by created_at, id", new { session })).ToList();
        Assert.Equal(Enumerable.Range(30, 5).Select(i => $"r6.personne{i}@example.org"), promoted);
        Assert.Equal(5, await connection.ExecuteScalarAsync<int>("select count(*) from outbox_message where kind = 'registration-promoted' and recipient like 'r6.%'"));
    }

    [Fact]
    public async Task R7_a_session_locked_beyond_the_lock_timeout_gives_a_French_503_with_Retry_After_and_writes_nothing()
    {
        await using var connection = await database.OpenAsync();
        var (_, sessions) = await EventRows.InsertAsync(connection, "verrou", 5);
        using var visitor = portal.NewVisitor();
        await visitor.OpenFormAsync("verrou");

        // Another transaction holds the session row (for longer than the 3-second lock timeout).
        await using var side = await database.OpenAsync();
        await using var held = await side.BeginTransactionAsync();
        await side.ExecuteAsync("select 1 from event_session where id = @s for update", new { s = sessions[0] }, held);
        using var response = await visitor.SubmitAsync("Alex Morel", "alex@example.org");
        await held.RollbackAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("Rien n'a été enregistré", (await Html.ParseAsync(response)).QuerySelector("[role=alert]").Text(), StringComparison.Ordinal);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from registration where session_id = @s", new { s = sessions[0] }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from outbox_message where recipient = 'alex@example.org'"));

        // Once the lock is gone, the same form goes through.
        using var retry = await visitor.SubmitAsync("Alex Morel", "alex@example.org");
        Assert.Equal(HttpStatusCode.SeeOther, retry.StatusCode);
    }

    [Theory]
    [InlineData("", "valide@example.org", true, "Indiquez vos prénom et nom.")]
    [InlineData("Nom", "pas-une-adresse", true, "L'adresse électronique n'est pas valide")]
    [InlineData("Nom", "a@example.org\r\nBcc: x@example.org", true, "L'adresse électronique n'est pas valide")]
    [InlineData("Nom", "sans-consentement@example.org", false, "Cochez la case")]
    public async Task Invalid_forms_are_refused_with_French_messages_and_write_nothing(string name, string email, bool consent, string message)
    {
        await using var connection = await database.OpenAsync();
        var slug = "invalide-" + Guid.NewGuid().ToString("N")[..8];
        var (_, sessions) = await EventRows.InsertAsync(connection, slug, 5);
        using var visitor = portal.NewVisitor();
        await visitor.OpenFormAsync(slug);

        using var response = await visitor.SubmitAsync(name, email, consent);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await Html.ParseAsync(response)).QuerySelector("#erreurs").Text(), StringComparison.Ordinal);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from registration where session_id = @s", new { s = sessions[0] }));
    }

    [Fact]
    public async Task A_filled_honeypot_registers_nothing()
    {
        await using var connection = await database.OpenAsync();
        var (_, sessions) = await EventRows.InsertAsync(connection, "pot-de-miel", 5);
        using var visitor = portal.NewVisitor();
        await visitor.OpenFormAsync("pot-de-miel");

        using var response = await visitor.SubmitAsync("Robot", "robot@example.org", website: "https://spam.example");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from registration where session_id = @s", new { s = sessions[0] }));
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused()
    {
        await using var connection = await database.OpenAsync();
        var (_, sessions) = await EventRows.InsertAsync(connection, "sans-jeton", 5);
        using var client = portal.NewClient();

        using var response = await client.PostAsync(new Uri("/evenements/sans-jeton/inscription", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Session"] = sessions[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FullName"] = "Sans jeton",
            ["Email"] = "sans-jeton@example.org",
            ["Consent"] = "true",
            ["Key"] = Guid.NewGuid().ToString(),
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from registration where session_id = @s", new { s = sessions[0] }));
    }

    [Fact]
    public async Task Registrations_beyond_the_rate_limit_get_429_with_Retry_After()
    {
        await using var connection = await database.OpenAsync();
        await EventRows.InsertAsync(connection, "limite", 50);
        using var limited = new EventPortal(database.ConnectionString, new Dictionary<string, string?>
        {
            ["Events:RegistrationRateLimit:PermitLimit"] = "3",
            ["Events:RegistrationRateLimit:WindowSeconds"] = "600",
            ["Mail:Outbox:Enabled"] = "false",
            ["Events:Housekeeping:Enabled"] = "false",
        });

        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            using var visitor = limited.NewVisitor();
            await visitor.OpenFormAsync("limite");
            statuses.Add(await visitor.SubmitAsync($"Personne {i}", $"limite{i}@example.org"));
        }

        Assert.Equal([HttpStatusCode.SeeOther, HttpStatusCode.SeeOther, HttpStatusCode.SeeOther, HttpStatusCode.TooManyRequests], statuses.Select(r => r.StatusCode));
        Assert.NotNull(statuses[3].Headers.RetryAfter);
        Assert.Contains("Trop de requêtes", await statuses[3].Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(3, await connection.ExecuteScalarAsync<int>("select count(*) from registration where email like 'limite%'"));
        statuses.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task The_cancel_link_shows_a_confirmation_page_cancels_on_POST_only_and_then_serves_no_more()
    {
        await using var connection = await database.OpenAsync();
        var (_, sessions) = await EventRows.InsertAsync(connection, "lien-annulation", 1);
        await RegisterAsync("lien-annulation", "Première", "premiere@example.org");
        await RegisterAsync("lien-annulation", "Seconde", "seconde@example.org");
        var token = CancelToken(await connection.QuerySingleAsync<string>("select body from outbox_message where recipient = 'premiere@example.org'"));
        using var client = portal.NewClient();

        // GET twice: a page with a button, nothing consumed.
        for (var i = 0; i < 2; i++)
        {
            var (get, page) = await client.GetPageAsync(RegistrationTokens.CancelPath(token));
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.NotNull(page.QuerySelector("form[method=post] button"));
        }

        Assert.Equal("confirmed", await connection.ExecuteScalarAsync<string>("select status from registration where email = 'premiere@example.org'"));

        var form = (await client.GetPageAsync(RegistrationTokens.CancelPath(token))).Document.QuerySelector("form[method=post]")!;
        using var post = await client.PostAsync(new Uri(form.GetAttribute("action")!, UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
        }));
        Assert.Equal(HttpStatusCode.SeeOther, post.StatusCode);

        Assert.Equal(("cancelled", "confirmed"), await connection.QuerySingleAsync<(string, string)>(
            "select (select status from registration where email = 'premiere@example.org'), (select status from registration where email = 'seconde@example.org')"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select confirmed from event_session where id = @s", new { s = sessions[0] }));

        // Used: a French page that says so, no form; a second POST changes nothing.
        var (after, afterPage) = await client.GetPageAsync(RegistrationTokens.CancelPath(token));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("cancelled", afterPage.QuerySelector("[data-registration-status]")?.GetAttribute("data-registration-status"));
        Assert.Null(afterPage.QuerySelector("form[method=post] button"));
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("trop-court")]
    [InlineData("%27%20or%201%3D1--")]
    public async Task An_unknown_or_malformed_cancel_token_is_a_French_404(string token)
    {
        using var client = portal.NewClient();

        var (response, page) = await client.GetPageAsync("/inscription/annuler/" + token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page introuvable", page.Title, StringComparison.Ordinal);
    }

    /// <summary>Registers one person through the form; returns where the POST sent them.</summary>
    private async Task<string> RegisterAsync(string slug, string name, string email)
    {
        using var visitor = portal.NewVisitor();
        await visitor.OpenFormAsync(slug);
        using var response = await visitor.SubmitAsync(name, email);
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response.Headers.Location!.OriginalString;
    }

    private async Task<HttpStatusCode> CancelAsync(string token)
    {
        using var client = portal.NewClient();
        var (_, page) = await client.GetPageAsync(RegistrationTokens.CancelPath(token));
        var form = page.QuerySelector("form[method=post]")!;
        using var response = await client.PostAsync(new Uri(form.GetAttribute("action")!, UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
        }));
        return response.StatusCode;
    }

    private static string CancelToken(string body) => CancelLink().Match(body) is { Success: true } match
        ? match.Groups[1].Value
        : throw new InvalidOperationException("No cancel link in:\n" + body);

    [GeneratedRegex(@"/inscription/annuler/([A-Za-z0-9_-]+)")]
    private static partial Regex CancelLink();
}
