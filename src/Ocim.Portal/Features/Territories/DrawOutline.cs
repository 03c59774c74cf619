using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Territories;

/// <summary>One outline of a small map: an SVG path in Web Mercator metres (y pointing down, as ST_AsSVG writes it).</summary>
public sealed record OutlineShape(string Code, string Name, string Path, bool IsSelf, string? Href);

/// <summary>A small map drawn on the server as inline SVG: no script, no tile server, readable without JavaScript.</summary>
public sealed record OutlineMap(string ViewBox, IReadOnlyList<OutlineShape> Shapes)
{
    public static readonly OutlineMap Empty = new("0 0 1 1", []);
}

/// <summary>
/// A small map with its accessible title and its caption, for the _OutlineMap partial; <paramref name="Classes"/>
/// gives shapes, by code, an extra CSS class (a choropleth's fill, a white zone).
/// </summary>
public sealed record OutlineMapView(OutlineMap Map, string Title, string Caption, IReadOnlyDictionary<string, string>? Classes = null);

/// <summary>
/// Draws a territory with its sub-territories (or, for a commune, its neighbours), simplified to the scale of the
/// drawing: the tolerance is 1/400 of the drawing's larger side, so a region and a commune cost about the same.
/// </summary>
public sealed class DrawOutline(NpgsqlDataSource dataSource)
{
    // Each query takes @code and returns the shapes; the first CTE is the territory whose extent frames the drawing.
    private const string Region = """
        with self as (select geom_3857 as g from region where code = @code),
        scale as (select greatest(st_xmax(g) - st_xmin(g), st_ymax(g) - st_ymin(g)) / 400 as tolerance from self)
        select d.code, d.name, st_assvg(st_simplifypreservetopology(d.geom_3857, scale.tolerance), 1, 0) as path, false as is_self
        from department d, scale where d.region_code = @code
        order by d.code
        """;

    private const string Department = """
        with self as (select geom_3857 as g from department where code = @code),
        scale as (select greatest(st_xmax(g) - st_xmin(g), st_ymax(g) - st_ymin(g)) / 300 as tolerance from self)
        select c.code, c.name, st_assvg(st_simplifypreservetopology(c.geom_3857, scale.tolerance), 1, 0) as path, false as is_self
        from commune c, scale where c.department_code = @code
        order by c.code
        """;

    private const string Epci = """
        with self as (select geom_3857 as g from epci where siren = @code),
        scale as (select greatest(st_xmax(g) - st_xmin(g), st_ymax(g) - st_ymin(g)) / 400 as tolerance from self)
        select c.code, c.name, st_assvg(st_simplifypreservetopology(c.geom_3857, scale.tolerance), 1, 0) as path, false as is_self
        from commune c, scale where c.epci_siren = @code
        order by c.code
        """;

    // A commune among its neighbours: the frame is the commune grown by half its size.
    private const string Commune = """
        with self as (select geom_3857 as g, geom from commune where code = @code),
        scale as (select greatest(st_xmax(g) - st_xmin(g), st_ymax(g) - st_ymin(g)) / 400 as tolerance from self)
        select c.code, c.name, st_assvg(st_simplifypreservetopology(c.geom_3857, scale.tolerance), 1, 0) as path,
               c.code = @code as is_self
        from commune c, self, scale
        where c.code = @code or st_touches(c.geom, self.geom)
        order by c.code = @code, c.code
        """;

    // France as a whole: metropolitan regions only (overseas regions would shrink the drawing to nothing).
    private const string National = """
        with scale as (select 2000 as tolerance)
        select r.code, r.name, st_assvg(st_simplifypreservetopology(r.geom_3857, scale.tolerance), 1, 0) as path, false as is_self
        from region r, scale where r.code >= '11'
        order by r.code
        """;

    private const string Frame = """
        select st_xmin(e), st_ymin(e), st_xmax(e), st_ymax(e)
        from (select st_extent(g) as e from (
            select geom_3857 as g from region where @level = 'national' and code >= '11'
            union all select geom_3857 from region where @level = 'region' and code = @code
            union all select geom_3857 from department where @level = 'department' and code = @code
            union all select geom_3857 from epci where @level = 'epci' and siren = @code
            union all select st_expand(geom_3857, greatest(st_xmax(geom_3857) - st_xmin(geom_3857), st_ymax(geom_3857) - st_ymin(geom_3857)) / 2)
                from commune where @level = 'commune' and code = @code) s) x
        """;

