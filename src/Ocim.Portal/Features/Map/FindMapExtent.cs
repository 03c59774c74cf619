using Dapper;
using Npgsql;
using Ocim.Portal.Features.Actors;

namespace Ocim.Portal.Features.Map;

/// <summary>
/// Where the map opens when the address has no view of its own (#zoom/lat/lon): the filter's box, else its narrowest
/// territory, else the circle of its radius; null leaves the default view (metropolitan France).
/// </summary>
public sealed class FindMapExtent(NpgsqlDataSource dataSource)
{
    public async Task<BoundingBox?> FindAsync(ActorFilter filter, CancellationToken cancellationToken)
    {
        if (filter.Bbox is { } box)
        {
            return box;
        }

        // Table names come from this constant list, never from the request; the code is a parameter.
        var (from, code) = filter switch
        {
            { Commune: { } c } => ("commune where code = @code", c),
            { Epci: { } e } => ("epci where siren = @code", e),
            { Department: { } d } => ("department where code = @code", d),
            { Region: { } r } => ("region where code = @code", r),
            _ => (null, null),
        };

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (from is not null)
        {
            return await connection.QuerySingleOrDefaultAsync<BoundingBox>(new CommandDefinition($"""
                select st_xmin(b) as west, st_ymin(b) as south, st_xmax(b) as east, st_ymax(b) as north
                from (select box2d(geom) as b from {from}) t
                where b is not null
                """, new { code }, cancellationToken: cancellationToken));
        }

        var sql = ActorFilterSql.For(filter);
        if (sql.Centre is null || filter.RadiusKm is null)
        {
            return null;
        }

        return await connection.QuerySingleOrDefaultAsync<BoundingBox>(new CommandDefinition($"""
            select st_xmin(b) as west, st_ymin(b) as south, st_xmax(b) as east, st_ymax(b) as north
            from (select box2d(st_buffer(({sql.Centre})::geography, @radius_m)::geometry) as b) t
            where b is not null
            """, sql.Parameters, cancellationToken: cancellationToken));
    }
}
