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
/// Layer "labels": one point per place to name (map_label, 018_map_labels.sql), with <c>level</c>, <c>name</c> and
/// <c>population</c>: regions up to zoom <see cref="RegionLabelMaxZoom"/>, departments from
/// <see cref="DepartmentMinZoom"/> to <see cref="DepartmentLabelMaxZoom"/>, communes as their population allows
/// (every commune from zoom 12). A label belongs to the one tile that holds its point.
/// </summary>
public sealed class BuildTerritoryTile(NpgsqlDataSource dataSource)
{
    public const int DepartmentMinZoom = 5;
    public const int CommuneMinZoom = 9;
    public const int RegionLabelMaxZoom = 7;
    public const int DepartmentLabelMaxZoom = 9;

    private const double HalfWorld = 20037508.342789244;
    private const double Extent = 4096;

    /// <summary>
    /// An outline (s.geom) in tile coordinates, as ST_AsMVTGeom would give it but 10–25× cheaper on polygons (it
    /// validates and clips with GEOS): an affine map to the 4096 grid (y downwards), a clip to the tile plus a
    /// 16-unit buffer by bounding box, a snap to whole units, and exterior rings counter-clockwise in these
    /// coordinates, i.e. clockwise on screen as the MVT specification asks (what ST_AsMVTGeom produces). The
    /// outlines were simplified to about a pixel beforehand (territory_shape), so the snap drops little.
    /// </summary>
    private const string TileGeometry = """
        st_forcepolygonccw(st_collectionextract(st_removerepeatedpoints(st_snaptogrid(st_clipbybox2d(
            st_affine(s.geom, @scale, 0, 0, -@scale, -@min_x * @scale, @max_y * @scale),
            st_makeenvelope(-16, -16, 4112, 4112)), 1)), 3))
        """;

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
                       from (select {TileGeometry} as geom, s.code, r.name,
                                    coalesce(n.actors, 0)::integer as actors, r.population
                             from shapes s join {table} r on r.code = s.code left join counts n on n.code = s.code) g
                       where not st_isempty(g.geom)) t)
                """);
        }

        sql.Append(CultureInfo.InvariantCulture, $"""
             || (select coalesce(st_asmvt(t, 'labels', 4096, 'geom'), ''::bytea)
                 from (select st_asmvtgeom(l.geom, st_tileenvelope(@z, @x, @y), 4096, 0, false) as geom,
                              l.level, l.name, l.population
                       from map_label l
                       where l.geom && st_tileenvelope(@z, @x, @y) and l.min_zoom <= @z
                         and (l.level <> 'region' or @z <= {RegionLabelMaxZoom})
                         and (l.level <> 'department' or @z <= {DepartmentLabelMaxZoom})
                       order by l.population desc) t)
            """);
        parameters.Add("z", tile.Z);
        parameters.Add("x", tile.X);
        parameters.Add("y", tile.Y);
        parameters.Add("band", (short)Band(tile.Z));
        var size = 2 * HalfWorld / (1L << tile.Z);
        parameters.Add("scale", Extent / size);
        parameters.Add("min_x", -HalfWorld + (tile.X * size));
        parameters.Add("max_y", HalfWorld - (tile.Y * size));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
#pragma warning disable CA2100 // Built from constant fragments and TerritoryCountSql; every value is a parameter.
        return await connection.ExecuteScalarAsync<byte[]?>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken)) ?? [];
#pragma warning restore CA2100
    }
}
