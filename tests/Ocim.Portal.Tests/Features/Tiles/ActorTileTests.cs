using System.Globalization;
using System.Net;
using Dapper;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Ocim.Portal.Features.Actors;
using Ocim.Portal.Features.Territories;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Tiles;

/// <summary>A class database with a few hundred actors around five inland cities, drawn from a fixed seed.</summary>
public sealed class TileDatabase : IAsyncLifetime
{
    public const string Token = "Zéphyrin";

    private static readonly (double Lon, double Lat)[] Cities =
        [(5.0415, 47.3220), (2.3522, 48.8566), (4.8357, 45.7640), (1.4442, 43.6047), (3.0863, 45.7772)];

    private static readonly string[] Families = ["musee", "bibliotheque", "fablab", "universite"];

    public DatabaseFixture Database { get; } = new();

    /// <summary>Every actor as the tests' brute force sees it (Web Mercator coordinates from the stored point).</summary>
    public IReadOnlyList<Located> Actors { get; private set; } = [];

    public sealed record Located(long Id, string Name, int Circle, string Family, string Status, string? Department, string? Region, double X, double Y);

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await using var connection = await Database.OpenAsync();
        var random = new Random(20261121);
        var rows = Enumerable.Range(0, 400).Select(i =>
        {
            var (lon, lat) = Cities[i % Cities.Length];
            return new
            {
                name = (i % 13 == 0 ? Token + " " : "Lieu ") + i.ToString(CultureInfo.InvariantCulture),
                circle = (short)(1 + random.Next(3)),
                family = Families[random.Next(Families.Length)],
                lon = lon + ((random.NextDouble() - 0.5) * 0.3),
                lat = lat + ((random.NextDouble() - 0.5) * 0.3),
                status = i % 17 == 0 ? "draft" : i % 19 == 0 ? "archived" : "published",
            };
        }).ToList();

        // One statement for most (an import), single-row writes for the rest: both paths keep the pyramid.
        var bulk = rows.Take(300).ToList();
        await connection.ExecuteAsync("""
            insert into actor (name, circle, family_id, longitude, latitude, status, source, external_id)
            select r.name, r.circle, f.id, r.lon, r.lat, r.status, 'tiles', r.name
            from unnest(@names, @circles, @families, @lons, @lats, @statuses) as r(name, circle, family, lon, lat, status)
            join actor_family f on f.slug = r.family
            """, new
        {
            names = bulk.Select(r => r.name).ToArray(),
            circles = bulk.Select(r => r.circle).ToArray(),
            families = bulk.Select(r => r.family).ToArray(),
            lons = bulk.Select(r => r.lon).ToArray(),
            lats = bulk.Select(r => r.lat).ToArray(),
            statuses = bulk.Select(r => r.status).ToArray(),
        });
        foreach (var r in rows.Skip(300))
        {
            await ActorRows.InsertAsync(connection, r.name, r.circle, r.family, r.lon, r.lat, status: r.status);
        }

        // A listing known by its commune only (approximate point), and one without any location.
        await ActorRows.InsertAsync(connection, "Par sa commune", 1, "musee", commune: "21231");
        await ActorRows.InsertAsync(connection, "Sans lieu", 1, "musee");
        await ReloadAsync();
    }

    public async Task ReloadAsync()
    {
        await using var connection = await Database.OpenAsync();
        Actors = (await connection.QueryAsync<Located>("""
            select a.id, a.name, a.circle::integer as circle, f.slug as family, a.status, a.department_code as department, a.region_code as region,
                   st_x(a.geom_3857) as x, st_y(a.geom_3857) as y
            from actor a join actor_family f on f.id = a.family_id
            where a.geom_3857 is not null
            """)).ToList();
    }

    public Task DisposeAsync() => Database.DisposeAsync();
}

/// <summary>
/// The actors' tiles, decoded with the reference decoder, against a brute-force computation in C# over the actors'
/// Web Mercator points: which cell or tile each actor falls in, how many per cell and circle, where their centroid is.
/// </summary>
public sealed class ActorTileTests : IClassFixture<TileDatabase>, IDisposable
{
    private const double Half = 20037508.342789244;
    private readonly TileDatabase data;
    private readonly PortalFactory factory;
    private readonly HttpClient client;

