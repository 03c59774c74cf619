using System.Net;
using System.Text;
using Dapper;
using Ocim.Portal.Data;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Events;

/// <summary>The staff pages of the events, signed in as a curator, through HTTP and the real forms.</summary>
public sealed class StaffEventsTests : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    private readonly DatabaseFixture database;
    private readonly EventPortal portal;
    private HttpClient curator = null!;

    public StaffEventsTests(DatabaseFixture database)
    {
        this.database = database;
        portal = new EventPortal(database.ConnectionString, new Dictionary<string, string?>
        {
            ["Mail:Outbox:Enabled"] = "false",
            ["Events:Housekeeping:Enabled"] = "false",
            ["Events:RegistrationRateLimit:PermitLimit"] = "100000",
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
    public async Task A_curator_creates_an_event_whose_venue_resolves_to_its_commune_and_adds_a_session_in_Paris_time()
    {
        await using var connection = await database.OpenAsync();
        using var created = await curator.SubmitAsync("/gestion/evenements/nouveau", "/gestion/evenements/nouveau",
            ("Title", "Journée d'étude : musées & tiers-lieux"), ("Kind", "journee-etude"), ("Status", "published"), ("AttendanceMode", "presentiel"),
            ("VenueName", "La Coursive Boutaric"), ("VenueAddress", "2 rue Boutaric"), ("VenuePostalCode", "21000"), ("CommuneCode", "21231"),
            ("OrganiserName", "Ocim"), ("Partners", "La Coursive Boutaric\nConsortium SAPS UBFC"), ("IsFree", "true"), ("RegistrationRequired", "true"),
            ("Themes", "astronomie"));

        Assert.Equal(HttpStatusCode.SeeOther, created.StatusCode);
        var id = long.Parse(created.Headers.Location!.OriginalString.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
        var row = await connection.QuerySingleAsync<(string Slug, string CommuneCode, string DepartmentCode, string RegionCode, double Longitude)>(
            "select slug, commune_code, department_code, region_code, longitude from event where id = @id", new { id });
        Assert.Equal(("journee-d-etude-musees-tiers-lieux", "21231", "21", "27"), (row.Slug, row.CommuneCode, row.DepartmentCode, row.RegionCode));
        Assert.InRange(row.Longitude, 4.9, 5.2);
        Assert.Equal(["La Coursive Boutaric", "Consortium SAPS UBFC"], await connection.QueryAsync<string>("select name from event_partner where event_id = @id order by position", new { id }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from audit_log where entity = 'event' and entity_id = @id and action = 'event.created'", new { id }));

        using var session = await curator.SubmitAsync($"/gestion/evenements/{id}", $"/gestion/evenements/{id}/seances",
            ("startsAt", "2031-07-03T09:30"), ("endsAt", "2031-07-03T17:00"), ("capacity", "40"));
        Assert.Equal(HttpStatusCode.SeeOther, session.StatusCode);
        var stored = await connection.QuerySingleAsync<(DateTime Start, DateTime End, int Capacity)>(
            "select starts_at, ends_at, capacity from event_session where event_id = @id", new { id });
        Assert.Equal((new DateTime(2031, 7, 3, 7, 30, 0), new DateTime(2031, 7, 3, 15, 0, 0), 40), (stored.Start, stored.End, stored.Capacity));

        var (page, document) = await curator.GetPageAsync("/evenements/journee-d-etude-musees-tiers-lieux");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Dijon (21)", document.QuerySelector("dl.facts").Text(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CommuneCode", "99999", "Aucune commune n'a ce code INSEE.")]
    [InlineData("OnlineUrl", "javascript:alert(1)", "Le lien de connexion doit commencer par https://.")]
    [InlineData("Slug", "Pas Une Adresse", "L'adresse ne peut contenir que des lettres minuscules")]
    public async Task A_bad_event_form_is_refused_with_a_French_message_and_nothing_is_written(string field, string value, string message)
    {
        await using var connection = await database.OpenAsync();
        var before = await connection.ExecuteScalarAsync<int>("select count(*) from event");
        var fields = new Dictionary<string, string>
        {
            ["Title"] = "Atelier refusé " + Guid.NewGuid().ToString("N")[..6],
            ["Kind"] = "atelier",
            ["Status"] = "draft",
            ["AttendanceMode"] = "presentiel",
            ["OrganiserName"] = "Ocim",
            [field] = value,
        };

        using var response = await curator.SubmitAsync("/gestion/evenements/nouveau", "/gestion/evenements/nouveau", fields.Select(f => (f.Key, f.Value)).ToArray());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await Html.ParseAsync(response)).QuerySelector("#erreurs").Text(), StringComparison.Ordinal);
        Assert.Equal(before, await connection.ExecuteScalarAsync<int>("select count(*) from event"));
    }

    [Fact]
    public async Task R6_over_HTTP_lowering_capacity_below_the_confirmed_seats_is_a_400_and_raising_it_promotes_the_waiting_list()
    {
        await using var connection = await database.OpenAsync();
        var (eventId, sessions) = await EventRows.InsertAsync(connection, "capacite-http", 3);
        for (var i = 0; i < 5; i++)
        {
            await RegisterAsync("capacite-http", $"cap{i}@example.org");
        }

        var page = $"/gestion/evenements/{eventId}";
        var action = $"/gestion/evenements/{eventId}/seances/{sessions[0]}/capacite";
        using var lower = await curator.SubmitAsync(page, action, ("capacity", "2"));
        Assert.Equal(HttpStatusCode.BadRequest, lower.StatusCode);
        Assert.Contains("Impossible de descendre à 2 places : 3 personnes ont déjà une place confirmée", (await Html.ParseAsync(lower)).QuerySelector("#erreurs").Text(), StringComparison.Ordinal);
        Assert.Equal((3, 3), await connection.QuerySingleAsync<(int, int)>("select capacity, confirmed from event_session where id = @s", new { s = sessions[0] }));

        using var raise = await curator.SubmitAsync(page, action, ("capacity", "5"));
        Assert.Equal(HttpStatusCode.SeeOther, raise.StatusCode);
        Assert.Equal((5, 5), await connection.QuerySingleAsync<(int, int)>("select capacity, confirmed from event_session where id = @s", new { s = sessions[0] }));
        Assert.Equal(["cap3@example.org", "cap4@example.org"], await connection.QueryAsync<string>(
            "select recipient from outbox_message where kind = 'registration-promoted' and recipient like 'cap%' order by recipient"));
        var (_, after) = await curator.GetPageAsync(page);
        Assert.Contains("2 personnes de la liste d'attente ont reçu une place", after.QuerySelector("[role=status]").Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_an_event_tells_every_registrant_once_and_closes_registration()
    {
        await using var connection = await database.OpenAsync();
        var (eventId, _) = await EventRows.InsertAsync(connection, "annulation-orga", 2);
        for (var i = 0; i < 3; i++)
        {
            await RegisterAsync("annulation-orga", $"annul{i}@example.org");
        }

        using var first = await curator.SubmitAsync($"/gestion/evenements/{eventId}", $"/gestion/evenements/{eventId}/annuler");
        Assert.Equal(HttpStatusCode.SeeOther, first.StatusCode);
        var token = await curator.TokenAsync($"/gestion/evenements/{eventId}");
        using var again = await curator.PostFormAsync($"/gestion/evenements/{eventId}/annuler", [], token);

        Assert.Equal("cancelled", await connection.ExecuteScalarAsync<string>("select status from event where id = @eventId", new { eventId }));
        Assert.Equal(["annul0@example.org", "annul1@example.org", "annul2@example.org"], await connection.QueryAsync<string>(
            "select recipient from outbox_message where kind = 'event-cancelled' and recipient like 'annul%' order by recipient"));
        using var visitor = portal.NewVisitor();
        var (form, formPage) = await visitor.Client.GetPageAsync("/evenements/annulation-orga/inscription");
        Assert.Null(formPage.QuerySelector("form.registration-form"));
        Assert.Contains("Cet événement est annulé.", formPage.Body.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_registrants_export_is_CSV_for_French_Excel_with_formulas_neutralised()
    {
        await using var connection = await database.OpenAsync();
        var (eventId, _) = await EventRows.InsertAsync(connection, "export-inscrits", 5);
        await RegisterAsync("export-inscrits", "formule@example.org", name: "=HYPERLINK(\"http://x\";\"clic\")", organisation: "Musée; « quoi » \"cité\"");

        var response = await curator.GetAsync(new Uri($"/gestion/evenements/{eventId}/inscrits.csv", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("séance (début);séance (fin);statut;", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"'=HYPERLINK(\"\"http://x\"\";\"\"clic\"\")\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"Musée; « quoi » \"\"cité\"\"\"", lines[1], StringComparison.Ordinal);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
            "select count(*) from audit_log where action = 'event.registrants.exported' and entity_id = @eventId", new { eventId }));
    }

    [Fact]
    public async Task Marked_attendance_gives_the_IRC_attendance_times_hours_per_event_organiser_territory_and_year()
    {
        await using var connection = await database.OpenAsync();
        // Two sessions of 3 hours in 2031; 2 people present at the first, 1 at the second: IRC = 2×3 + 1×3 = 9.
        var (eventId, sessions) = await EventRows.InsertAsync(connection, "irc-atelier", 5,
            [new DateTimeOffset(2031, 5, 6, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2031, 5, 13, 12, 0, 0, TimeSpan.Zero)], duration: TimeSpan.FromHours(3));
        foreach (var (session, email) in new[] { (sessions[0], "irc1@example.org"), (sessions[0], "irc2@example.org"), (sessions[0], "irc3@example.org"), (sessions[1], "irc4@example.org") })
        {
            await RegisterAsync("irc-atelier", email, session: session);
        }

        var ids = (await connection.QueryAsync<long>(
            "select id from registration where email in ('irc1@example.org', 'irc2@example.org', 'irc4@example.org') order by id")).ToList();
        var token = await curator.TokenAsync($"/gestion/evenements/{eventId}/inscrits");
        using var marked = await curator.PostFormAsync($"/gestion/evenements/{eventId}/presences",
            ids.Select(id => new KeyValuePair<string, string>("present", id.ToString(System.Globalization.CultureInfo.InvariantCulture))), token);
        Assert.Equal(HttpStatusCode.SeeOther, marked.StatusCode);
        Assert.Equal((3, 1), await connection.QuerySingleAsync<(int, int)>(
            "select count(*) filter (where attended)::int, count(*) filter (where not attended)::int from registration r join event_session s on s.id = r.session_id where s.event_id = @eventId", new { eventId }));

        var (_, irc) = await curator.GetPageAsync("/gestion/evenements/irc");
        Assert.Equal("9", irc.QuerySelector("#irc-evenement tr[data-key='irc-atelier'] [data-irc]")?.GetAttribute("data-irc"));
        Assert.NotNull(irc.QuerySelector("#irc-territoire tr[data-key='27']"));
        Assert.NotNull(irc.QuerySelector("#irc-annee tr[data-key='2031']"));
        var csv = await curator.GetStringAsync(new Uri("/gestion/evenements/irc.csv", UriKind.Relative));
        Assert.Contains("événement;irc-atelier;Atelier de test;2;3;6;9\r\n", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Visitors_are_sent_to_sign_in_and_representatives_refused()
    {
        using var visitor = portal.NewClient();
        var response = await visitor.GetAsync(new Uri("/gestion/evenements", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/connexion", response.Headers.Location?.AbsolutePath);

        var email = $"rep-{Guid.NewGuid():N}@exemple.test";
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Acteur représenté", 1, "museum", 5.04, 47.32, "21231");
        await TestAccounts.CreateAsync(portal.App, email, PortalRoles.Representative, representedActor: actor);
        using var representative = await TestAccounts.SignedInClientAsync(portal.App, email);
        var refused = await representative.GetAsync(new Uri("/gestion/evenements", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    private async Task RegisterAsync(string slug, string email, string? name = null, string? organisation = null, long? session = null)
    {
        using var visitor = portal.NewVisitor();
        await visitor.OpenFormAsync(slug, session);
        using var response = await visitor.SubmitAsync(name ?? email, email, organisation: organisation);
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
