using Dapper;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Tiles;

/// <summary>
/// The territories' tiles: outlines by zoom, and per territory the count of the filter's actors, checked against a
/// brute force (actors counted by point-in-polygon on the full outlines, not by the stored codes or the aggregates).
/// </summary>
public sealed class TerritoryTileTests : IClassFixture<TileDatabase>, IDisposable
{
    private readonly TileDatabase data;
    private readonly PortalFactory factory;
    private readonly HttpClient client;

    public TerritoryTileTests(TileDatabase data)
    {
        this.data = data;
        factory = new PortalFactory(data.Database.ConnectionString);
        client = factory.CreateClient();
    }

    [Theory]
    [InlineData("", "region", 5, 16, 11)]
    [InlineData("cercle=2", "department", 5, 16, 11)]
    [InlineData("famille=musee", "department", 6, 32, 22)]
    [InlineData("q=zephyrin", "region", 5, 16, 11)]
    [InlineData("", "commune", 10, 526, 358)]
    [InlineData("cercle=1&cercle=3", "commune", 9, 259, 176)]
    public async Task Each_territory_carries_the_count_of_the_filter_actors_inside_its_outline(string query, string level, int z, int x, int y)
    {
        var layerName = level switch { "region" => "regions", "department" => "departments", _ => "communes" };
        var decoded = await VectorTiles.DecodeAsync(await client.GetByteArrayAsync($"/tiles/territories/{z}/{x}/{y}.mvt?{query}"), z, x, y);
        var features = decoded[layerName];
        Assert.NotEmpty(features);

        await using var connection = await data.Database.OpenAsync();
        var circles = query.Contains("cercle", StringComparison.Ordinal)
            ? query.Split('&').Select(p => p.Split('=')).Where(p => p[0] == "cercle").Select(p => short.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            : null;
        var family = query.StartsWith("famille=", StringComparison.Ordinal) ? query["famille=".Length..] : null;
        var token = query.StartsWith("q=", StringComparison.Ordinal) ? TileDatabase.Token + "%" : null;
        // Brute force: point in the full outline (a point on a shared border goes to the lowest code, as on write).
        var expected = (await connection.QueryAsync<(string Code, long Actors, int? Population)>($"""
            select t.code, count(a.id), t.population
            from {level} t
            left join lateral (
                select a.id from actor a join actor_family f on f.id = a.family_id
                where a.status = 'published' and st_intersects(t.geom, a.geom)
                  and (@circles::smallint[] is null or a.circle = any(@circles))
                  and (@family::text is null or f.slug = @family)
                  and (@token::text is null or a.name like @token)
                  and not exists (select 1 from {level} o where o.code < t.code and st_intersects(o.geom, a.geom))) a on true
            where t.code = any(@codes)
            group by t.code, t.population
            """, new { circles, family, token, codes = features.Select(f => f.Text("code")).ToArray() })).ToDictionary(r => r.Code);

        Assert.Equal(features.Count, expected.Count);
        foreach (var feature in features)
        {
            var truth = expected[feature.Text("code")];
            Assert.Equal(truth.Actors, feature.Number("actors"));
            Assert.Equal(3, feature.Type);
            Assert.False(string.IsNullOrEmpty(feature.Text("name")));
            if (truth.Population is > 0)
            {
                Assert.Equal(truth.Population, (int)feature.Number("population"));
                Assert.Equal(Math.Round(truth.Actors * 10000.0 / truth.Population.Value, 2), feature.Properties["per10k"].GetDouble(), 6);
            }
        }

        Assert.True(expected.Values.Sum(e => e.Actors) > 0, "the chosen tile should hold actors of the filter");
    }

    [Fact]
    public async Task Layers_follow_the_zoom_departments_from_5_communes_from_9()
    {
        var low = await VectorTiles.DecodeAsync(await client.GetByteArrayAsync("/tiles/territories/4/8/5.mvt"), 4, 8, 5);
        Assert.Equal(["labels", "regions"], low.Keys.Order());
        var middle = await VectorTiles.DecodeAsync(await client.GetByteArrayAsync("/tiles/territories/8/131/89.mvt"), 8, 131, 89);
        Assert.Equal(["departments", "labels", "regions"], middle.Keys.Order());
        var deep = await VectorTiles.DecodeAsync(await client.GetByteArrayAsync("/tiles/territories/11/1052/717.mvt"), 11, 1052, 717);
        Assert.Equal(["communes", "departments", "labels", "regions"], deep.Keys.Order());
        // Dijon's tile at zoom 11 shows Dijon: its outline holds the town hall's point, and its exterior ring has a
        // positive surveyor's area in tile coordinates (clockwise on screen, MVT 2.1 §4.3.4.4).
        var dijon = deep["communes"].Single(f => f.Text("code") == "21231");
        var ring = dijon.Geometry[0];
        var area = 0.0;
        for (var i = 0; i < ring.Length - 1; i++)
        {
            area += (ring[i][0] * ring[i + 1][1]) - (ring[i + 1][0] * ring[i][1]);
        }

        Assert.True(area > 0, $"exterior ring area {area}");
        Assert.True(Contains(dijon.LonLat, 5.0415, 47.3220));
        Assert.False(Contains(dijon.LonLat, 5.2, 47.5));
    }

    [Fact]
    public async Task A_large_tile_comes_gzipped_to_clients_that_accept_it_and_plain_to_others()
    {
        const string url = "/tiles/territories/5/16/11.mvt";
        var plain = await client.GetAsync(url);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", plain.Headers.Vary);
        var raw = await plain.Content.ReadAsByteArrayAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "br;q=1, gzip;q=0.8");
        var zipped = await client.SendAsync(request);
        Assert.Equal(["gzip"], zipped.Content.Headers.ContentEncoding);
        var body = await zipped.Content.ReadAsByteArrayAsync();
        Assert.True(body.Length < raw.Length);
        await using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(body), System.IO.Compression.CompressionMode.Decompress);
        using var unzipped = new MemoryStream();
        await gzip.CopyToAsync(unzipped);
        Assert.Equal(raw, unzipped.ToArray());

        using var refused = new HttpRequestMessage(HttpMethod.Get, url);
        refused.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip;q=0");
        Assert.Empty((await client.SendAsync(refused)).Content.Headers.ContentEncoding);
    }

    private static bool Contains(double[][] ring, double lon, double lat)
    {
        var inside = false;
        for (int i = 0, j = ring.Length - 1; i < ring.Length; j = i++)
        {
            if ((ring[i][1] > lat) != (ring[j][1] > lat)
                && lon < ((ring[j][0] - ring[i][0]) * (lat - ring[i][1]) / (ring[j][1] - ring[i][1])) + ring[i][0])
            {
                inside = !inside;
            }
        }

        return inside;
    }

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }
}
