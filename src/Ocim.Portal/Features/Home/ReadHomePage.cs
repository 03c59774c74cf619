using System.Globalization;
using Dapper;
using Npgsql;
using Ocim.Portal.Data;
using Ocim.Portal.Features.Events;

namespace Ocim.Portal.Features.Home;

/// <summary>Published actors of one circle.</summary>
public sealed record CircleFigure(short Circle, long Actors);

/// <summary>A metropolitan region on the home page's map: its outline, where its figure is written, its actors.</summary>
public sealed record HomeRegion(string Code, string Name, string Path, string LabelX, string LabelY, long Actors, string MapHref, string CssClass);

/// <summary>What the home page shows, read live on each request.</summary>
public sealed record HomePage(
    IReadOnlyList<CircleFigure> Circles,
    int RegionsCovered,
    int DepartmentsCovered,
    int UpcomingEvents,
    string MapViewBox,
    IReadOnlyList<HomeRegion> Regions,
    IReadOnlyList<EventListItem> NextEvents)
{
    public long Actors => Circles.Sum(c => c.Actors);
}

/// <summary>
/// The home page's figures. Every count comes from an aggregate the writes keep up to date (actor_count, a few hundred
/// rows whatever the inventory's size, 004_actor_counts.sql) or from the small events tables: never a scan of the
/// actors. The regions' outlines are drawn once per process (HomeMapOutlines).
/// </summary>
public sealed class ReadHomePage(NpgsqlDataSource dataSource, HomeMapOutlines outlines, SearchEvents searchEvents, TimeProvider clock)
{
    public const int NextEventCount = 3;

    private const string Sql = """
        -- The three circles always, at 0 when none is published yet.
        select c.circle, coalesce(sum(n.actors), 0)::bigint as actors
        from (values (1::smallint), (2::smallint), (3::smallint)) as c (circle)
        left join actor_count n on n.circle = c.circle and n.status = @published
        group by c.circle order by c.circle;

        select d.region_code, sum(c.actors)::bigint as actors
        from actor_count c join department d on d.code = c.department_code
        where c.status = @published
        group by d.region_code having sum(c.actors) > 0;

        select count(distinct department_code)::int
        from actor_count where status = @published and department_code <> '' and actors > 0;

        -- Upcoming: announced (published or postponed, not cancelled) with a session that has not ended.
        select count(*)::int from event e
        where e.status in ('published', 'postponed')
          and exists (select from event_session s where s.event_id = e.id and s.ends_at >= @now);
        """;

