using System.Net;
using System.Text;
using System.Text.Json;
using Dapper;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Events;

/// <summary>The catalogue, the event page (places, JSON-LD), and the iCalendar files read back by ical.js.</summary>
public sealed class EventPagesTests : IClassFixture<DatabaseFixture>, IDisposable
{
    private readonly DatabaseFixture database;
    private readonly EventPortal portal;
    private readonly HttpClient client;

    public EventPagesTests(DatabaseFixture database)
    {
        this.database = database;
        portal = new EventPortal(database.ConnectionString, new Dictionary<string, string?>
        {
            ["Mail:Outbox:Enabled"] = "false",
            ["Events:Housekeeping:Enabled"] = "false",
        });
        client = portal.NewClient();
    }

    public void Dispose()
    {
        client.Dispose();
        portal.Dispose();
    }

    [Fact]
    public async Task The_catalogue_lists_upcoming_published_events_and_the_archive_the_past_ones_never_drafts()
    {
        await using var connection = await database.OpenAsync();
        var tag = Guid.NewGuid().ToString("N")[..6];
        await EventRows.InsertAsync(connection, $"a-venir-{tag}", 10, title: $"À venir {tag}");
        await EventRows.InsertAsync(connection, $"brouillon-{tag}", 10, title: $"Brouillon {tag}", status: "draft");
        await EventRows.InsertAsync(connection, $"passe-{tag}", 10, [DateTimeOffset.UtcNow.AddDays(-20)], title: $"Passé {tag}");

        var (response, page) = await client.GetPageAsync("/evenements");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var titles = page.QuerySelectorAll(".event-card h3").Select(h => h.Text()).ToList();
        Assert.Contains($"À venir {tag}", titles);
        Assert.DoesNotContain($"Brouillon {tag}", titles);
        Assert.DoesNotContain($"Passé {tag}", titles);

        var (_, archive) = await client.GetPageAsync("/evenements/archives");
        var archived = archive.QuerySelectorAll(".event-card h3").Select(h => h.Text()).ToList();
        Assert.Contains($"Passé {tag}", archived);
        Assert.DoesNotContain($"À venir {tag}", archived);

        var (draft, _) = await client.GetPageAsync($"/evenements/brouillon-{tag}");
        Assert.Equal(HttpStatusCode.NotFound, draft.StatusCode);
    }

    [Fact]
    public async Task Filters_in_the_query_string_select_by_type_territory_theme_dates_and_places_left()
    {
        await using var connection = await database.OpenAsync();
        var tag = Guid.NewGuid().ToString("N")[..6];
        var day = DateTimeOffset.UtcNow.AddDays(40);
        await EventRows.InsertAsync(connection, $"forum-dijon-{tag}", 10, [day], title: $"Forum Dijon {tag}", kind: "forum", themes: ["astronomie"]);
        await EventRows.InsertAsync(connection, $"atelier-lyon-{tag}", 0, [day.AddDays(10)], title: $"Atelier Lyon {tag}", communeCode: "69123");

        async Task<List<string>> Titles(string query) =>
            (await client.GetPageAsync("/evenements" + query)).Document.QuerySelectorAll(".event-card h3").Select(h => h.Text()).Where(t => t.EndsWith(tag, StringComparison.Ordinal)).ToList();

        Assert.Equal([$"Forum Dijon {tag}"], await Titles("?type=forum"));
        Assert.Equal([$"Forum Dijon {tag}"], await Titles("?departement=21"));
        Assert.Equal([$"Atelier Lyon {tag}"], await Titles("?region=84"));
        Assert.Equal([$"Forum Dijon {tag}"], await Titles("?theme=astronomie"));
        Assert.Equal([$"Forum Dijon {tag}"], await Titles("?places=1"));
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var lyonDay = TimeZoneInfo.ConvertTime(day.AddDays(10), paris).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([$"Atelier Lyon {tag}"], await Titles($"?du={lyonDay}&au={lyonDay}"));
    }

