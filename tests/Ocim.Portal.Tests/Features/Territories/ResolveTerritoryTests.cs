using Dapper;
using Ocim.Portal.Features.Territories;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Territories;

public sealed class ResolveTerritoryTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_point_in_Dijon_resolves_to_commune_21231_department_21_region_27()
    {
        await using var connection = await database.OpenAsync();

        var found = await connection.QuerySingleAsync<(string Commune, string Department, string Region, string? Epci)>(
            "select commune_code, department_code, region_code, epci_siren from resolve_territory(5.0415, 47.3220)");

        Assert.Equal(("21231", "21", "27", "242100410"), found);
    }

    [Theory]
    [InlineData(-3.0, 46.5)]   // Bay of Biscay
    [InlineData(5.5, 42.8)]    // Mediterranean, between Provence and Corsica
    [InlineData(4.35, 50.85)]  // Brussels
    public async Task A_point_at_sea_or_abroad_resolves_to_nothing(double longitude, double latitude)
    {
        await using var connection = await database.OpenAsync();

        var rows = await connection.QueryAsync<string>("select commune_code from resolve_territory(@longitude, @latitude)", new { longitude, latitude });

        Assert.Empty(rows);
    }

    [Fact]
    public async Task A_point_on_the_border_of_two_communes_resolves_to_the_lower_code_every_time()
    {
        await using var connection = await database.OpenAsync();
        // A vertex shared by Dijon and one of its neighbours, taken from the data itself.
        var border = await connection.QuerySingleAsync<(double Longitude, double Latitude, string Neighbour)>("""
            select st_x(p), st_y(p), n.code
            from commune d
            join commune n on n.code <> d.code and st_touches(d.geom, n.geom)
            cross join lateral (select (st_dumppoints(st_intersection(st_boundary(d.geom), st_boundary(n.geom)))).geom as p limit 1) v
            where d.code = '21231' and st_geometrytype(v.p) = 'ST_Point'
            order by n.code
            limit 1
            """);
        var containing = (await connection.QueryAsync<string>(
            "select code from commune where st_intersects(geom, st_setsrid(st_makepoint(@Longitude, @Latitude), 4326)) order by code",
            new { border.Longitude, border.Latitude })).ToList();

        var resolved = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            resolved.Add(await connection.ExecuteScalarAsync<string>(
                "select commune_code from resolve_territory(@Longitude, @Latitude)", new { border.Longitude, border.Latitude }) ?? "none");
        }

        Assert.True(containing.Count >= 2, "the point is on a border: at least two communes contain it");
        Assert.Equal([containing.Min(StringComparer.Ordinal)!], resolved);
    }

    [Fact]
    public async Task The_locate_use_case_returns_the_territories_of_a_point()
    {
        await using var services = TestDatabase.AppServices(database.Name);
        var locate = new LocateTerritory(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Npgsql.NpgsqlDataSource>(services));

        var dijon = await locate.LocateAsync(5.0415, 47.3220, CancellationToken.None);
        var sea = await locate.LocateAsync(-3.0, 46.5, CancellationToken.None);

        Assert.Equal(new TerritoryAtPoint("21231", "21", "27", "242100410"), dijon);
        Assert.Null(sea);
    }
}