    public ActorTileTests(TileDatabase data)
    {
        this.data = data;
        factory = new PortalFactory(data.Database.ConnectionString);
        client = factory.CreateClient();
    }

    public static TheoryData<string, string> Filters => new()
    {
        { "", "all" },                                   // the totals of the pyramid
        { "cercle=1", "circle1" },                       // the detailed pyramid
        { "famille=musee&famille=fablab&departement=21", "museum-fablab-21" },
        { "region=84&cercle=2&cercle=3", "ara-circles-2-3" },
        { "q=zephyrin", "token" },                       // clustered on the fly (text is not in the pyramid)
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Cluster_tiles_hold_the_cells_counts_and_centroids_of_a_brute_force_grouping(string query, string name)
    {
        Assert.NotNull(name);
        var matching = data.Actors.Where(Predicate(query)).ToList();
        Assert.NotEmpty(matching);
        foreach (var z in new[] { 0, 3, 5, 8, 10, 12 })
        {
            // Every tile that holds a matching actor at this zoom (at most 8 per zoom, the fullest first).
            var tiles = matching.GroupBy(a => (X: Cell(a.X, z, 1), Y: Cell(-a.Y, z, 1)))
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.X).Take(8).Select(g => g.Key).ToList();
            var fetched = new List<(byte[], int, int, int)>();
            foreach (var (x, y) in tiles)
            {
                fetched.Add((await GetTileAsync($"/tiles/actors/{z}/{x}/{y}.mvt?{query}"), z, x, y));
            }

            var decoded = await VectorTiles.DecodeManyAsync(fetched);
            for (var i = 0; i < tiles.Count; i++)
            {
                var (x, y) = tiles[i];
                var expected = matching.Where(a => Cell(a.X, z, 1) == x && Cell(-a.Y, z, 1) == y)
                    .GroupBy(a => (Cell(a.X, z, 8), Cell(-a.Y, z, 8)))
                    .Select(g => (Count: g.Count(), C1: g.Count(a => a.Circle == 1), C2: g.Count(a => a.Circle == 2), C3: g.Count(a => a.Circle == 3),
                                  X: TileX(g.Average(a => a.X), z, x), Y: TileY(g.Average(a => a.Y), z, y)))
                    .OrderBy(c => c.X).ThenBy(c => c.Y).ToList();
                var actual = decoded[i]["actors"];
                Assert.Equal(expected.Count, actual.Count);
                foreach (var cluster in expected)
                {
                    var feature = Assert.Single(actual, f => Math.Abs(f.Geometry[0][0][0] - cluster.X) <= 1 && Math.Abs(f.Geometry[0][0][1] - cluster.Y) <= 1);
                    Assert.Equal(1, feature.Type);
                    Assert.Equal((cluster.Count, cluster.C1, cluster.C2, cluster.C3),
                        ((int)feature.Number("count"), (int)feature.Number("c1"), (int)feature.Number("c2"), (int)feature.Number("c3")));
                    Assert.False(feature.Has("id"));
                }
            }
        }
    }

