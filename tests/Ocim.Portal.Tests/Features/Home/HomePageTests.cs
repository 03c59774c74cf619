using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using Dapper;
using Ocim.Portal.Tests.Features.Actors;
using Ocim.Portal.Tests.Features.Events;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Home;

public sealed class HomePageTests : IClassFixture<DatabaseFixture>, IDisposable
{
    private readonly DatabaseFixture database;
    private readonly PortalFactory factory;
    private readonly HttpClient client;

    public HomePageTests(DatabaseFixture database)
    {
        this.database = database;
        factory = new PortalFactory(database.ConnectionString);
        client = factory.CreatePageClient();
    }

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }

    [Fact]
    public async Task The_figures_are_the_published_actors_and_upcoming_events_read_live()
    {
        await using (var connection = await database.OpenAsync())
        {
            await Seed(connection);
        }

        var (response, page) = await client.GetPageAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Ground truth from the rows themselves, not from the aggregate the page reads.
        await using var truth = await database.OpenAsync();
        var circles = (await truth.QueryAsync<(short Circle, long Actors)>(
            "select circle, count(*) from actor where status = 'published' group by circle order by circle")).ToList();
        Assert.Equal(3, circles.Count);
        foreach (var (circle, actors) in circles)
        {
            Assert.Equal(actors.ToString("N0", CultureInfo.InvariantCulture), Figure(page, $"cercle-{circle}"));
        }

        var departments = await truth.ExecuteScalarAsync<long>(
            "select count(distinct department_code) from actor where status = 'published' and department_code is not null");
        Assert.Equal(departments.ToString("N0", CultureInfo.InvariantCulture), Figure(page, "departements"));
        var events = await truth.ExecuteScalarAsync<long>("""
            select count(*) from event e
            where e.status in ('published', 'postponed') and exists (select from event_session s where s.event_id = e.id and s.ends_at >= now())
            """);
        Assert.Equal(2, events);
        Assert.Equal(events.ToString("N0", CultureInfo.InvariantCulture), Figure(page, "evenements"));

        // Each region of the map says its published actors and opens /carte on itself.
        var byRegion = (await truth.QueryAsync<(string Name, long Actors)>("""
            select r.name, count(*) from actor a join region r on r.code = a.region_code where a.status = 'published' group by r.name
            """)).ToDictionary(r => r.Name, r => r.Actors);
        var regions = page.QuerySelectorAll(".home-map svg a").ToList();
        Assert.Equal(13, regions.Count);
        Assert.All(regions, a => Assert.Matches(@"^/carte#7/\d+(\.\d+)?/-?\d+(\.\d+)?$", a.GetAttribute("href")));
        var burgundy = regions.Single(a => a.GetAttribute("aria-label")!.StartsWith("Bourgogne-Franche-Comté", StringComparison.Ordinal));
        Assert.Equal($"Bourgogne-Franche-Comté : {byRegion["Bourgogne-Franche-Comté"]} acteurs, voir sur la carte", burgundy.GetAttribute("aria-label"));
        Assert.Contains(regions, a => a.GetAttribute("aria-label")!.StartsWith($"Bretagne : {byRegion.GetValueOrDefault("Bretagne")} acteurs", StringComparison.Ordinal));
        Assert.NotNull(page.QuerySelector(".home-map a[href='/carte']"));

        // The next events: upcoming ones, the cancelled and the past ones left out.
        var titles = page.QuerySelectorAll(".home-events .event-card h3").Select(h => h.Text()).ToList();
        Assert.Equal(["Atelier de la semaine prochaine", "Forum reporté"], titles);
    }

    [Fact]
    public async Task A_draft_or_archived_listing_does_not_count()
    {
        var (_, before) = await client.GetPageAsync("/");
        await using (var connection = await database.OpenAsync())
        {
            await new ActorPageSeed { Name = "Brouillon", Circle = 1, CommuneCode = "21231", Status = "draft" }.InsertAsync(connection);
            await new ActorPageSeed { Name = "Archivé", Circle = 1, CommuneCode = "21231", Status = "archived" }.InsertAsync(connection);
        }

        var (_, after) = await client.GetPageAsync("/");

        Assert.Equal(Figure(before, "cercle-1"), Figure(after, "cercle-1"));
        Assert.Equal(Figure(before, "departements"), Figure(after, "departements"));
    }

    [Fact]
    public async Task One_search_box_by_name_or_place_comes_first_and_nothing_is_promised_for_later()
    {
        var (_, page) = await client.GetPageAsync("/");

        var main = page.QuerySelector("main")!;
        var form = main.QuerySelector("form")!;
        Assert.Same(form, main.QuerySelector("form[role='search']"));
        Assert.Equal("get", form.GetAttribute("method"));
        Assert.Equal("/acteurs", form.GetAttribute("action"));
        var input = Assert.Single(form.QuerySelectorAll("input"));
        Assert.Equal("q", input.GetAttribute("name"));
        Assert.Equal("Chercher un acteur, un lieu ou les deux", page.QuerySelector($"label[for='{input.Id}']").Text());
        Assert.DoesNotContain("bientôt", page.DocumentElement.TextContent, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task Seed(Npgsql.NpgsqlConnection connection)
    {
        // Dijon (21), Besançon (25) and Lyon (69): two regions; one draft that must not count.
        await (ActorPageSeed.InDijon("Muséum de Dijon") with { Circle = 1 }).InsertAsync(connection);
        await new ActorPageSeed { Name = "Laboratoire de Besançon", Circle = 2, CommuneCode = "25056" }.InsertAsync(connection);
        await new ActorPageSeed { Name = "Bibliothèque de Lyon", Circle = 3, CommuneCode = "69123" }.InsertAsync(connection);
        await new ActorPageSeed { Name = "Bibliothèque de Dijon", Circle = 3, CommuneCode = "21231" }.InsertAsync(connection);
        await new ActorPageSeed { Name = "Brouillon de Lyon", Circle = 1, CommuneCode = "69123", Status = "draft" }.InsertAsync(connection);

        var now = DateTimeOffset.UtcNow;
        await EventRows.InsertAsync(connection, "atelier-proche", 10, [now.AddDays(7)], title: "Atelier de la semaine prochaine");
        await EventRows.InsertAsync(connection, "forum-reporte", 10, [now.AddDays(20)], title: "Forum reporté", status: "postponed");
        await EventRows.InsertAsync(connection, "journee-annulee", 10, [now.AddDays(3)], title: "Journée annulée", status: "cancelled");
        await EventRows.InsertAsync(connection, "atelier-passe", 10, [now.AddDays(-10)], title: "Atelier passé");
        await EventRows.InsertAsync(connection, "brouillon", 10, [now.AddDays(5)], title: "Brouillon d'atelier", status: "draft");
    }

    /// <summary>A figure with its French thousands separator (a narrow no-break space) written as the invariant comma.</summary>
    private static string Figure(IDocument page, string name) =>
        Html.Squash(page.QuerySelector($"[data-figure='{name}']")!.TextContent).Replace('\u202f', ',').Replace('\u00a0', ',');
}
