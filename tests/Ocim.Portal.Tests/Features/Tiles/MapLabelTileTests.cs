using Dapper;
using Ocim.Portal.Tests.Features.Map;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Tiles;

/// <summary>
/// The place labels of the territory tiles (layer "labels") and the single-actor clusters of the actor tiles: what the
/// map needs to read like a map and to draw a lone actor as itself.
/// </summary>
public sealed class MapLabelTileTests : IClassFixture<MapActorSet>, IDisposable
{
    private readonly MapActorSet actors;
    private readonly PortalFactory factory;
    private readonly HttpClient client;

    public MapLabelTileTests(MapActorSet actors)
    {
        this.actors = actors;
        factory = new PortalFactory(actors.Database.ConnectionString);
        client = factory.CreateClient();
    }

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }

    private async Task<IReadOnlyList<DecodedFeature>> LabelsAsync(int z, int x, int y)
    {
        var decoded = await VectorTiles.DecodeAsync(await client.GetByteArrayAsync($"/tiles/territories/{z}/{x}/{y}.mvt"), z, x, y);
        return decoded.TryGetValue("labels", out var labels) ? labels : [];
    }

    [Fact]
    public async Task At_zoom_12_over_Dijon_the_tile_names_Dijon_and_its_neighbours_at_their_centres()
    {
        var labels = await LabelsAsync(12, 2105, 1435);

        var dijon = Assert.Single(labels, l => l.Text("name") == "Dijon");
        Assert.Equal("commune", dijon.Text("level"));
        Assert.True(dijon.Number("population") > 100_000);
        await using var connection = await actors.Database.OpenAsync();
        var centre = await connection.QuerySingleAsync<(double X, double Y)>("select st_x(centre), st_y(centre) from commune where name = 'Dijon' and department_code = '21'");
        Assert.Equal(centre.X, dijon.LonLat[0][0], 3);
        Assert.Equal(centre.Y, dijon.LonLat[0][1], 3);
        // Every commune whose centre is in the tile, small ones included, and nothing else.
        var expected = await connection.QueryAsync<string>("""
            select name from commune where st_transform(centre, 3857) && st_tileenvelope(12, 2105, 1435) order by name
            """);
        Assert.Equal(expected.Order(StringComparer.Ordinal), labels.Where(l => l.Text("level") == "commune").Select(l => l.Text("name")).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(labels, l => l.Text("level") is "region" or "department");
    }

    [Fact]
    public async Task At_the_national_zoom_the_tiles_name_regions_and_only_the_largest_cities()
    {
        var labels = await LabelsAsync(5, 16, 11);

        Assert.Contains(labels, l => l.Text("level") == "region" && l.Text("name") == "Bourgogne-Franche-Comté");
        Assert.Contains(labels, l => l.Text("level") == "department" && l.Text("name") == "Côte-d'Or");
        var communes = labels.Where(l => l.Text("level") == "commune").ToList();
        Assert.Contains(communes, l => l.Text("name") == "Lyon");
        Assert.All(communes, l => Assert.True(l.Number("population") >= 200_000, l.Text("name")));

        // Deeper, regions are no longer labelled; departments stop after zoom 9.
        Assert.DoesNotContain(await LabelsAsync(9, 263, 179), l => l.Text("level") == "region");
        Assert.DoesNotContain(await LabelsAsync(10, 526, 358), l => l.Text("level") == "department");
    }

    [Theory]
    [InlineData("")]
    [InlineData("cercle=1")]
    [InlineData("q=Planetarium")]
    public async Task A_cluster_of_one_actor_carries_its_id_and_family(string query)
    {
        await using var connection = await actors.Database.OpenAsync();
        var id = await connection.ExecuteScalarAsync<long>("select id from actor where name = 'Planétarium de Marseille'");

        // Marseille's planetarium is alone in its cell at zoom 8, by the pyramid ("", "cercle=1") or on the fly (text).
        var decoded = await VectorTiles.DecodeAsync(await client.GetByteArrayAsync($"/tiles/actors/8/131/93.mvt?{query}"), 8, 131, 93);
        var cluster = Assert.Single(decoded["actors"]);
        Assert.Equal(1, cluster.Number("count"));
        Assert.Equal(1, cluster.Number("c1"));
        Assert.Equal(id, cluster.Number("actor"));
        Assert.Equal("planetarium", cluster.Text("family"));
        Assert.False(cluster.Has("id"));

        // A cluster of several actors carries no actor.
        var lyon = await VectorTiles.DecodeAsync(await client.GetByteArrayAsync("/tiles/actors/5/16/11.mvt"), 5, 16, 11);
        Assert.All(lyon["actors"].Where(f => f.Number("count") > 1), f => Assert.False(f.Has("actor")));
    }
}