    public async Task<HomePage> ReadAsync(CancellationToken cancellationToken)
    {
        var drawing = await outlines.GetAsync(cancellationToken);
        List<CircleFigure> circles;
        Dictionary<string, long> byRegion;
        int departments;
        int events;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await using var reader = await connection.QueryMultipleAsync(new CommandDefinition(
                Sql, new { published = ActorStatus.Published, now = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
            circles = (await reader.ReadAsync<CircleFigure>()).ToList();
            byRegion = (await reader.ReadAsync<(string Region, long Actors)>()).ToDictionary(r => r.Region, r => r.Actors);
            departments = await reader.ReadSingleAsync<int>();
            events = await reader.ReadSingleAsync<int>();
        }

        var next = (await searchEvents.ListAsync(new EventFilter(), archive: false, cancellationToken))
            .Where(e => e.Status != "cancelled")
            .Take(NextEventCount)
            .ToList();
        var max = byRegion.Count == 0 ? 0 : byRegion.Values.Max();
        var regions = drawing.Regions
            .Select(r =>
            {
                var actors = byRegion.GetValueOrDefault(r.Code);
                return new HomeRegion(r.Code, r.Name, r.Path, r.LabelX, r.LabelY, actors, r.MapHref, ShadeOf(actors, max));
            })
            .ToList();
        return new HomePage(circles, byRegion.Count, departments, events, drawing.ViewBox, regions, next);
    }

    /// <summary>Four steps of the territory choropleth's fills (site.css choro-1…4), by share of the busiest region.</summary>
    private static string ShadeOf(long actors, long max) =>
        actors == 0 || max == 0 ? "choro-0" : "choro-" + Math.Clamp((int)Math.Ceiling(4.0 * actors / max), 1, 4).ToString(CultureInfo.InvariantCulture);
}

/// <summary>A region's outline and its label point, in Web Mercator kilometres, y pointing down.</summary>
public sealed record RegionOutline(string Code, string Name, string Path, string LabelX, string LabelY, string MapHref);

/// <summary>Metropolitan France's regions, framed for the home page.</summary>
public sealed record HomeMapDrawing(string ViewBox, IReadOnlyList<RegionOutline> Regions);

/// <summary>
/// The regions' outlines for the home page's map, drawn once and kept for the life of the process: simplifying them
/// costs about 190 ms, and territories only change when the reference data is reloaded (a restart follows). An empty
/// drawing (territories not loaded yet) is not kept.
/// </summary>
public sealed class HomeMapOutlines(NpgsqlDataSource dataSource) : IDisposable
{
    private const string Sql = """
        select r.code, r.name,
               st_assvg(st_snaptogrid(st_scale(st_simplifypreservetopology(r.geom_3857, 2500), 0.001, 0.001), 1), 1, 0) as path,
               st_x(p) as x, st_y(p) as y, st_x(st_transform(p, 4326)) as lon, st_y(st_transform(p, 4326)) as lat
        from region r, lateral (select st_pointonsurface(r.geom_3857) as p) s
        where r.code >= '11'
        order by r.code
        """;

    private readonly SemaphoreSlim gate = new(1, 1);
    private HomeMapDrawing? drawing;

    public async Task<HomeMapDrawing> GetAsync(CancellationToken cancellationToken)
    {
        if (drawing is { } ready)
        {
            return ready;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (drawing is { } drawn)
            {
                return drawn;
            }

            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var rows = (await connection.QueryAsync<(string Code, string Name, string? Path, double X, double Y, double Lon, double Lat)>(
                new CommandDefinition(Sql, cancellationToken: cancellationToken))).Where(r => !string.IsNullOrEmpty(r.Path)).ToList();
            if (rows.Count == 0)
            {
                return new HomeMapDrawing("0 0 1 1", []);
            }

            // The frame of the regions' label points would cut the coasts: frame the outlines' extent instead.
            var extent = await connection.QuerySingleAsync<(double MinX, double MinY, double MaxX, double MaxY)>(new CommandDefinition(
                "select st_xmin(e), st_ymin(e), st_xmax(e), st_ymax(e) from (select st_extent(geom_3857) as e from region where code >= '11') x",
                cancellationToken: cancellationToken));
            // The drawing is in whole kilometres (snapped, so that relative moves add no rounding drift): half the bytes
            // of metres, at about half a pixel of the widest drawing; and browsers cap font sizes, so the counts could
            // not be written at a size of tens of thousands of metres.
            var margin = Math.Max(extent.MaxX - extent.MinX, extent.MaxY - extent.MinY) * 0.02;
            var viewBox = FormattableString.Invariant(
                $"{Math.Floor((extent.MinX - margin) / 1000)} {Math.Floor((-extent.MaxY - margin) / 1000)} {Math.Ceiling((extent.MaxX - extent.MinX + 2 * margin) / 1000)} {Math.Ceiling((extent.MaxY - extent.MinY + 2 * margin) / 1000)}");
            drawing = new HomeMapDrawing(viewBox, rows
                .Select(r => new RegionOutline(
                    r.Code,
                    r.Name,
                    r.Path!,
                    (r.X / 1000).ToString("0.#", CultureInfo.InvariantCulture),
                    (-r.Y / 1000).ToString("0.#", CultureInfo.InvariantCulture),
                    FormattableString.Invariant($"/carte#7/{r.Lat:0.###}/{r.Lon:0.###}")))
                .ToList());
            return drawing;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();
}
