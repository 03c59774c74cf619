using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Places;

/// <summary>The places a filter names by code (commune, department, region, EPCI), by name: « Dijon (21) », never a code.</summary>
public sealed class NamePlaces(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyDictionary<(string Kind, string Code), PlaceSuggestion>> NameAsync(
        IEnumerable<(string Kind, string Code)> places, CancellationToken cancellationToken)
    {
        var wanted = places.Distinct().ToList();
        if (wanted.Count == 0)
        {
            return new Dictionary<(string, string), PlaceSuggestion>();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<PlaceRow>(new CommandDefinition("""
            select p.kind, p.code, p.name, p.label, p.context, p.lon, p.lat, p.bbox, p.population
            from place p join unnest(@kinds, @codes) as w(kind, code) on w.kind = p.kind and w.code = p.code
            """, new { kinds = wanted.Select(w => w.Kind).ToArray(), codes = wanted.Select(w => w.Code).ToArray() }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => (r.Kind, r.Code), r => r.ToSuggestion());
    }
}
