using Dapper;
using Npgsql;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Actors;

/// <summary>Territories are resolved by the database whenever a location is written, whatever writes it.</summary>
public sealed class ActorTerritoryResolutionTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_point_in_Dijon_gets_its_commune_epci_department_and_region()
    {
        await using var connection = await database.OpenAsync();

        var id = await ActorRows.InsertAsync(connection, "Muséum de Dijon", 1, "museum", 5.0415, 47.3220);

        var row = await connection.QuerySingleAsync<(string Commune, string Epci, string Department, string Region, bool Approximate)>(
            "select commune_code, epci_siren, department_code, region_code, location_approximate from actor where id = @id", new { id });
        Assert.Equal(("21231", "242100410", "21", "27", false), row);
    }

    [Fact]
    public async Task A_point_at_sea_is_refused_with_a_French_message_and_nothing_is_written()
    {
        await using var connection = await database.OpenAsync();
        var before = await connection.ExecuteScalarAsync<long>("select count(*) from actor");

        var error = await Assert.ThrowsAsync<PostgresException>(() => ActorRows.InsertAsync(connection, "En mer", 1, "musee", -3.0, 46.5));

        Assert.Equal("OC001", error.SqlState);
        Assert.Contains("hors de France", error.MessageText, StringComparison.Ordinal);
        Assert.Equal(before, await connection.ExecuteScalarAsync<long>("select count(*) from actor"));
    }

    [Fact]
    public async Task A_point_on_a_commune_border_resolves_to_the_lower_commune_code()
    {
        await using var connection = await database.OpenAsync();
        var border = await connection.QuerySingleAsync<(double Longitude, double Latitude, string Lower)>("""
            select st_x(p), st_y(p), least(d.code, n.code)
            from commune d
            join commune n on n.code <> d.code and st_touches(d.geom, n.geom)
            cross join lateral (select (st_dumppoints(st_intersection(st_boundary(d.geom), st_boundary(n.geom)))).geom as p limit 1) v
            where d.code = '21231' and st_geometrytype(v.p) = 'ST_Point'
            order by n.code limit 1
            """);

        var id = await ActorRows.InsertAsync(connection, "Sur la frontière", 3, "autre", border.Longitude, border.Latitude);

        Assert.Equal(border.Lower, await connection.ExecuteScalarAsync<string>("select commune_code from actor where id = @id", new { id }));
    }

    [Fact]
    public async Task A_listing_known_only_by_its_commune_gets_the_commune_centre_flagged_approximate()
    {
        await using var connection = await database.OpenAsync();

        var id = await ActorRows.InsertAsync(connection, "Association beaunoise", 1, "association", commune: "21054");

        var row = await connection.QuerySingleAsync<(double Longitude, double Latitude, bool Approximate, string Commune, string Department, bool Inside)>("""
            select a.longitude, a.latitude, a.location_approximate, a.commune_code, a.department_code, st_intersects(c.geom, a.geom)
            from actor a join commune c on c.code = '21054' where a.id = @id
            """, new { id });
        Assert.True(row.Approximate);
        Assert.Equal(("21054", "21"), (row.Commune, row.Department));
        Assert.True(row.Inside, "the centre lies inside the commune");
    }

    [Fact]
    public async Task An_unknown_commune_code_is_refused_in_French()
    {
        await using var connection = await database.OpenAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() => ActorRows.InsertAsync(connection, "Nulle part", 1, "musee", commune: "99999"));

        Assert.Equal("OC002", error.SqlState);
        Assert.Contains("99999", error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Moving_a_listing_re_resolves_it_and_editing_anything_else_keeps_its_territories()
    {
        await using var connection = await database.OpenAsync();
        var id = await ActorRows.InsertAsync(connection, "Itinérant", 3, "autre", 5.0415, 47.3220);

        await connection.ExecuteAsync("update actor set longitude = -1.6778, latitude = 48.1173 where id = @id", new { id });
        var moved = await connection.QuerySingleAsync<(string Commune, string Department, string Region)>(
            "select commune_code, department_code, region_code from actor where id = @id", new { id });
        await connection.ExecuteAsync("update actor set name = 'Itinérant (Rennes)' where id = @id", new { id });
        var renamed = await connection.QuerySingleAsync<(string Commune, string Department, string Region)>(
            "select commune_code, department_code, region_code from actor where id = @id", new { id });

        Assert.Equal(("35238", "35", "53"), moved);
        Assert.Equal(moved, renamed);
    }

    [Fact]
    public async Task Moving_a_listing_to_sea_by_plain_SQL_is_refused_too()
    {
        await using var connection = await database.OpenAsync();
        var id = await ActorRows.InsertAsync(connection, "Phare", 3, "site-patrimonial", 5.0415, 47.3220);

        var error = await Assert.ThrowsAsync<PostgresException>(() =>
            connection.ExecuteAsync("update actor set longitude = -5.5, latitude = 47.0 where id = @id", new { id }));

        Assert.Equal("OC001", error.SqlState);
        Assert.Equal("21231", await connection.ExecuteScalarAsync<string>("select commune_code from actor where id = @id", new { id }));
    }
}
