using Dapper;
using Npgsql;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Tiles;

/// <summary>
/// The map's aggregates (actor_cell, actor_cell_total, actor_commune_count; 006_map.sql), kept by statement
/// triggers, always equal a fresh actor_map_rebuild() after any mix of single-row and bulk inserts, moves,
/// reclassifications, status changes, edits that move nothing, and deletes.
/// </summary>
public sealed class MapAggregatesTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    // Cells left at zero by the triggers are kept (readers ignore them); the sums of coordinates are compared to
    // the centimetre, since adding and subtracting doubles in another order rounds differently.
    private const string Cells = """
        select format('%s/%s/%s %s,%s %s %s %s', z, tile_x, tile_y, cell_x, cell_y, department_code, circle, family_id) as key,
               actors::bigint as actors, round(sum_x::numeric, 2)::text || ' ' || round(sum_y::numeric, 2)::text as sums
        from actor_cell where actors <> 0
        """;

    private const string Totals = """
        select format('%s/%s/%s %s,%s', z, tile_x, tile_y, cell_x, cell_y) as key, actors::bigint as actors,
               format('%s %s %s ', circle_1, circle_2, circle_3) || round(sum_x::numeric, 2)::text || ' ' || round(sum_y::numeric, 2)::text as sums
        from actor_cell_total where actors <> 0
        """;

    private const string Communes = """
        select format('%s %s %s', commune_code, circle, family_id) as key, actors::bigint as actors, '' as sums
        from actor_commune_count where actors <> 0
        """;

    [Fact]
    public async Task Aggregates_equal_a_fresh_rebuild_after_random_writes()
    {
        await using var connection = await database.OpenAsync();
        var random = new Random(20261121);
        var families = (await connection.QueryAsync<int>("select id from actor_family order by id")).ToArray();
        // Commune centres of three départements and a few overseas: points the trigger resolves.
        var places = (await connection.QueryAsync<(string Code, double Lon, double Lat)>("""
            select code, st_x(centre), st_y(centre) from commune
            where department_code in ('21', '35', '75', '971') and centre is not null order by code
            """)).ToArray();
        Assert.NotEmpty(places);
        string Status() => random.Next(10) switch { < 7 => "published", < 9 => "draft", _ => "archived" };
        (string Code, double Lon, double Lat) Place() => places[random.Next(places.Length)];

        // One statement writing many rows (an import), located, known by commune only, or without location.
        var rows = Enumerable.Range(0, 400).Select(n =>
        {
            var place = Place();
            var kind = n % 10;
            return new
            {
                name = $"Lot {n}",
                circle = (short)(1 + random.Next(3)),
                family = families[random.Next(families.Length)],
                lon = kind < 8 ? place.Lon + ((random.NextDouble() - 0.5) * 1e-4) : (double?)null,
                lat = kind < 8 ? place.Lat + ((random.NextDouble() - 0.5) * 1e-4) : (double?)null,
                commune = kind == 8 ? place.Code : null,
                status = Status(),
                id = n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
        }).ToList();
        await connection.ExecuteAsync("""
            insert into actor (name, circle, family_id, longitude, latitude, commune_code, status, source, external_id)
            select * from unnest(@names, @circles, @families, @lons, @lats, @communes, @statuses, @sources, @ids)
            """, new
        {
            names = rows.Select(r => r.name).ToArray(),
            circles = rows.Select(r => r.circle).ToArray(),
            families = rows.Select(r => r.family).ToArray(),
            lons = rows.Select(r => r.lon).ToArray(),
            lats = rows.Select(r => r.lat).ToArray(),
            communes = rows.Select(r => r.commune).ToArray(),
            statuses = rows.Select(r => r.status).ToArray(),
            sources = rows.Select(_ => "bulk").ToArray(),
            ids = rows.Select(r => r.id).ToArray(),
        });
        await AssertAggregatesEqualRebuildAsync(connection);

        // Single-row writes, as the forms make them.
        for (var i = 0; i < 30; i++)
        {
            var place = Place();
            await ActorRows.InsertAsync(connection, $"Seul {i}", 1 + random.Next(3), "musee", place.Lon, place.Lat, status: Status());
        }

        var ids = (await connection.QueryAsync<long>("select id from actor order by id")).ToArray();
        long Id() => ids[random.Next(ids.Length)];
        for (var i = 0; i < 60; i++)
        {
            var place = Place();
            switch (random.Next(6))
            {
                case 0:
                    await connection.ExecuteAsync("update actor set longitude = @lon, latitude = @lat where id = @id", new { lon = place.Lon, lat = place.Lat, id = Id() });
                    break;
                case 1:
                    await connection.ExecuteAsync("update actor set circle = @circle, family_id = @family where id = @id",
                        new { circle = (short)(1 + random.Next(3)), family = families[random.Next(families.Length)], id = Id() });
                    break;
                case 2:
                    await connection.ExecuteAsync("update actor set status = @status where id = @id", new { status = Status(), id = Id() });
                    break;
                case 3:
                    await connection.ExecuteAsync("update actor set short_description = 'Modifié' where id = @id", new { id = Id() });
                    break;
                case 4:
                    await connection.ExecuteAsync("update actor set commune_code = @commune, longitude = null, latitude = null where id = @id",
                        new { commune = place.Code, id = Id() });
                    break;
                default:
                    await connection.ExecuteAsync("delete from actor where id = @id", new { id = Id() });
                    break;
            }
        }

        await AssertAggregatesEqualRebuildAsync(connection);

        // Bulk statements: a move, a reclassification, status changes both ways, an edit that moves nothing, deletes.
        await connection.ExecuteAsync("update actor set longitude = longitude + 0.00001 where source = 'bulk' and external_id::int % 4 = 0 and longitude is not null");
        await connection.ExecuteAsync("update actor set circle = 1 + (circle % 3) where id % 3 = 0");
        await connection.ExecuteAsync("update actor set status = case status when 'published' then 'draft' else 'published' end where id % 5 = 1");
        await connection.ExecuteAsync("update actor set name = name || ' (revu)' where id % 2 = 0");
        await connection.ExecuteAsync("delete from actor where id % 7 = 3");
        await AssertAggregatesEqualRebuildAsync(connection);

        await connection.ExecuteAsync("delete from actor");
        Assert.Empty(await connection.QueryAsync(Cells));
        Assert.Empty(await connection.QueryAsync(Totals));
        Assert.Empty(await connection.QueryAsync(Communes));
    }

    [Fact]
    public async Task Rebuilding_territories_restores_what_resolve_territory_gives_borders_included()
    {
        await using var connection = await database.OpenAsync();
        // A vertex of a Dijon outline that another commune's outline also holds: the lowest code wins.
        var border = await connection.QuerySingleAsync<(double Lon, double Lat)>("""
            select st_x(p.geom), st_y(p.geom)
            from commune c cross join lateral st_dumppoints(c.geom) p
            where c.code = '21231'
              and (select count(*) from commune o where st_intersects(o.geom, p.geom)) > 1
            limit 1
            """);
        await ActorRows.InsertAsync(connection, "Sur la limite", 1, "musee", border.Lon, border.Lat);
        await ActorRows.InsertAsync(connection, "Dijon", 1, "musee", 5.0415, 47.3220);
        await ActorRows.InsertAsync(connection, "Rennes", 2, "fablab", -1.6778, 48.1173);
        await ActorRows.InsertAsync(connection, "Approchée", 3, "bibliotheque", commune: "35238");
        await ActorRows.InsertAsync(connection, "Sans lieu", 3, "bibliotheque");

        // Territories gone wrong (as after a reload of the outlines): written with the resolution trigger off.
        await connection.ExecuteAsync("""
            alter table actor disable trigger actor_resolve_territory_on_update;
            update actor set commune_code = '75056', epci_siren = null, department_code = '75', region_code = '11'
            where name in ('Dijon', 'Sur la limite');
            update actor set epci_siren = null where name = 'Rennes';
            alter table actor enable trigger actor_resolve_territory_on_update;
            """);

        var (examined, changed) = await connection.QuerySingleAsync<(long, long)>("select examined, changed from actor_rebuild_territories()");
        Assert.Equal(4, examined);
        Assert.Equal(3, changed);
        var wrong = await connection.QueryAsync<string>("""
            select a.name from actor a cross join lateral resolve_territory(a.longitude, a.latitude) r
            where a.longitude is not null
              and (a.commune_code, a.epci_siren, a.department_code, a.region_code)
                  is distinct from (r.commune_code, r.epci_siren, r.department_code, r.region_code)
            """);
        Assert.Empty(wrong);
        Assert.Equal((0L, 0L), await connection.QuerySingleAsync<(long, long)>("select examined - 4, changed from actor_rebuild_territories()"));
    }

    private static async Task AssertAggregatesEqualRebuildAsync(NpgsqlConnection connection)
    {
        var kept = await ReadAsync(connection);
        Assert.NotEmpty(kept[0]);
        await connection.ExecuteAsync("select actor_map_rebuild()");
        var rebuilt = await ReadAsync(connection);
        for (var i = 0; i < kept.Length; i++)
        {
            Assert.Equal(rebuilt[i], kept[i]);
        }
    }

    private static async Task<List<(string Key, long Actors, string Sums)>[]> ReadAsync(NpgsqlConnection connection)
    {
        var result = new List<(string Key, long Actors, string Sums)>[3];
        var queries = new[] { Cells, Totals, Communes };
        for (var i = 0; i < queries.Length; i++)
        {
            result[i] = (await connection.QueryAsync<(string Key, long Actors, string Sums)>(queries[i])).Order().ToList();
        }

        return result;
    }
}
