using System.Globalization;
using System.Net;
using System.Text;
using Dapper;
using Npgsql;
using Ocim.Portal.Features.Territories;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Territories;

/// <summary>
/// White zones checked against brute force: every distance between every commune centre and every actor, computed
/// here in C# from Lambert-93 coordinates (metropolitan France) or by ST_Distance on the spheroid over all pairs
/// (overseas), never with the index-driven SQL of the pages.
/// </summary>
public sealed class WhiteZoneTests : IClassFixture<DatabaseFixture>, IDisposable
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
    private readonly DatabaseFixture database;
    private readonly PortalFactory factory;
    private readonly HttpClient client;

    public WhiteZoneTests(DatabaseFixture database)
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

    [Theory]
    [InlineData(1, "")]
    [InlineData(5, "&cercle=1,2,3")]
    [InlineData(5, "")]
    [InlineData(10, "&cercle=2")]
    [InlineData(12, "")]
    [InlineData(8, "&cercle=1")]
    [InlineData(3, "&famille=bibliotheque&famille=universite")]
    public async Task The_white_communes_of_a_department_are_those_a_brute_force_finds(int km, string filter)
    {
        await using var connection = await SeedAsync();
        // Without « cercle », white zones count circles 1–2 (TerritoryFilters.CoverageDefaultCircles).
        short[] circles = filter.Contains("cercle=1,2,3", StringComparison.Ordinal) ? [1, 2, 3] : filter.Contains("cercle=1", StringComparison.Ordinal) ? [1] : filter.Contains("cercle=2", StringComparison.Ordinal) ? [2] : [1, 2];
        var families = filter.Contains("famille", StringComparison.Ordinal) ? new[] { "bibliotheque", "universite" } : null;
        var nearest = await BruteForceAsync(connection, "90", circles, families);
        var expected = nearest.Where(n => n.Value > km * 1000).Select(n => n.Key).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        Assert.True(km == 1 || expected.Count < nearest.Count, "some communes are covered");

        var csv = await client.GetAsync(new Uri($"/territoires/departement/90/couverture.csv?distance_km={km}{filter}", UriKind.Relative));
        var rows = SimpleCsvRows(await csv.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal(expected, rows.Select(r => r[0]).Order(StringComparer.Ordinal));
        foreach (var row in rows)
        {
            var km200 = nearest[row[0]] / 1000;
            Assert.Equal(km200 <= FindWhiteZones.NearestSearchKm ? km200.ToString("0.0", French) : string.Empty, row[5]);
        }

        var (response, page) = await client.GetPageAsync($"/territoires/departement/90/couverture?distance_km={km}{filter}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var facts = Html.Squash(page.QuerySelector("#bilan")!.Text());
        Assert.Contains($"{expected.Count.ToString("N0", French)} sur {nearest.Count.ToString("N0", French)}", Html.Squash(facts), StringComparison.Ordinal);
        var population = await connection.QueryAsync<(string Code, long Population)>("select code, coalesce(population, 0)::bigint from commune where department_code = '90'");
        var white = population.Where(p => expected.Contains(p.Code)).Sum(p => p.Population);
        var share = (double)white / population.Sum(p => p.Population) * 100;
        Assert.Contains(Html.Squash($"{white.ToString("N0", French)} habitants sur {population.Sum(p => p.Population).ToString("N0", French)}"), facts, StringComparison.Ordinal);
        Assert.Contains(Html.Squash(share.ToString(share < 0.1 ? "N2" : "N1", French) + " %"), facts, StringComparison.Ordinal);
        Assert.Equal(expected.Count, page.QuerySelectorAll("figure.outline-map path.white-zone").Length);
        Assert.Equal(Math.Min(expected.Count, 100), page.QuerySelectorAll("#communes-blanches tbody tr").Length);
    }

    [Theory]
    [InlineData(1, null)]
    [InlineData(2, 12)]
    [InlineData(10, 10)]
    [InlineData(100, 6)]
    public void The_quick_test_uses_cells_whose_diagonal_fits_in_the_distance(int km, int? zoom)
    {
        Assert.Equal(zoom, FindWhiteZones.CellZoom(km));
        if (zoom is { } z)
        {
            // The diagonal of a cell at the latitude of Corsica's southern tip (41.3°) is within the distance.
            var side = 40_075_016.68557849 / (8 << z);
            Assert.True(side * Math.Cos(41.3 * Math.PI / 180) * Math.Sqrt(2) <= km * 1000);
        }
    }

    [Fact]
    public async Task The_quick_test_puts_every_metropolitan_commune_centre_in_the_cell_the_pyramid_gives_its_point()
    {
        // The quick test settles a commune by the pyramid's cell of its centre, computed with the spherical Mercator
        // formulas; the pyramid's triggers place points with actor_cells_of on st_transform(…, 3857). A centre put in
        // a neighbouring cell could be declared covered by an actor farther than N: the two must agree everywhere.
        await using var connection = await database.OpenAsync();
        var sql = FindWhiteZones.CentreCell.Replace("@z", "zoom.z", StringComparison.Ordinal);
        var disagreements = await connection.QueryAsync<(string Code, int Z)>($"""
            select c.code, zoom.z
            from commune c
            cross join (select z from generate_series(5, 12) z) zoom
            cross join lateral ({sql}) k
            cross join lateral actor_cells_of(st_x(st_transform(c.centre, 3857)), st_y(st_transform(c.centre, 3857))) p
            where c.department_code not like '97%' and p.z = zoom.z and (p.cell_x, p.cell_y) <> (k.cx, k.cy)
            """);
        Assert.Empty(disagreements);
    }

    [Fact]
    public async Task Overseas_communes_are_measured_on_the_spheroid_from_the_actors_of_their_region()
    {
        await using var connection = await SeedAsync();
        var expected = (await connection.QueryAsync<string>("""
            select c.code from commune c
            where c.department_code = '974'
              and coalesce((select min(st_distance(a.geom::geography, c.centre::geography)) from actor a
                            where a.status = 'published' and a.region_code = c.region_code), 1e12) > 15000
            order by c.code
            """)).ToList();
        Assert.NotEmpty(expected);

        var csv = await client.GetAsync(new Uri("/territoires/departement/974/couverture.csv?distance_km=15&cercle=1,2,3", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal(expected, SimpleCsvRows(await csv.Content.ReadAsStringAsync()).Select(r => r[0]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_nationwide_page_stays_light_and_agrees_with_the_department_pages()
    {
        await SeedAsync();

        var response = await client.GetAsync(new Uri("/territoires/couverture?distance_km=10", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();
        var page = await Html.ParseAsync(response);
        var (_, belfort) = await client.GetPageAsync("/territoires/departement/90/couverture?distance_km=10");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Encoding.UTF8.GetByteCount(html) < 600_000, $"the nationwide page weighs {Encoding.UTF8.GetByteCount(html):N0} bytes");
        Assert.Equal(CoverageController.PageSize, page.QuerySelectorAll("#communes-blanches tbody tr").Length);
        Assert.NotNull(page.QuerySelector("nav.pagination a[rel=next]"));
        var row = page.QuerySelectorAll("#par-departement tbody tr").Single(tr => tr.Children[0].Text().StartsWith("90 ", StringComparison.Ordinal));
        var belfortFacts = Html.Squash(belfort.QuerySelector("#bilan")!.Text());
        Assert.Contains($"{Html.Squash(row.Children[2].Text())} sur {Html.Squash(row.Children[1].Text())}", belfortFacts, StringComparison.Ordinal);
        Assert.Equal(96, page.QuerySelectorAll("figure.outline-map a path[class*='share-']").Length);
    }

    [Fact]
    public async Task A_new_actor_changes_the_white_zones_at_once()
    {
        await using var connection = await SeedAsync();
        var (_, before) = await client.GetPageAsync("/territoires/departement/48/couverture?distance_km=20");
        var communes = await connection.ExecuteScalarAsync<int>("select count(*) from commune where department_code = '48'");
        Assert.Contains($"{communes.ToString("N0", French)} sur {communes.ToString("N0", French)}", Html.Squash(before.QuerySelector("#bilan")!.Text()), StringComparison.Ordinal);

        // Mende, Lozère.
        var id = await ActorRows.InsertAsync(connection, "Muséum de Mende", 1, "museum", 3.4990, 44.5180);
        try
        {
            var (_, after) = await client.GetPageAsync("/territoires/departement/48/couverture?distance_km=20");
            Assert.DoesNotContain($"{communes.ToString("N0", French)} sur", Html.Squash(after.QuerySelector("#bilan")!.Text()), StringComparison.Ordinal);
        }
        finally
        {
            await connection.ExecuteAsync("delete from actor where id = @id", new { id });
        }
    }

    [Fact]
    public async Task The_CSV_is_for_French_Excel()
    {
        await SeedAsync();

        var response = await client.GetAsync(new Uri("/territoires/departement/90/couverture.csv?distance_km=5", UriKind.Relative));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var text = Encoding.UTF8.GetString(bytes);

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("zones-blanches-departement-90-5km.csv", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.StartsWith("\uFEFFcode INSEE;commune;code département;département;population;distance à l'acteur le plus proche (km)\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", text.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_commune_name_cannot_become_a_spreadsheet_formula()
    {
        var zones = new WhiteZones(10, 1, 1, 100, [new WhiteCommune("99999", "=HYPERLINK(\"http://x\";\"y\")", "99", "-Test", 100)], []);
        using var output = new MemoryStream();

        await ExportWhiteZonesCsv.WriteAsync(output, zones, new Dictionary<string, double> { ["99999"] = 12_345 }, CancellationToken.None);

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split("\r\n");
        Assert.Equal("99999;\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\";99;'-Test;100;12,3", lines[1]);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1000")]
    [InlineData("101")]
    [InlineData("abc")]
    [InlineData("2.5")]
    public async Task A_bad_distance_is_refused_in_French(string distance)
    {
        var (response, page) = await client.GetPageAsync($"/territoires/departement/90/couverture?distance_km={Uri.EscapeDataString(distance)}");
        var csv = await client.GetAsync(new Uri($"/territoires/couverture.csv?distance_km={Uri.EscapeDataString(distance)}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("La distance doit être un nombre entier de kilomètres compris entre 1 et 100", page.QuerySelector("[role=alert]").Text(), StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("#communes-blanches"));
        Assert.Equal(HttpStatusCode.BadRequest, csv.StatusCode);
        Assert.Contains("La distance doit être", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Coverage_pages_have_a_unique_title_landmarks_no_inline_script_and_are_linked()
    {
        await SeedAsync();
        var titles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var url in new[] { "/territoires/couverture", "/territoires/couverture?distance_km=20", "/territoires/region/27/couverture", "/territoires/departement/90/couverture?cercle=1", "/territoires/commune/90010/couverture" })
        {
            var (response, page) = await client.GetPageAsync(url);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(titles.Add(page.Title!), $"{url}: title « {page.Title} » already used");
            Assert.NotNull(page.QuerySelector("main#contenu h1"));
            Assert.NotNull(page.QuerySelector("nav[aria-label=\"Fil d'Ariane\"]"));
            Assert.Empty(page.QuerySelectorAll("script:not([src])"));
        }

        var (_, territories) = await client.GetPageAsync("/territoires");
        var (_, department) = await client.GetPageAsync("/territoires/departement/90");
        var (unknown, _) = await client.GetPageAsync("/territoires/departement/00/couverture");
        Assert.NotNull(territories.QuerySelector("a[href='/territoires/couverture']"));
        Assert.NotNull(department.QuerySelector("a[href='/territoires/departement/90/couverture']"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    /// <summary>The distance from each commune centre of a department to its nearest matching published actor, in C#.</summary>
    private static async Task<Dictionary<string, double>> BruteForceAsync(NpgsqlConnection connection, string department, short[] circles, string[]? families)
    {
        var communes = await connection.QueryAsync<(string Code, double X, double Y)>(
            "select code, st_x(centre_l93), st_y(centre_l93) from commune where department_code = @department", new { department });
        var actors = (await connection.QueryAsync<(double X, double Y)>("""
            select st_x(a.geom_l93), st_y(a.geom_l93) from actor a join actor_family f on f.id = a.family_id
            where a.status = 'published' and a.circle = any(@circles) and (@families::text[] is null or f.slug = any(@families))
            """, new { circles, families })).ToList();
        return communes.ToDictionary(
            c => c.Code,
            c => actors.Count == 0 ? double.MaxValue : actors.Min(a => Math.Sqrt(((a.X - c.X) * (a.X - c.X)) + ((a.Y - c.Y) * (a.Y - c.Y)))));
    }

    private static List<string[]> SimpleCsvRows(string text) =>
        text.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(';')).ToList();

    /// <summary>Actors around the Territoire de Belfort (and one just outside it, in the Doubs), and two in La Réunion.</summary>
    private async Task<NpgsqlConnection> SeedAsync()
    {
        var connection = await database.OpenAsync();
        if (await connection.ExecuteScalarAsync<long>("select count(*) from actor") > 0)
        {
            return connection;
        }

        await ActorRows.InsertAsync(connection, "Musée de Belfort", 1, "musee", 6.8630, 47.6380);
        await ActorRows.InsertAsync(connection, "Médiathèque de Delle", 3, "bibliotheque", 7.0000, 47.5080);
        await ActorRows.InsertAsync(connection, "Antenne universitaire de Giromagny", 2, "universite", 6.8280, 47.7420);
        await ActorRows.InsertAsync(connection, "Muséum de Montbéliard", 1, "museum", 6.7980, 47.5100);
        await ActorRows.InsertAsync(connection, "Brouillon de Grandvillars", 1, "musee", 6.9700, 47.5400, status: "draft");
        await ActorRows.InsertAsync(connection, "Muséum de Saint-Denis", 1, "museum", 55.4500, -20.8800);
        await ActorRows.InsertAsync(connection, "Médiathèque de Saint-Pierre", 3, "bibliotheque", 55.4780, -21.3400);
        return connection;
    }
}