    [Theory]
    [InlineData("?type=inconnu", "Ce type d'événement n'existe pas.")]
    [InlineData("?du=21/11/2026", "La date de début doit avoir la forme AAAA-MM-JJ.")]
    [InlineData("?region=%27%20or%201%3D1--", "Le code de région n'est pas valide.")]
    [InlineData("?du=2026-12-01&au=2026-11-01", "La date de fin précède la date de début.")]
    public async Task A_filter_that_cannot_be_read_is_a_400_with_a_French_message(string query, string message)
    {
        var (response, page) = await client.GetPageAsync("/evenements" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, page.QuerySelector("[role=alert]").Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_event_page_shows_places_left_and_valid_schema_org_JSON_LD()
    {
        await using var connection = await database.OpenAsync();
        var (_, sessions) = await EventRows.InsertAsync(connection, "page-complete", 12, title: "Tiers-lieux et musées");
        await connection.ExecuteAsync("update event_session set confirmed = 5 where id = @s", new { s = sessions[0] });

        var (response, page) = await client.GetPageAsync("/evenements/page-complete");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("7", page.QuerySelector($"tr[data-session='{sessions[0]}'] [data-places-left]")?.GetAttribute("data-places-left"));
        Assert.Contains("7 places restantes", page.QuerySelector($"tr[data-session='{sessions[0]}']").Text(), StringComparison.Ordinal);
        var events = JsonDocument.Parse(page.QuerySelector("script[type='application/ld+json']")!.TextContent).RootElement;
        var ev = Assert.Single(events.EnumerateArray().ToList());
        Assert.Equal("https://schema.org", ev.GetProperty("@context").GetString());
        Assert.Equal("Event", ev.GetProperty("@type").GetString());
        Assert.Equal("Tiers-lieux et musées", ev.GetProperty("name").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00$", ev.GetProperty("startDate").GetString());
        Assert.Equal("PostalAddress", ev.GetProperty("location").GetProperty("address").GetProperty("@type").GetString());
        Assert.Equal("Dijon", ev.GetProperty("location").GetProperty("address").GetProperty("addressLocality").GetString());
        Assert.Equal("https://schema.org/EventScheduled", ev.GetProperty("eventStatus").GetString());
        Assert.Equal("https://schema.org/InStock", ev.GetProperty("offers").GetProperty("availability").GetString());
    }

    [Fact]
    public async Task A_full_event_is_SoldOut_and_a_cancelled_one_EventCancelled()
    {
        await using var connection = await database.OpenAsync();
        var (_, full) = await EventRows.InsertAsync(connection, "tout-complet", 2);
        await connection.ExecuteAsync("update event_session set confirmed = 2 where id = @s", new { s = full[0] });
        await EventRows.InsertAsync(connection, "tout-annule", 2, status: "cancelled");

        var soldOut = await JsonLdAsync("/evenements/tout-complet");
        var cancelled = await JsonLdAsync("/evenements/tout-annule");

        Assert.Equal("https://schema.org/SoldOut", soldOut.GetProperty("offers").GetProperty("availability").GetString());
        Assert.Equal("https://schema.org/EventCancelled", cancelled.GetProperty("eventStatus").GetString());
    }

    [Fact]
    public async Task S6_a_title_that_closes_the_script_element_stays_inside_the_JSON()
    {
        await using var connection = await database.OpenAsync();
        const string title = "</script><script>window.__xss=1</script>";
        await EventRows.InsertAsync(connection, "titre-piege", 5, title: title);

        var response = await client.GetAsync(new Uri("/evenements/titre-piege", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();
        var page = await Html.ParseAsync(response);

        Assert.DoesNotContain("<script>window.__xss", html, StringComparison.Ordinal);
        Assert.Contains("\\u003C/script\\u003E", html, StringComparison.Ordinal);
        // No inline script but the JSON-LD; the layout's own module (layout.js) is a file of ours.
        Assert.Empty(page.QuerySelectorAll("script:not([type='application/ld+json']):not([src])"));
        Assert.All(page.QuerySelectorAll("script[src]"), s => Assert.StartsWith("/js/layout.", s.GetAttribute("src"), StringComparison.Ordinal));
        Assert.Equal(title, JsonDocument.Parse(page.QuerySelector("script[type='application/ld+json']")!.TextContent).RootElement[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_ics_file_is_read_by_ical_js_with_folded_CRLF_lines_escaped_text_and_stable_UIDs()
    {
        await using var connection = await database.OpenAsync();
        var title = "Atelier ; virgule, barre \\ et accents éèà — " + new string('é', 60);
        var starts = new[] { new DateTimeOffset(2031, 6, 4, 7, 30, 0, TimeSpan.Zero), new DateTimeOffset(2031, 6, 11, 7, 30, 0, TimeSpan.Zero) };
        var (_, sessions) = await EventRows.InsertAsync(connection, "agenda-ics", 5, starts, title: title);
        await connection.ExecuteAsync("update event set summary = 'Ligne une\nligne deux' where slug = 'agenda-ics'");

        var first = await client.GetAsync(new Uri("/evenements/agenda-ics.ics", UriKind.Relative));
        var bytes = await first.Content.ReadAsByteArrayAsync();
        var second = await (await client.GetAsync(new Uri("/evenements/agenda-ics.ics", UriKind.Relative))).Content.ReadAsByteArrayAsync();

        Assert.Equal("text/calendar", first.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", first.Content.Headers.ContentType?.CharSet);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', text.Replace("\r\n", string.Empty, StringComparison.Ordinal));
        Assert.All(text.Split("\r\n"), line => Assert.True(Encoding.UTF8.GetByteCount(line) <= 75, $"{Encoding.UTF8.GetByteCount(line)} octets: {line}"));
        Assert.Contains(text.Split("\r\n"), line => line.StartsWith(' '));

        var calendar = await ICalParser.ParseAsync(bytes);
        Assert.Equal("2.0", calendar.Version);
        Assert.Equal(2, calendar.Events.Count);
        Assert.All(calendar.Events, e => Assert.Equal(title, e.Summary));
        Assert.Equal("Ligne une\nligne deux", calendar.Events[0].Description);
        Assert.Equal([$"session-{sessions[0]}@localhost", $"session-{sessions[1]}@localhost"], calendar.Events.Select(e => e.Uid));
        Assert.Equal(["2031-06-04T07:30:00.000Z", "2031-06-11T07:30:00.000Z"], calendar.Events.Select(e => e.Start));
        Assert.All(calendar.Events, e => Assert.NotNull(e.Dtstamp));
        Assert.Equal(calendar.Events.Select(e => e.Uid), (await ICalParser.ParseAsync(second)).Events.Select(e => e.Uid));
        Assert.Equal(bytes, second);
    }

    [Fact]
    public async Task Times_are_right_across_the_daylight_saving_change()
    {
        await using var connection = await database.OpenAsync();
        // 10:00 in Paris on Saturday 28 March 2026 (UTC+1) and on Sunday 29 March 2026, the day clocks go forward (UTC+2).
        var before = new DateTimeOffset(2026, 3, 28, 9, 0, 0, TimeSpan.Zero);
        var after = new DateTimeOffset(2026, 3, 29, 8, 0, 0, TimeSpan.Zero);
        await EventRows.InsertAsync(connection, "heure-ete", 5, [before, after], title: "Atelier au changement d'heure");
        // An event page shows its sessions whether they are past or to come.
        var (_, page) = await client.GetPageAsync("/evenements/heure-ete");

        var times = page.QuerySelectorAll("tr[data-session] time").Select(t => (t.GetAttribute("datetime"), t.Text())).ToList();
        Assert.Equal(("2026-03-28T10:00:00+01:00", "samedi 28 mars 2026, de 10 h 00 à 12 h 00"), times[0]);
        Assert.Equal(("2026-03-29T10:00:00+02:00", "dimanche 29 mars 2026, de 10 h 00 à 12 h 00"), times[1]);

        var ics = await (await client.GetAsync(new Uri("/evenements/heure-ete.ics", UriKind.Relative))).Content.ReadAsByteArrayAsync();
        var text = Encoding.UTF8.GetString(ics);
        Assert.Contains("DTSTART:20260328T090000Z\r\n", text, StringComparison.Ordinal);
        Assert.Contains("DTSTART:20260329T080000Z\r\n", text, StringComparison.Ordinal);
        Assert.Equal(["2026-03-28T09:00:00.000Z", "2026-03-29T08:00:00.000Z"], (await ICalParser.ParseAsync(ics)).Events.Select(e => e.Start));

        // A time typed in a staff form on that day: 02:30 does not exist in Paris and moves to 03:30 (UTC+2).
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 8, 0, 0, TimeSpan.Zero), Portal.Features.Events.EventTime.FromParis(new DateTime(2026, 3, 29, 10, 0, 0)));
        Assert.Equal(new DateTimeOffset(2026, 3, 28, 9, 0, 0, TimeSpan.Zero), Portal.Features.Events.EventTime.FromParis(new DateTime(2026, 3, 28, 10, 0, 0)));
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero), Portal.Features.Events.EventTime.FromParis(new DateTime(2026, 3, 29, 2, 30, 0)));
    }

    [Fact]
    public async Task The_feed_holds_the_upcoming_sessions_of_the_filter_and_ical_js_reads_it()
    {
        await using var connection = await database.OpenAsync();
        var tag = Guid.NewGuid().ToString("N")[..6];
        await EventRows.InsertAsync(connection, $"flux-webinaire-{tag}", 5, [DateTimeOffset.UtcNow.AddDays(3), DateTimeOffset.UtcNow.AddDays(10)], title: $"Webinaire {tag}", kind: "webinaire");
        await EventRows.InsertAsync(connection, $"flux-forum-{tag}", 5, title: $"Forum {tag}", kind: "forum");

        var response = await client.GetAsync(new Uri("/evenements.ics?type=webinaire", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var calendar = await ICalParser.ParseAsync(await response.Content.ReadAsByteArrayAsync());
        var mine = calendar.Events.Where(e => e.Summary?.EndsWith(tag, StringComparison.Ordinal) == true).ToList();
        Assert.Equal(2, mine.Count);
        Assert.All(mine, e => Assert.Equal($"Webinaire {tag}", e.Summary));
        Assert.All(calendar.Events, e => Assert.StartsWith("Webinaire", e.Summary, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_personal_data_notice_states_what_is_kept_and_for_how_long()
    {
        var (response, page) = await client.GetPageAsync("/evenements/donnees-personnelles");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("12 mois après la dernière séance", Html.Squash(page.Body.Text()), StringComparison.Ordinal);
    }

    private async Task<JsonElement> JsonLdAsync(string url)
    {
        var (_, page) = await client.GetPageAsync(url);
        return JsonDocument.Parse(page.QuerySelector("script[type='application/ld+json']")!.TextContent).RootElement[0];
    }
}
