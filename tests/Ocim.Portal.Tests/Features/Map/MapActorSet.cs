using Npgsql;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Map;

/// <summary>
/// A small inventory spread over France, on a database of its own, for the map's tests: groups far apart (so that
/// each group is one cluster at the national view), one actor overseas (outside that view) and one unpublished.
/// </summary>
public sealed class MapActorSet : IAsyncLifetime
{
    public DatabaseFixture Database { get; } = new();

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await using var connection = await Database.OpenAsync();
        foreach (var (name, circle, family, longitude, latitude) in Actors)
        {
            await ActorRows.InsertAsync(connection, name, circle, family, longitude, latitude);
        }

        await ActorRows.InsertAsync(connection, "Brouillon de Dijon", 1, "musee", 5.0420, 47.3222, status: "draft");
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();

    /// <summary>The published actors: name, circle, family, longitude, latitude.</summary>
    public static IReadOnlyList<(string Name, int Circle, string Family, double Longitude, double Latitude)> Actors { get; } =
    [
        ("Muséum de Dijon", 1, "museum", 5.0340, 47.3190),
        ("Jardin des sciences de Dijon", 1, "jardin-botanique", 5.0380, 47.3230),
        ("Bibliothèque de Dijon", 3, "bibliotheque", 5.0415, 47.3220),
        ("Espace des sciences de Rennes", 1, "centre-de-sciences", -1.6750, 48.1100),
        ("Fablab de Rennes", 2, "fablab", -1.6800, 48.1130),
        ("Musée des Confluences", 1, "musee", 4.8180, 45.7330),
        ("Université de Lyon", 2, "universite", 4.8330, 45.7600),
        ("Bibliothèque de Lyon", 3, "bibliotheque", 4.8560, 45.7610),
        ("Médiathèque de Lyon", 3, "bibliotheque", 4.8400, 45.7500),
        ("Planétarium de Marseille", 1, "planetarium", 5.3700, 43.2960),
        ("Muséum de La Réunion", 1, "museum", 55.4500, -20.8800),
    ];

    /// <summary>The ids of the published actors inside a box, straight from SQL (the expectation of every list).</summary>
    public async Task<List<long>> IdsInAsync(string bbox, int? circle = null)
    {
        var b = bbox.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        await using var connection = await Database.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select id from actor
            where status = 'published' and geom && st_makeenvelope($1, $2, $3, $4, 4326) and ($5::smallint is null or circle = $5)
            order by id
            """, connection);
        command.Parameters.AddWithValue(b[0]);
        command.Parameters.AddWithValue(b[1]);
        command.Parameters.AddWithValue(b[2]);
        command.Parameters.AddWithValue(b[3]);
        command.Parameters.Add(new NpgsqlParameter { Value = circle is null ? DBNull.Value : (short)circle.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Smallint });
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }
}
