using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;
using Ocim.Portal.Features.Actors;
using Ocim.Portal.Features.Territories;

namespace Ocim.Portal.Features.Tiles;

/// <summary>
/// The territories' vector tile: the outlines the map draws as its own background (no third-party base map), and
/// for each territory the count of the filter's actors, its population and actors per 10,000 inhabitants, for the
/// choropleth. Layers: "regions" at every zoom, "departments" from zoom <see cref="DepartmentMinZoom"/>, "communes"
/// from zoom <see cref="CommuneMinZoom"/>. Outlines come pre-simplified per band of zooms (territory_shape,
/// 006_map.sql); counts come from <see cref="TerritoryCountSql"/>, the same counts as the territory pages.
/// </summary>
public sealed class BuildTerritoryTile(NpgsqlDataSource dataSource)
{
    public const int DepartmentMinZoom = 5;
    public const int CommuneMinZoom = 9;

    /// <summary>The band of simplified outlines for a zoom (see territory_band_tolerance in 006_map.sql).</summary>
    public static int Band(int zoom) => zoom switch
    {
        <= 4 => 0,
        <= 7 => 1,
        <= 10 => 2,
        _ => 3,
    };

    public async Task<byte[]> BuildAsync(TileAddress tile, ActorFilter filter, CancellationToken cancellationToken)
    {
        var layers = new List<(TerritoryLevel Level, string Table, string Layer)> { (TerritoryLevel.Region, "region", "regions") };
        if (tile.Z >= DepartmentMinZoom)
        {
            layers.Add((TerritoryLevel.Department, "department", "departments"));
        }

        if (tile.Z >= CommuneMinZoom)
        {
            layers.Add((TerritoryLevel.Commune, "commune", "communes"));
        }

        // The same filter gives the same parameter names and values at every level: each is added once.
        var parameters = new DynamicParameters();
        var sql = new StringBuilder("select ");
        for (var i = 0; i < layers.Count; i++)
        {
            var (level, table, layer) = layers[i];
            var shapes = $"select s.code, s.geom from territory_shape s where s.level = '{table}' and s.band = @band and s.geom && st_tileenvelope(@z, @x, @y)";
            var (counts, countParameters) = TerritoryCountSql.For(level, filter, "array(select code from shapes)");
            foreach (var name in countParameters.ParameterNames.Where(name => !parameters.ParameterNames.Contains(name)))
            {
                parameters.Add(name, countParameters.Get<object>(name));
            }

            sql.Append(i == 0 ? string.Empty : " || ").Append(CultureInfo.InvariantCulture, $"""
                (with shapes as materialized ({shapes}),
                      counts as ({counts})
                 select coalesce(st_asmvt(t, '{layer}', 4096, 'geom'), ''::bytea)
                 from (select g.geom, g.code, g.name, g.actors, g.population,
                              case when g.population > 0 then round(g.actors * 10000.0 / g.population, 2)::double precision end as per10k
                       from (select st_asmvtgeom(s.geom, st_tileenvelope(@z, @x, @y), 4096, 16, true) as geom, s.code, r.name,
                                    coalesce(n.actors, 0)::integer as actors, r.population
                             from shapes s join {table} r on r.code = s.code left join counts n on n.code = s.code) g
                       where g.geom is not null) t)
                """);
        }

        parameters.Add("z", tile.Z);
        parameters.Add("x", tile.X);
        parameters.Add("y", tile.Y);
        parameters.Add("band", (short)Band(tile.Z));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
#pragma warning disable CA2100 // Built from constant fragments and TerritoryCountSql; every value is a parameter.
        return await connection.ExecuteScalarAsync<byte[]?>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken)) ?? [];
#pragma warning restore CA2100
    }
}