    [Fact]
    public async Task Deep_tiles_hold_one_point_per_actor_with_its_properties()
    {
        var published = data.Actors.Where(a => a.Status == "published").ToList();
        const int z = 14;
        var fullest = published.GroupBy(a => (X: Cell(a.X, z, 1), Y: Cell(-a.Y, z, 1))).OrderByDescending(g => g.Count()).First().Key;
        var bytes = await GetTileAsync($"/tiles/actors/{z}/{fullest.X}/{fullest.Y}.mvt");
        var features = (await VectorTiles.DecodeAsync(bytes, z, fullest.X, fullest.Y))["actors"];

        var expected = published.Where(a => Cell(a.X, z, 1) == fullest.X && Cell(-a.Y, z, 1) == fullest.Y).OrderBy(a => a.Id).ToList();
        Assert.Equal(expected.Select(a => a.Id), features.Select(f => f.Number("id")).Order());
        foreach (var actor in expected)
        {
            var feature = features.Single(f => f.Number("id") == actor.Id);
            Assert.Equal(actor.Name, feature.Text("name"));
            Assert.Equal(actor.Circle, feature.Number("circle"));
            Assert.Equal(actor.Family, feature.Text("family"));
            Assert.Equal(1, feature.Number("count"));
            Assert.Equal($"/acteurs/{actor.Id}", feature.Text("url"));
            Assert.InRange(feature.Geometry[0][0][0] - TileX(actor.X, z, fullest.X), -1, 1);
            Assert.InRange(feature.Geometry[0][0][1] - TileY(actor.Y, z, fullest.Y), -1, 1);
        }

        // Drafts and archived listings never reach the map.
        var hidden = data.Actors.First(a => a.Status != "published");
        var hiddenTile = await GetTileAsync($"/tiles/actors/{z}/{Cell(hidden.X, z, 1)}/{Cell(-hidden.Y, z, 1)}.mvt");
        var hiddenFeatures = await VectorTiles.DecodeAsync(hiddenTile, z, Cell(hidden.X, z, 1), Cell(-hidden.Y, z, 1));
        Assert.DoesNotContain(hiddenFeatures.GetValueOrDefault("actors") ?? [], f => f.Number("id") == hidden.Id);
    }

    [Fact]
    public async Task The_whole_world_tile_counts_each_matching_actor_once_like_the_list_and_the_territory_counts()
    {
        foreach (var query in new[] { "", "cercle=3", "famille=bibliotheque", "departement=69", "q=zephyrin" })
        {
            var expected = data.Actors.Count(Predicate(query));
            var actors = (await VectorTiles.DecodeAsync(await GetTileAsync($"/tiles/actors/0/0/0.mvt?{query}"), 0, 0, 0)).GetValueOrDefault("actors") ?? [];
            Assert.Equal(expected, actors.Sum(f => f.Number("count")));

            var territories = await VectorTiles.DecodeAsync(await GetTileAsync($"/tiles/territories/0/0/0.mvt?{query}"), 0, 0, 0);
            Assert.Equal(expected, territories["regions"].Sum(f => f.Number("actors")));

            // The list (its total), the CSV export (its rows) and the territory counts see the same actors (plus
            // the unlocated one, which no map can show).
            var unlocated = string.IsNullOrEmpty(query) ? 1 : 0;
            var csv = await client.GetStringAsync("/acteurs.csv?" + query);
            Assert.Equal(expected + unlocated, SimpleCsv.Parse(csv.TrimStart('\uFEFF')).Count - 1);
            var (filter, errors) = ActorFilter.Parse(QueryHelpers.ParseQuery(query));
            Assert.Empty(errors);
            await using var scope = factory.Services.CreateAsyncScope();
            var list = await scope.ServiceProvider.GetRequiredService<SearchActors>().SearchAsync(filter, null, 1, 20, CancellationToken.None);
            Assert.Equal(expected + unlocated, list.Total);
            await using var connection = await data.Database.OpenAsync();
            var (countSql, countParameters) = TerritoryCountSql.For(TerritoryLevel.Department, filter);
            Assert.Equal(expected, await connection.ExecuteScalarAsync<long>($"select coalesce(sum(actors), 0)::bigint from ({countSql}) c", countParameters));
        }
    }

