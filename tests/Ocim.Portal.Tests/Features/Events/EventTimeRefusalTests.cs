using System.Net;
using Dapper;
using Ocim.Portal.Data;
using Ocim.Portal.Tests.Features.Listings;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Events;

/// <summary>
/// Dates and times no event can have: days out of range in the catalogue's filter, a session in year 1 or in the hour
/// Paris skips in spring. A French 400 that says why, and nothing written (issue 15). The hour Paris lives twice in
/// autumn is the first one, in summer time.
/// </summary>
public sealed class EventTimeRefusalTests : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    private readonly DatabaseFixture database;
    private readonly EventPortal portal;
    private HttpClient curator = null!;

    public EventTimeRefusalTests(DatabaseFixture database)
    {
        this.database = database;
        portal = new EventPortal(database.ConnectionString, new Dictionary<string, string?>
        {
            ["Mail:Outbox:Enabled"] = "false",
            ["Events:Housekeeping:Enabled"] = "false",
            ["Portal:RateLimits:connexion:PerMinute"] = "1000",
        });
    }

    public async Task InitializeAsync()
    {
        var email = $"curatrice-heure-{Guid.NewGuid():N}@exemple.test";
        await TestAccounts.CreateAsync(portal.App, email, PortalRoles.Curator);
        curator = await TestAccounts.SignedInClientAsync(portal.App, email);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        curator?.Dispose();
        portal.Dispose();
    }

    [Theory]
    [InlineData("/evenements?du=0001-01-01", "La date de début doit être comprise entre 2000 et 2100.")]
    [InlineData("/evenements?au=9999-12-31", "La date de fin doit être comprise entre 2000 et 2100.")]
    [InlineData("/evenements/archives?du=0001-01-01&au=9999-12-31", "La date de début doit être comprise entre 2000 et 2100.")]
    public async Task A_filter_day_out_of_range_is_a_French_400_that_the_form_shows(string url, string message)
    {
        using var client = portal.NewClient();

        var (response, page) = await client.GetPageAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, page.Body!.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/evenements.ics?du=0001-01-01")]
    [InlineData("/evenements.ics?au=9999-12-31")]
    public async Task The_feed_of_a_filter_day_out_of_range_is_the_French_400_page(string url)
    {
        using var client = portal.NewClient();

        var (response, page) = await client.GetPageAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Requête incorrecte", page.QuerySelector("h1").Text());
    }

    [Theory]
    [InlineData("2027-03-28T02:30", "2027-03-28T04:00", "cette heure n'existe pas à Paris (passage à l'heure d'été)")]
    [InlineData("0001-01-01T10:00", "0001-01-01T12:00", "l'année doit être comprise entre 2000 et 2100")]
    [InlineData("9999-12-31T22:00", "9999-12-31T23:00", "l'année doit être comprise entre 2000 et 2100")]
    public async Task A_staff_session_at_a_time_Paris_does_not_have_is_a_400_and_nothing_is_written(string start, string end, string message)
    {
        await using var connection = await database.OpenAsync();
        var (eventId, _) = await EventRows.InsertAsync(connection, $"heure-{Guid.NewGuid():N}"[..20], 10);

        using var response = await curator.SubmitAsync($"/gestion/evenements/{eventId}", $"/gestion/evenements/{eventId}/seances",
            ("startsAt", start), ("endsAt", end), ("capacity", "30"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await response.ReadPageAsync()).Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from event_session where event_id = @eventId", new { eventId }));
    }

    [Fact]
    public async Task A_staff_session_in_the_hour_lived_twice_in_autumn_is_the_first_one_in_summer_time()
    {
        await using var connection = await database.OpenAsync();
        var (eventId, _) = await EventRows.InsertAsync(connection, $"automne-{Guid.NewGuid():N}"[..20], 10);

        using var response = await curator.SubmitAsync($"/gestion/evenements/{eventId}", $"/gestion/evenements/{eventId}/seances",
            ("startsAt", "2031-10-26T02:30"), ("endsAt", "2031-10-26T04:00"), ("capacity", "30"));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var stored = await connection.QuerySingleAsync<(DateTime Start, DateTime End)>(
            "select starts_at, ends_at from event_session where event_id = @eventId order by id desc limit 1", new { eventId });
        Assert.Equal((new DateTime(2031, 10, 26, 0, 30, 0), new DateTime(2031, 10, 26, 3, 0, 0)), (stored.Start, stored.End));
    }

    [Fact]
    public async Task The_registration_opening_in_the_skipped_hour_is_refused_on_its_field()
    {
        var fields = (await ListingForms.FieldsAsync(curator, "/gestion/evenements/nouveau", "/gestion/evenements/nouveau"))
            .With(("Title", "Atelier de printemps"), ("RegistrationOpensAt", "2027-03-28T02:15"));

        using var response = await curator.PostAsync(new Uri("/gestion/evenements/nouveau", UriKind.Relative), new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var document = await response.ReadPageAsync();
        Assert.Contains("Cette heure n'existe pas à Paris (passage à l'heure d'été)", document.QuerySelector("label[for=champ-RegistrationOpensAt]")!.ParentElement!.TextContent, StringComparison.Ordinal);
        await using var connection = await database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from event where title = 'Atelier de printemps'"));
    }

    [Theory]
    [InlineData("2027-03-28T02:30", "2027-03-28T03:00", "Séance 1, début : cette heure n'existe pas à Paris (passage à l'heure d'été)")]
    [InlineData("0001-01-01T10:00", "0001-01-01T12:00", "Séance 1, début : l'année doit être comprise entre 2000 et 2100")]
    public async Task A_proposed_session_at_a_time_Paris_does_not_have_is_a_400_on_its_field_and_nothing_is_written(string start, string end, string message)
    {
        await using var connection = await database.OpenAsync();
        var name = Guid.NewGuid().ToString("N")[..8];
        var actor = await ActorRows.InsertAsync(connection, $"Muséum {name}", 1, "museum", 5.0415, 47.322, "21231");
        await TestAccounts.CreateAsync(portal.App, $"rep-{name}@exemple.test", PortalRoles.Representative, representedActor: actor);
        using var representative = await TestAccounts.SignedInClientAsync(portal.App, $"rep-{name}@exemple.test");
        var url = $"/compte/fiches/{actor}/evenements/nouveau";
        var fields = (await ListingForms.FieldsAsync(representative, url, url)).With(
            ("Title", "Nuit du changement d'heure"), ("Kind", "atelier"), ("AttendanceMode", "presentiel"), ("Venue", "fiche"), ("IsFree", "true"),
            ("RegistrationRequired", "true"), ("Sessions[0].StartsAt", start), ("Sessions[0].EndsAt", end), ("Sessions[0].Capacity", "20"));

        using var response = await representative.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var document = await response.ReadPageAsync();
        Assert.Contains(message, document.GetElementById("Sessions_0__StartsAt-erreur")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from event_proposal where actor_id = @actor", new { actor }));
    }
}
