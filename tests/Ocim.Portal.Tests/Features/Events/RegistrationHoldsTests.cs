using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Ocim.Portal.Data;
using Ocim.Portal.Features.Events;
using Ocim.Portal.Infrastructure.Mail;
using Ocim.Portal.Tests.Infrastructure;
using Ocim.Portal.Tests.Infrastructure.Mail;

namespace Ocim.Portal.Tests.Features.Events;

/// <summary>
/// Issue 15, registration floods: a registration holds its place until the address is confirmed by the mailed link;
/// lapsed holds are released and the waiting list moves on; limits per event and per address; staff cancel one
/// registrant; addresses that are not ASCII get their mail (docs/decisions/0032-registration-holds.md).
/// </summary>
public sealed partial class RegistrationHoldsTests : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    private readonly DatabaseFixture database;
    private readonly EventPortal portal;
    private HttpClient curator = null!;

    public RegistrationHoldsTests(DatabaseFixture database)
    {
        this.database = database;
        portal = new EventPortal(database.ConnectionString, new Dictionary<string, string?>
        {
            ["Events:RegistrationRateLimit:PermitLimit"] = "100000",
            ["Events:Holds:MaxPerEventPerHour"] = "5",
            ["Mail:Outbox:Enabled"] = "false",
            ["Events:Housekeeping:Enabled"] = "false",
            ["Portal:RateLimits:connexion:PerMinute"] = "1000",
        });
    }

    public async Task InitializeAsync()
    {
        var email = $"curatrice-{Guid.NewGuid():N}@exemple.test";
        await TestAccounts.CreateAsync(portal.App, email, PortalRoles.Curator);
        curator = await TestAccounts.SignedInClientAsync(portal.App, email);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        curator?.Dispose();
        portal.Dispose();
    }

    [Fact]
    public async Task A_registration_holds_its_seat_until_the_address_is_confirmed_by_the_mailed_link_on_POST_only()
    {
        await using var connection = await database.OpenAsync();
        var (_, sessions) = await EventRows.InsertAsync(connection, "retenue-confirmee", 3);
        using var visitor = portal.NewVisitor();
        await visitor.OpenFormAsync("retenue-confirmee");
        using var response = await visitor.SubmitAsync("Léa Martin", "lea.retenue@example.org");
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);

        // The next page says what to do, in French, with the deadline.
        var (_, next) = await visitor.Client.GetPageAsync(response.Headers.Location!.OriginalString);
        Assert.Equal("pending", next.QuerySelector("[data-address]")?.GetAttribute("data-address"));
        Assert.Contains("Confirmez votre adresse dans les 30 minutes", next.QuerySelector("[data-address]")!.TextContent, StringComparison.Ordinal);

        var hold = await connection.QuerySingleAsync<(string Status, DateTime? ConfirmedAt, double Minutes)>(
            "select status, address_confirmed_at, extract(epoch from hold_expires_at - created_at) / 60 from registration where session_id = @s", new { s = sessions[0] });
        Assert.Equal("confirmed", hold.Status);
        Assert.Null(hold.ConfirmedAt);
        Assert.InRange(hold.Minutes, 29.9, 30.1);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select confirmed from event_session where id = @s", new { s = sessions[0] }));

        var token = ConfirmToken(await MailBodyAsync(connection, "lea.retenue@example.org"));
        using var client = portal.NewClient();
        // GET (a mail scanner, a preview): a page with a button, nothing confirmed.
        var (get, page) = await client.GetPageAsync(RegistrationTokens.ConfirmPath(token));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.NotNull(page.QuerySelector("form[method=post] button"));
        Assert.Null(await connection.ExecuteScalarAsync<DateTime?>("select address_confirmed_at from registration where session_id = @s", new { s = sessions[0] }));

        using var post = await client.SubmitAsync(RegistrationTokens.ConfirmPath(token), RegistrationTokens.ConfirmPath(token));
        Forms.AssertRedirect(post, RegistrationTokens.ConfirmPath(token));
        Assert.NotNull(await connection.ExecuteScalarAsync<DateTime?>("select address_confirmed_at from registration where session_id = @s", new { s = sessions[0] }));
        var (_, done) = await client.GetPageAsync(RegistrationTokens.ConfirmPath(token));
        Assert.Equal("confirmed", done.QuerySelector("[data-address]")?.GetAttribute("data-address"));
        var (_, status) = await visitor.Client.GetPageAsync(response.Headers.Location!.OriginalString);
        Assert.Null(status.QuerySelector("[data-address]"));
        Assert.Equal("confirmed", status.QuerySelector("[data-registration-status]")?.GetAttribute("data-registration-status"));
    }

    [Fact]
    public async Task A_lapsed_hold_is_released_by_the_housekeeping_and_its_seat_goes_to_the_next_person_who_is_told()
    {
        await using var connection = await database.OpenAsync();
        var (_, sessions) = await EventRows.InsertAsync(connection, "retenue-expiree", 1);
        var session = sessions[0];
        await RegisterAsync("retenue-expiree", "Faux Nom", "personne.inventee@example.org");
        await RegisterAsync("retenue-expiree", "Vraie Personne", "vraie.personne@example.org");
        await ConfirmAsync(connection, "vraie.personne@example.org");
        var lapsedToken = ConfirmToken(await MailBodyAsync(connection, "personne.inventee@example.org"));

        // Nothing lapses before its deadline (the class shares its database: other tests' holds may lapse here).
        await using var scope = portal.App.Services.CreateAsyncScope();
        var release = scope.ServiceProvider.GetRequiredService<ReleaseLapsedHolds>();
        await release.RunAsync(CancellationToken.None);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from registration where session_id = @session and status = 'cancelled'", new { session }));

        // The deadline passes (moved back in the database: the test does not wait 30 minutes).
        await connection.ExecuteAsync("update registration set hold_expires_at = now() - interval '1 minute' where email = 'personne.inventee@example.org'");
        Assert.InRange(await release.RunAsync(CancellationToken.None), 1, int.MaxValue);

        var rows = (await connection.QueryAsync<(string Email, string Status, string? CancelledBy)>(
            "select email, status, cancelled_by from registration where session_id = @session order by created_at", new { session })).ToList();
        Assert.Equal([("personne.inventee@example.org", "cancelled", "unconfirmed"), ("vraie.personne@example.org", "confirmed", null)], rows);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select confirmed from event_session where id = @session", new { session }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
            "select count(*) from outbox_message where kind = 'registration-promoted' and recipient = 'vraie.personne@example.org'"));
        await release.RunAsync(CancellationToken.None);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select confirmed from event_session where id = @session", new { session }));

        // The lapsed link says so, and a POST confirms nothing.
        using var client = portal.NewClient();
        var (_, page) = await client.GetPageAsync(RegistrationTokens.ConfirmPath(lapsedToken));
        Assert.Equal("cancelled", page.QuerySelector("[data-address]")?.GetAttribute("data-address"));
        Assert.Null(page.QuerySelector("form[method=post] button"));
    }

    [Fact]
    public async Task A_hold_past_its_deadline_cannot_be_confirmed_even_before_the_housekeeping_runs()
    {
        await using var connection = await database.OpenAsync();
        await EventRows.InsertAsync(connection, "retenue-en-retard", 2);
        await RegisterAsync("retenue-en-retard", "En retard", "en.retard@example.org");
        var token = ConfirmToken(await MailBodyAsync(connection, "en.retard@example.org"));
        using var client = portal.NewClient();
        var form = (await client.GetPageAsync(RegistrationTokens.ConfirmPath(token))).Document.QuerySelector("form[method=post]")!;
        await connection.ExecuteAsync("update registration set hold_expires_at = now() - interval '1 second' where email = 'en.retard@example.org'");

        using var post = await client.PostFormAsync(form.GetAttribute("action")!, [], form.QuerySelector($"input[name={Forms.TokenField}]")!.GetAttribute("value"));

        Forms.AssertRedirect(post, RegistrationTokens.ConfirmPath(token));
        Assert.Null(await connection.ExecuteScalarAsync<DateTime?>("select address_confirmed_at from registration where email = 'en.retard@example.org'"));
        var (_, page) = await client.GetPageAsync(RegistrationTokens.ConfirmPath(token));
        Assert.Equal("lapsed", page.QuerySelector("[data-address]")?.GetAttribute("data-address"));
        Assert.Contains("Le délai pour confirmer votre adresse est dépassé", page.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flood_of_made_up_addresses_stops_at_the_events_cap_of_unconfirmed_holds_with_a_French_429()
    {
        await using var connection = await database.OpenAsync();
        var (eventId, _) = await EventRows.InsertAsync(connection, "inondation", 40);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 8; i++)
        {
            using var visitor = portal.NewVisitor();
            await visitor.OpenFormAsync("inondation");
            var response = await visitor.SubmitAsync($"Robot {i}", $"robot{i}@inexistant.example");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused ??= response;
            }
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.SeeOther, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], statuses);
        Assert.NotNull(refused!.Headers.RetryAfter);
        Assert.Contains("attendent encore la confirmation de leur adresse", (await Html.ParseAsync(refused)).QuerySelector("[role=alert]").Text(), StringComparison.Ordinal);
        Assert.Equal(5, await connection.ExecuteScalarAsync<int>(
            "select count(*) from registration r join event_session s on s.id = r.session_id where s.event_id = @eventId", new { eventId }));
        Assert.Equal(5, await connection.ExecuteScalarAsync<int>("select confirmed from event_session where event_id = @eventId", new { eventId }));

        // Confirmed addresses do not count against the cap: once one is confirmed, one more person may register.
        await ConfirmAsync(connection, "robot0@inexistant.example");
        await RegisterAsync("inondation", "Vraie personne", "vraie.inondation@example.org");
    }

    [Fact]
    public async Task An_address_with_an_unconfirmed_hold_must_confirm_it_before_taking_another_place()
    {
        await using var connection = await database.OpenAsync();
        var starts = new[] { DateTimeOffset.UtcNow.AddDays(20), DateTimeOffset.UtcNow.AddDays(21) };
        var (_, sessions) = await EventRows.InsertAsync(connection, "une-retenue-a-la-fois", 5, starts);
        await RegisterAsync("une-retenue-a-la-fois", "Sam", "sam.retenue@example.org", sessions[0]);

        using var visitor = portal.NewVisitor();
        await visitor.OpenFormAsync("une-retenue-a-la-fois", sessions[1]);
        using var response = await visitor.SubmitAsync("Sam", "SAM.Retenue@example.org");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("attend déjà la confirmation de cette adresse", (await Html.ParseAsync(response)).QuerySelector("[role=alert]").Text(), StringComparison.Ordinal);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from registration where session_id = @s", new { s = sessions[1] }));

        await ConfirmAsync(connection, "sam.retenue@example.org");
        using var again = await visitor.SubmitAsync("Sam", "SAM.Retenue@example.org");
        Assert.Equal(HttpStatusCode.SeeOther, again.StatusCode);
    }

    [Fact]
    public async Task Staff_cancel_one_registrant_who_is_told_by_mail_and_the_first_waiting_person_gets_the_seat()
    {
        await using var connection = await database.OpenAsync();
        var (eventId, sessions) = await EventRows.InsertAsync(connection, "annulation-par-l-equipe", 1);
        var (otherEvent, _) = await EventRows.InsertAsync(connection, "autre-evenement-equipe", 1);
        await RegisterAsync("annulation-par-l-equipe", "Annulée", "annulee.equipe@example.org");
        await ConfirmAsync(connection, "annulee.equipe@example.org");
        await RegisterAsync("annulation-par-l-equipe", "En attente", "attente.equipe@example.org");
        await ConfirmAsync(connection, "attente.equipe@example.org");
        var id = await connection.ExecuteScalarAsync<long>("select id from registration where email = 'annulee.equipe@example.org'");
        var registrants = $"/gestion/evenements/{eventId}/inscrits";
        var action = $"{registrants}/{id}/annuler";

        // A registration of another event is not found from this one: nothing changes.
        using var wrong = await curator.PostFormAsync(action.Replace($"/{eventId}/", $"/{otherEvent}/", StringComparison.Ordinal), [], await curator.TokenAsync(registrants, action));
        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        Assert.Equal("confirmed", await connection.ExecuteScalarAsync<string>("select status from registration where id = @id", new { id }));

        using var cancelled = await curator.SubmitAsync(registrants, action);
        Forms.AssertRedirect(cancelled, registrants);

        var rows = (await connection.QueryAsync<(string Email, string Status, string? CancelledBy)>(
            "select email, status, cancelled_by from registration where session_id = @s order by created_at", new { s = sessions[0] })).ToList();
        Assert.Equal([("annulee.equipe@example.org", "cancelled", "organiser"), ("attente.equipe@example.org", "confirmed", null)], rows);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select confirmed from event_session where id = @s", new { s = sessions[0] }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
            "select count(*) from outbox_message where kind = 'registration-cancelled-by-staff' and recipient = 'annulee.equipe@example.org'"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
            "select count(*) from outbox_message where kind = 'registration-promoted' and recipient = 'attente.equipe@example.org'"));
        var (_, page) = await curator.GetPageAsync(registrants);
        Assert.Contains("L'inscription est annulée", page.QuerySelector("[role=status]").Text(), StringComparison.Ordinal);

        // Twice: said plainly, nothing more happens.
        using var again = await curator.PostFormAsync(action, [], await curator.TokenAsync(registrants));
        Forms.AssertRedirect(again, registrants);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from outbox_message where recipient = 'annulee.equipe@example.org' and kind = 'registration-cancelled-by-staff'"));
    }

    [Fact]
    public async Task The_staff_registrants_page_tells_held_places_from_confirmed_ones()
    {
        await using var connection = await database.OpenAsync();
        var (eventId, _) = await EventRows.InsertAsync(connection, "places-retenues", 5);
        await RegisterAsync("places-retenues", "Confirmée", "confirmee.retenues@example.org");
        await ConfirmAsync(connection, "confirmee.retenues@example.org");
        await RegisterAsync("places-retenues", "Retenue", "retenue.retenues@example.org");

        var (_, page) = await curator.GetPageAsync($"/gestion/evenements/{eventId}/inscrits");

        Assert.StartsWith("1 confirmées, 1 places retenues en attente de confirmation", page.QuerySelector("[data-counts]").Text(), StringComparison.Ordinal);
        var held = page.QuerySelectorAll("tr[data-registration]").Single(r => r.TextContent.Contains("retenue.retenues@", StringComparison.Ordinal));
        Assert.Contains("place retenue, adresse à confirmer avant", held.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_address_that_is_not_ASCII_registers_and_its_mail_leaves_the_outbox()
    {
        await using var connection = await database.OpenAsync();
        await EventRows.InsertAsync(connection, "adresse-internationale", 3);
        await RegisterAsync("adresse-internationale", "Éloïse", "é@exämple.fr");

        var deliver = portal.App.Services.GetRequiredService<DeliverOutbox>();
        await deliver.RunOnceAsync(CancellationToken.None);

        var row = await connection.QuerySingleAsync<(long Id, string Status, string? LastError)>(
            "select id, status, last_error from outbox_message where recipient = 'é@exämple.fr'");
        Assert.True(row.Status == "sent", row.LastError);
        var file = Directory.EnumerateFiles(portal.MailDirectory, $"{row.Id:D8}-*.eml").Single();
        var raw = await File.ReadAllTextAsync(file);
        Assert.Equal("é@exämple.fr", MailFiles.Header(raw, "To").Trim('<', '>'));
        Assert.Contains("/inscription/confirmer/", MailFiles.Body(raw), StringComparison.Ordinal);
    }

    private async Task RegisterAsync(string slug, string name, string email, long? session = null)
    {
        using var visitor = portal.NewVisitor();
        await visitor.OpenFormAsync(slug, session);
        using var response = await visitor.SubmitAsync(name, email);
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Opens the mailed confirmation link and presses its button, as the registrant would.</summary>
    private async Task ConfirmAsync(Npgsql.NpgsqlConnection connection, string email)
    {
        var path = RegistrationTokens.ConfirmPath(ConfirmToken(await MailBodyAsync(connection, email)));
        using var client = portal.NewClient();
        using var response = await client.SubmitAsync(path, path);
        Forms.AssertRedirect(response, path);
    }

    private static async Task<string> MailBodyAsync(Npgsql.NpgsqlConnection connection, string email) =>
        await connection.QuerySingleAsync<string>(
            "select body from outbox_message where recipient = @email and kind in ('registration-confirmed', 'registration-waitlisted') order by id desc limit 1", new { email });

    private static string ConfirmToken(string body) => ConfirmLink().Match(body) is { Success: true } match
        ? match.Groups[1].Value
        : throw new InvalidOperationException("No confirmation link in:\n" + body);

    [GeneratedRegex(@"/inscription/confirmer/([A-Za-z0-9_-]+)")]
    private static partial Regex ConfirmLink();
}