    // Metropolitan France's departments, for the nationwide coverage page.
    private const string NationalDepartments = """
        with scale as (select 2500 as tolerance)
        select d.code, d.name, st_assvg(st_simplifypreservetopology(d.geom_3857, scale.tolerance), 1, 0) as path, false as is_self
        from department d, scale where d.code not like '97%'
        order by d.code
        """;

    // Some communes drawn at the scale of the territory that frames them (a region's white zones).
    private const string Communes = """
        with self as (select geom_3857 as g from region where code = @code),
        scale as (select greatest(st_xmax(g) - st_xmin(g), st_ymax(g) - st_ymin(g)) / 400 as tolerance from self)
        select c.code, c.name, st_assvg(st_simplifypreservetopology(c.geom_3857, scale.tolerance), 1, 0) as path, false as is_self
        from commune c, scale where c.code = any(@communes)
        order by c.code
        """;

    /// <summary>The departments of metropolitan France, each linked to its page.</summary>
    public async Task<OutlineMap> DrawDepartmentsAsync(CancellationToken cancellationToken)
    {
        var frame = await DrawAsync(null, null, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Code, string Name, string? Path, bool IsSelf)>(
            new CommandDefinition(NationalDepartments, cancellationToken: cancellationToken));
        return frame with { Shapes = Shapes(rows, TerritoryLevel.Department) };
    }

    /// <summary>Some communes of a region, at the scale of the region's drawing, each linked to its page.</summary>
    public async Task<IReadOnlyList<OutlineShape>> DrawRegionCommunesAsync(string region, IReadOnlyCollection<string> communes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Code, string Name, string? Path, bool IsSelf)>(
            new CommandDefinition(Communes, new { code = region, communes = communes.ToArray() }, cancellationToken: cancellationToken));
        return Shapes(rows, TerritoryLevel.Commune);
    }

    private static List<OutlineShape> Shapes(IEnumerable<(string Code, string Name, string? Path, bool IsSelf)> rows, TerritoryLevel level) =>
        rows.Where(r => !string.IsNullOrEmpty(r.Path))
            .Select(r => new OutlineShape(r.Code, r.Name, r.Path!, r.IsSelf, r.IsSelf ? null : level.Href(r.Code)))
            .ToList();

    /// <summary>Draws a territory (level null: France) with links to the shapes' own pages.</summary>
    public async Task<OutlineMap> DrawAsync(TerritoryLevel? level, string? code, CancellationToken cancellationToken)
    {
        var (sql, childLevel, levelName) = level switch
        {
            TerritoryLevel.Region => (Region, TerritoryLevel.Department, "region"),
            TerritoryLevel.Department => (Department, TerritoryLevel.Commune, "department"),
            TerritoryLevel.Epci => (Epci, TerritoryLevel.Commune, "epci"),
            TerritoryLevel.Commune => (Commune, TerritoryLevel.Commune, "commune"),
            _ => (National, TerritoryLevel.Region, "national"),
        };

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var frame = await connection.QuerySingleAsync<(double? MinX, double? MinY, double? MaxX, double? MaxY)>(
            new CommandDefinition(Frame, new { level = levelName, code = code ?? string.Empty }, cancellationToken: cancellationToken));
        if (frame.MinX is null)
        {
            return OutlineMap.Empty;
        }

        var rows = await connection.QueryAsync<(string Code, string Name, string? Path, bool IsSelf)>(
            new CommandDefinition(sql, new { code = code ?? string.Empty }, cancellationToken: cancellationToken));
        var shapes = rows
            .Where(r => !string.IsNullOrEmpty(r.Path))
            .Select(r => new OutlineShape(r.Code, r.Name, r.Path!, r.IsSelf, r.IsSelf ? null : childLevel.Href(r.Code)))
            .ToList();

        // ST_AsSVG writes y as -northing, so the frame's top is -MaxY.
        var width = frame.MaxX!.Value - frame.MinX.Value;
        var height = frame.MaxY!.Value - frame.MinY!.Value;
        var margin = Math.Max(width, height) * 0.02;
        var viewBox = FormattableString.Invariant(
            $"{Math.Floor(frame.MinX.Value - margin)} {Math.Floor(-frame.MaxY.Value - margin)} {Math.Ceiling(width + 2 * margin)} {Math.Ceiling(height + 2 * margin)}");
        return new OutlineMap(viewBox, shapes);
    }
}
