using Dapper;
using Npgsql;
using Ocim.Portal.Features.Actors;
using Ocim.Portal.Features.Territories;

namespace Ocim.Portal.Features.Tiles;

/// <summary>
/// The actors' vector tile (layer "actors", extent 4096) for a filter (docs/decisions/0008-map-cluster-pyramid.md).
/// <list type="bullet">
/// <item>Zoom ≤ <see cref="ClusterMaxZoom"/>: clusters, one per grid cell of 1/8 tile (64 px on a 512-px tile),
/// placed at the centroid of their actors, with <c>count</c>, <c>c1</c>, <c>c2</c>, <c>c3</c> (counts per
/// circle); a cluster of one actor adds <c>actor</c> (its id) and <c>family</c>. Read from the pyramid kept by triggers (006_map.sql) when the filter is only circle, family, region and
/// department; otherwise the matching actors of the tile are grouped on the fly.</item>
/// <item>Deeper: one point per actor (<c>id</c>, <c>name</c>, <c>circle</c>, <c>family</c>, <c>count</c> = 1,
/// <c>url</c>), unless the tile holds more than <see cref="MaxPoints"/> actors, then clusters again.</item>
/// </list>
/// Every actor belongs to exactly one tile at each zoom (the cell or tile that contains its point, right and bottom
/// edges excluded), so that no actor is counted twice across neighbouring tiles.
/// </summary>
public sealed class BuildActorTile(NpgsqlDataSource dataSource)
{
    public const int ClusterMaxZoom = 12;
    public const int MaxPoints = 4000;
    public const string Layer = "actors";

    /// <summary>Half the Web Mercator world's width, in metres.</summary>
    private const string Half = "20037508.342789244";

    private const string World = "40075016.68557849";

    public async Task<byte[]> BuildAsync(TileAddress tile, ActorFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (tile.Z <= ClusterMaxZoom)
        {
            var (sql, parameters) = TerritoryCountSql.ReadsAggregates(filter) ? FromPyramid(tile, filter) : ClustersOnTheFly(tile, filter);
            return await QueryAsync(connection, sql, parameters, cancellationToken) ?? [];
        }

        var (pointsSql, pointsParameters) = Points(tile, filter);
        if (await QueryAsync(connection, pointsSql, pointsParameters, cancellationToken) is { } points)
        {
            return points;
        }

        var (clustersSql, clustersParameters) = ClustersOnTheFly(tile, filter);
        return await QueryAsync(connection, clustersSql, clustersParameters, cancellationToken) ?? [];
    }

    private static async Task<byte[]?> QueryAsync(NpgsqlConnection connection, string sql, DynamicParameters parameters, CancellationToken cancellationToken)
    {
#pragma warning disable CA2100 // Built from constant fragments and ActorFilterSql; every value is a parameter.
        return await connection.ExecuteScalarAsync<byte[]?>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
#pragma warning restore CA2100
    }

    private static DynamicParameters Address(TileAddress tile, DynamicParameters? parameters = null)
    {
        parameters ??= new DynamicParameters();
        parameters.Add("z", tile.Z);
        parameters.Add("x", tile.X);
        parameters.Add("y", tile.Y);
        return parameters;
    }

    /// <summary>
    /// Clusters as features. A cluster of one actor also carries that actor's id (<c>actor</c>) and family, so that
    /// the map draws it as the actor's own marker: the on-the-fly grouping knows the id (<c>one_id</c>); a pyramid
    /// cell of one actor sits exactly on its actor's point, found through the GIST index (at most 64 probes a tile).
    /// </summary>
    private static string ClusterFeatures(string cells, bool cellsCarryId) => $"""
        select coalesce(st_asmvt(t, '{Layer}', 4096, 'geom'), ''::bytea)
        from (select st_asmvtgeom(st_point(g.sum_x / g.actors, g.sum_y / g.actors, 3857), st_tileenvelope(@z, @x, @y), 4096, 64, true) as geom,
                     g.actors::integer as count, g.c1::integer as c1, g.c2::integer as c2, g.c3::integer as c3,
                     one.id as actor, one.family
              from ({cells}) g
              left join lateral (
                  select a.id, f.slug as family
                  from actor a join actor_family f on f.id = a.family_id
                  where g.actors = 1 and {(cellsCarryId
                      ? "a.id = g.one_id"
                      : "a.geom_3857 && st_point(g.sum_x, g.sum_y, 3857) and a.status = 'published' and a.circle = case when g.c1 = 1 then 1 when g.c2 = 1 then 2 else 3 end")}
                  order by a.id
                  limit 1) one on true) t
        """;