    [Fact]
    public async Task A_write_changes_the_tiles_at_once_and_their_version()
    {
        var target = data.Actors.First(a => a.Status == "published" && a.Department == "21");
        var url = $"/tiles/actors/0/0/0.mvt?departement=21";
        var before = await client.GetAsync(url);
        var etag = before.Headers.ETag!.Tag;
        var total = (await VectorTiles.DecodeAsync(await before.Content.ReadAsByteArrayAsync(), 0, 0, 0))["actors"].Sum(f => f.Number("count"));

        using (var conditional = new HttpRequestMessage(HttpMethod.Get, url))
        {
            conditional.Headers.TryAddWithoutValidation("If-None-Match", etag);
            var notModified = await client.SendAsync(conditional);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }

        await using (var connection = await data.Database.OpenAsync())
        {
            await connection.ExecuteAsync("update actor set status = 'archived' where id = @id", new { id = target.Id });
        }

        try
        {
            var after = await client.GetAsync(url);
            Assert.NotEqual(etag, after.Headers.ETag!.Tag);
            var decoded = await VectorTiles.DecodeAsync(await after.Content.ReadAsByteArrayAsync(), 0, 0, 0);
            Assert.Equal(total - 1, decoded["actors"].Sum(f => f.Number("count")));
            Assert.Equal("public, max-age=60", after.Headers.CacheControl!.ToString());
            Assert.Equal("application/vnd.mapbox-vector-tile", after.Content.Headers.ContentType!.MediaType);
        }
        finally
        {
            await using var connection = await data.Database.OpenAsync();
            await connection.ExecuteAsync("update actor set status = 'published' where id = @id", new { id = target.Id });
        }
    }

    [Theory]
    [InlineData("/tiles/actors/21/0/0.mvt", HttpStatusCode.NotFound)]
    [InlineData("/tiles/actors/3/8/0.mvt", HttpStatusCode.NotFound)]
    [InlineData("/tiles/actors/3/0/-1.mvt", HttpStatusCode.NotFound)]
    [InlineData("/tiles/actors/3/a/0.mvt", HttpStatusCode.NotFound)]
    [InlineData("/tiles/territories/3/0/9.mvt", HttpStatusCode.NotFound)]
    [InlineData("/tiles/actors/3/4/2.mvt?cercle=9", HttpStatusCode.BadRequest)]
    [InlineData("/tiles/territories/3/4/2.mvt?departement=%27%3Bdrop", HttpStatusCode.BadRequest)]
    public async Task Bad_addresses_and_filters_are_refused_in_french(string url, HttpStatusCode status)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(status, response.StatusCode);
        if (status == HttpStatusCode.BadRequest)
        {
            Assert.Contains("Le filtre de la tuile est incorrect", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task An_empty_tile_is_an_empty_body()
    {
        // Mid-Pacific at zoom 6.
        var response = await client.GetAsync("/tiles/actors/6/2/30.mvt");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }

    private async Task<byte[]> GetTileAsync(string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>The filters of the tests, as the brute force reads them.</summary>
    private static Func<TileDatabase.Located, bool> Predicate(string query)
    {
        var parts = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).ToList();
        var circles = parts.Where(p => p[0] == "cercle").Select(p => int.Parse(p[1], CultureInfo.InvariantCulture)).ToList();
        var families = parts.Where(p => p[0] == "famille").Select(p => p[1]).ToList();
        var department = parts.FirstOrDefault(p => p[0] == "departement")?[1];
        var region = parts.FirstOrDefault(p => p[0] == "region")?[1];
        var text = parts.Any(p => p[0] == "q");
        return a => a.Status == "published"
            && (circles.Count == 0 || circles.Contains(a.Circle))
            && (families.Count == 0 || families.Contains(a.Family))
            && (department is null || a.Department == department)
            && (region is null || a.Region == region)
            && (!text || a.Name.StartsWith(TileDatabase.Token, StringComparison.Ordinal));
    }

    /// <summary>The column (or row, given −y) of a Web Mercator coordinate among 2^z × perTile cells.</summary>
    private static int Cell(double coordinate, int z, int perTile)
    {
        var cells = (1L << z) * perTile;
        return (int)Math.Min(Math.Floor((coordinate + Half) / (2 * Half) * cells), cells - 1);
    }

    private static double TileSize(int z) => 2 * Half / (1L << z);

    private static double TileX(double x, int z, int tileX) => (x - (-Half + (tileX * TileSize(z)))) / TileSize(z) * 4096;

    private static double TileY(double y, int z, int tileY) => ((Half - (tileY * TileSize(z))) - y) / TileSize(z) * 4096;
}
