using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using Dapper;
using Npgsql;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Territories;

/// <summary>
/// The actor counts of the territory pages, checked against an independent count: actors placed by hand, then
/// counted by their position inside the outlines (ST_Intersects), not by the territory codes the pages read.
/// </summary>
public sealed class TerritoryActorsTests : IClassFixture<DatabaseFixture>, IDisposable
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
    private readonly DatabaseFixture database;
    private readonly PortalFactory factory;
    private readonly HttpClient client;

    public TerritoryActorsTests(DatabaseFixture database)
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
    public async Task A_region_page_counts_its_actors_by_circle_family_and_department_like_the_outlines_do()
    {
        await using var connection = await SeedAsync();

        var (response, page) = await client.GetPageAsync("/territoires/region/27");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var circles = await connection.QueryAsync<(short Circle, long Actors)>("""
            select a.circle, count(*) from actor a join region r on st_intersects(r.geom, a.geom)
            where r.code = '27' and a.status = 'published' group by a.circle
            """);
        Assert.Equal(
            circles.OrderBy(c => c.Circle).Select(c => ($"Cercle {c.Circle}", c.Actors)),
            Rows(page, "#par-cercle").Select(r => (r.Label[..8], r.Value)));
        var families = await connection.QueryAsync<(string Name, long Actors)>("""
            select f.name, count(*) from actor a join region r on st_intersects(r.geom, a.geom) join actor_family f on f.id = a.family_id
            where r.code = '27' and a.status = 'published' group by f.name
            """);
        Assert.Equal(families.OrderBy(f => f.Name, StringComparer.Ordinal), Rows(page, "#par-famille").OrderBy(f => f.Label, StringComparer.Ordinal));
        Assert.Equal("/acteurs?cercle=1&region=27", page.QuerySelector("#par-cercle tbody a")?.GetAttribute("href"));

        var departments = (await connection.QueryAsync<(string Code, long Actors)>("""
            select d.code, count(a.id) from department d left join actor a on st_intersects(d.geom, a.geom) and a.status = 'published'
            where d.region_code = '27' group by d.code
            """)).ToDictionary(d => d.Code, d => d.Actors);
        var shown = page.QuerySelectorAll("#sous-territoires tbody tr").ToDictionary(
            tr => tr.Children[1].Text(),
            tr => long.Parse(Html.Squash(tr.Children[3].Text()).Replace(" ", "", StringComparison.Ordinal), CultureInfo.InvariantCulture));
        Assert.Equal(departments.OrderBy(d => d.Key), shown.OrderBy(d => d.Key));
        Assert.True(departments["21"] > 0 && departments["71"] > 0, "the seed puts actors in two departments of the region");
    }

    [Fact]
    public async Task A_circle_in_the_query_string_narrows_every_count_and_the_links()
    {
        await using var connection = await SeedAsync();

        var (response, page) = await client.GetPageAsync("/territoires/departement/21?cercle=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var expected = await connection.QueryAsync<(string Code, long Actors)>("""
            select c.code, count(*) from actor a join commune c on st_intersects(c.geom, a.geom)
            where c.department_code = '21' and a.status = 'published' and a.circle = 1 group by c.code
            """);
        var shown = page.QuerySelectorAll("#sous-territoires tbody tr")
            .Select(tr => (Code: tr.Children[1].Text(), Actors: long.Parse(Html.Squash(tr.Children[3].Text()).Replace(" ", "", StringComparison.Ordinal), CultureInfo.InvariantCulture)))
            .Where(r => r.Actors > 0);
        Assert.Equal(expected.OrderBy(e => e.Code, StringComparer.Ordinal), shown.OrderBy(s => s.Code, StringComparer.Ordinal));
        Assert.Equal([("Cercle 1", expected.Sum(e => e.Actors))], Rows(page, "#par-cercle").Select(r => (r.Label[..8], r.Value)));
        Assert.Contains(page.QuerySelectorAll("a"), a => a.GetAttribute("href") == "/acteurs?cercle=1&departement=21");
        Assert.Contains(page.QuerySelectorAll("a"), a => a.GetAttribute("href") == "/carte?cercle=1&departement=21");
        Assert.Contains(page.QuerySelectorAll("a"), a => a.GetAttribute("href") == "/territoires/departement/21/couverture?cercle=1");
        Assert.EndsWith("(filtré) · Portail Ocim", page.Title, StringComparison.Ordinal);

        // Dijon: actors per 10,000 inhabitants, from its population.
        var dijon = page.QuerySelectorAll("#sous-territoires tbody tr").Single(tr => tr.Children[1].Text() == "21231");
        var population = await connection.ExecuteScalarAsync<int>("select population from commune where code = '21231'");
        var dijonActors = expected.Single(e => e.Code == "21231").Actors;
        Assert.Equal((dijonActors * 10_000.0 / population).ToString("N1", French), dijon.Children[4].Text());
    }

    [Fact]
    public async Task The_choropleth_classes_the_sub_territories_and_toggles_without_script()
    {
        await SeedAsync();

        var (_, density) = await client.GetPageAsync("/territoires/region/27");
        var (_, actors) = await client.GetPageAsync("/territoires/region/27?mesure=acteurs");

        Assert.Equal(8, density.QuerySelectorAll("figure.outline-map path[class*='choro-']").Length);
        Assert.Equal("true", density.QuerySelector("nav.toggle a[href='/territoires/region/27?mesure=densite']")?.GetAttribute("aria-current"));
        Assert.Equal("true", actors.QuerySelector("nav.toggle a[href='/territoires/region/27?mesure=acteurs']")?.GetAttribute("aria-current"));
        Assert.Contains("aucun acteur", actors.QuerySelector(".map-legend").Text(), StringComparison.Ordinal);
        // Departments without actors are in class 0, the others above it.
        var nievre = actors.QuerySelector("figure.outline-map a[href='/territoires/departement/58'] path")!.GetAttribute("class");
        var coteDor = actors.QuerySelector("figure.outline-map a[href='/territoires/departement/21'] path")!.GetAttribute("class");
        Assert.Contains("choro-0", nievre, StringComparison.Ordinal);
        Assert.DoesNotContain("choro-0", coteDor, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_territory_without_actors_says_so()
    {
        await SeedAsync();

        var (response, page) = await client.GetPageAsync("/territoires/departement/48");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("0 acteur publié", Html.Squash(page.QuerySelector("#acteurs-titre")!.ParentElement.Text()), StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("#par-cercle"));
        Assert.Contains("Aucun acteur publié", page.QuerySelector("main").Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_commune_page_lists_the_nearest_actors_in_order_of_distance()
    {
        await using var connection = await SeedAsync();

        var (response, page) = await client.GetPageAsync("/territoires/commune/21054");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var expected = await connection.QueryAsync<string>("""
            select a.name from actor a, commune c where c.code = '21054' and a.status = 'published'
            order by st_distance(a.geom::geography, c.centre::geography), a.id limit 10
            """);
        Assert.Equal(expected, page.QuerySelectorAll("#acteurs-proches li a").Select(a => a.Text()));
    }

    [Fact]
    public async Task An_overseas_department_counts_its_actors_and_its_commune_finds_the_nearest_on_the_spheroid()
    {
        await using var connection = await SeedAsync();

        var (response, page) = await client.GetPageAsync("/territoires/departement/974");
        var (communeResponse, commune) = await client.GetPageAsync("/territoires/commune/97411");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([("Cercle 1", 1L), ("Cercle 3", 1L)], Rows(page, "#par-cercle").Select(r => (r.Label[..8], r.Value)));
        Assert.Equal(HttpStatusCode.OK, communeResponse.StatusCode);
        Assert.Equal(["Muséum de Saint-Denis", "Médiathèque de Saint-Pierre"], commune.QuerySelectorAll("#acteurs-proches li a").Select(a => a.Text()));
    }

    [Fact]
    public async Task Territory_pages_have_a_unique_title_landmarks_and_no_inline_script()
    {
        await SeedAsync();
        var titles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var url in new[] { "/territoires/region/27", "/territoires/region/27?cercle=2", "/territoires/departement/21", "/territoires/epci/242100410", "/territoires/commune/21231" })
        {
            var (response, page) = await client.GetPageAsync(url);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(titles.Add(page.Title!), $"{url}: title « {page.Title} » already used");
            Assert.NotNull(page.QuerySelector("main#contenu h1"));
            Assert.NotNull(page.QuerySelector("nav[aria-label='Navigation principale']"));
            Assert.Empty(page.QuerySelectorAll("script:not([src])"));
            Assert.Empty(page.QuerySelectorAll("[onclick], [onload]"));
        }
    }

    private static List<(string Label, long Value)> Rows(IDocument page, string table) =>
        page.QuerySelectorAll($"{table} tbody tr")
            .Select(tr => (tr.Children[0].Text(), long.Parse(Html.Squash(tr.Children[1].Text()).Replace(" ", "", StringComparison.Ordinal), CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>A small hand-made inventory, inserted once per class (the tests of a class run one after another).</summary>
    private async Task<NpgsqlConnection> SeedAsync()
    {
        var connection = await database.OpenAsync();
        if (await connection.ExecuteScalarAsync<long>("select count(*) from actor") > 0)
        {
            return connection;
        }

        // Côte-d'Or: Dijon and Beaune; Saône-et-Loire: Mâcon; Doubs: Besançon (all region 27); Paris; La Réunion.
        await ActorRows.InsertAsync(connection, "Musée des Beaux-Arts de Dijon", 1, "musee", 5.0415, 47.3220);
        await ActorRows.InsertAsync(connection, "Jardin des sciences de Dijon", 1, "jardin-botanique", 5.0260, 47.3260);
        await ActorRows.InsertAsync(connection, "Bibliothèque municipale de Dijon", 3, "bibliotheque", 5.0450, 47.3190);
        await ActorRows.InsertAsync(connection, "Université de Bourgogne", 2, "universite", 5.0720, 47.3110);
        await ActorRows.InsertAsync(connection, "Brouillon à Dijon", 1, "musee", 5.0400, 47.3200, status: "draft");
        await ActorRows.InsertAsync(connection, "Musée du Vin de Bourgogne", 1, "musee", 4.8390, 47.0260);
        await ActorRows.InsertAsync(connection, "Fablab de Beaune", 3, "fablab", 4.8400, 47.0200);
        await ActorRows.InsertAsync(connection, "Lab de Mâcon", 3, "fablab", 4.8300, 46.3060);
        await ActorRows.InsertAsync(connection, "Muséum de Besançon", 1, "museum", 6.0180, 47.2320);
        await ActorRows.InsertAsync(connection, "Cité des sciences", 1, "centre-de-sciences", 2.3880, 48.8950);
        await ActorRows.InsertAsync(connection, "Muséum de Saint-Denis", 1, "museum", 55.4500, -20.8800);
        await ActorRows.InsertAsync(connection, "Médiathèque de Saint-Pierre", 3, "bibliotheque", 55.4780, -21.3400);
        return connection;
    }
}