    private static (string Sql, DynamicParameters Parameters) FromPyramid(TileAddress tile, ActorFilter filter)
    {
        var parameters = Address(tile);
        if (filter.Circles.Count == 0 && filter.Families.Count == 0 && filter.Region is null && filter.Department is null)
        {
            return (ClusterFeatures("""
                select actors, sum_x, sum_y, circle_1 as c1, circle_2 as c2, circle_3 as c3
                from actor_cell_total
                where z = @z and tile_x = @x and tile_y = @y and actors > 0
                """, cellsCarryId: false), parameters);
        }

        // "+ 0" keeps circle and family out of the index condition: PostgreSQL 15 would run one index descent per
        // combination of the arrays; reading the tile's rows once and filtering them is cheaper.
        var conditions = new List<string> { "z = @z", "tile_x = @x", "tile_y = @y" };
        if (filter.Circles.Count > 0)
        {
            conditions.Add("circle + 0 = any(@circles)");
            parameters.Add("circles", filter.Circles.ToArray());
        }

        if (filter.Families.Count > 0)
        {
            conditions.Add("family_id + 0 = any(array(select f.id from actor_family f where f.slug = any(@families)))");
            parameters.Add("families", filter.Families.ToArray());
        }

        if (filter.Department is not null)
        {
            conditions.Add("department_code = @department");
            parameters.Add("department", filter.Department);
        }

        if (filter.Region is not null)
        {
            conditions.Add("department_code = any(array(select d.code from department d where d.region_code = @region))");
            parameters.Add("region", filter.Region);
        }

        return (ClusterFeatures($"""
            select sum(actors) as actors, sum(sum_x) as sum_x, sum(sum_y) as sum_y,
                   coalesce(sum(actors) filter (where circle = 1), 0) as c1,
                   coalesce(sum(actors) filter (where circle = 2), 0) as c2,
                   coalesce(sum(actors) filter (where circle = 3), 0) as c3
            from actor_cell
            where {string.Join(" and ", conditions)}
            group by cell_x, cell_y
            having sum(actors) > 0
            """, cellsCarryId: false), parameters);
    }

    /// <summary>The tile's matching actors: inside its envelope, and in it by the floor rule (right/bottom edges out).</summary>
    private static string InTile(string zoomCells) => $"""
        a.geom_3857 && st_tileenvelope(@z, @x, @y)
        and least(floor((st_x(a.geom_3857) + {Half}) / {World} * {zoomCells})::integer, {zoomCells} - 1) / ({zoomCells} / (1 << @z)) = @x
        and least(floor(({Half} - st_y(a.geom_3857)) / {World} * {zoomCells})::integer, {zoomCells} - 1) / ({zoomCells} / (1 << @z)) = @y
        """;

    private static (string Sql, DynamicParameters Parameters) ClustersOnTheFly(TileAddress tile, ActorFilter filter)
    {
        var scan = ActorFilterSql.For(filter);
        var parameters = Address(tile, scan.Parameters);
        parameters.Add("cells", 8L << tile.Z);
        return (ClusterFeatures($"""
            select count(*) as actors, sum(st_x(a.geom_3857)) as sum_x, sum(st_y(a.geom_3857)) as sum_y,
                   count(*) filter (where a.circle = 1) as c1, count(*) filter (where a.circle = 2) as c2,
                   count(*) filter (where a.circle = 3) as c3,
                   case when count(*) = 1 then min(a.id) end as one_id
            from actor a
            where {scan.Where} and {InTile("@cells::bigint")}
            group by least(floor((st_x(a.geom_3857) + {Half}) / {World} * @cells::bigint)::bigint, @cells::bigint - 1),
                     least(floor(({Half} - st_y(a.geom_3857)) / {World} * @cells::bigint)::bigint, @cells::bigint - 1)
            """, cellsCarryId: true), parameters);
    }

    /// <summary>One feature per actor; null when the tile holds more than <see cref="MaxPoints"/> actors.</summary>
    private static (string Sql, DynamicParameters Parameters) Points(TileAddress tile, ActorFilter filter)
    {
        var scan = ActorFilterSql.For(filter);
        var parameters = Address(tile, scan.Parameters);
        parameters.Add("tiles", 1L << tile.Z);
        parameters.Add("max_points", MaxPoints);
        return ($"""
            with points as materialized (
                select a.id, a.name, a.circle, f.slug as family, a.geom_3857
                from actor a join actor_family f on f.id = a.family_id
                where {scan.Where} and {InTile("@tiles::bigint")}
                limit @max_points + 1)
            select case when (select count(*) from points) > @max_points then null
                        else (select coalesce(st_asmvt(t, '{Layer}', 4096, 'geom'), ''::bytea)
                              from (select st_asmvtgeom(p.geom_3857, st_tileenvelope(@z, @x, @y), 4096, 64, true) as geom,
                                           p.id, p.name, p.circle::integer as circle, p.family, 1 as count,
                                           '/acteurs/' || p.id as url
                                    from points p order by p.id) t) end
            """, parameters);
    }
}
