using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;
using Ocim.Portal.Features.Actors;

namespace Ocim.Portal.Features.Territories;

/// <summary>A commune whose nearest matching actor is farther than the distance asked.</summary>
public sealed record WhiteCommune(string Code, string Name, string DepartmentCode, string DepartmentName, int Population);

/// <summary>A department's share of the white zones (the nationwide page's summary).</summary>
public sealed record WhiteDepartment(string Code, string Name, int Communes, int WhiteCommunes, long Population, long WhitePopulation)
{
    public double Share => Population > 0 ? (double)WhitePopulation / Population : 0;
}

/// <summary>The white zones of a territory for one distance and one filter, at one data version.</summary>
public sealed record WhiteZones(
    int DistanceKm,
    long DataVersion,
    int Communes,
    long Population,
    IReadOnlyList<WhiteCommune> White,
    IReadOnlyList<WhiteDepartment> Departments,
    long? MatchingActors = null)
{
    /// <summary>
    /// Metres from the centre to the nearest matching actor, computed with the white zones for the
    /// <see cref="FindWhiteZones.MeasuredCommunes"/> most populated white communes (when one lies within
    /// <see cref="FindWhiteZones.NearestSearchKm"/> km). Page and CSV both read it: it is computed once per cache entry.
    /// </summary>
    public IReadOnlyDictionary<string, double> Distances { get; init; } = new Dictionary<string, double>();

    /// <summary>True when some white communes were left without a measured distance (more of them than the bound).</summary>
    public bool DistancesBounded => White.Count > FindWhiteZones.MeasuredCommunes;

    public long WhitePopulation => White.Sum(w => (long)w.Population);

    public double PopulationShare => Population > 0 ? (double)WhitePopulation / Population : 0;
}

/// <summary>
/// The communes of a territory (or of France) whose nearest published actor matching the filter is farther than N
/// km from their centre (the "zones blanches" the regional networks ask for). In metropolitan France a commune whose
/// centre shares a cell of the cluster pyramid with a matching actor, the cell being small enough, is covered without
/// reading any actor (a few index-only lookups; at a million actors this settles about 97 % of the communes at 10 km);
/// the others are measured in Lambert-93 with the GIST index on actor.geom_l93 (one NOT EXISTS per commune, which
/// stops at the first actor found); overseas, Lambert-93 does not hold, so the region's actors are narrowed by a box in degrees and the
/// spheroid decides. Results are kept in memory per (territory, N, filter, data version): any change to the actors
/// bumps the version, so an entry is never stale.
/// </summary>
public sealed class FindWhiteZones(NpgsqlDataSource dataSource, WhiteZoneCache cache)
{
    public const int MinDistanceKm = 1;
    public const int MaxDistanceKm = 100;
    public const int DefaultDistanceKm = 10;

    /// <summary>Up to this many matching actors, the probes read a copy of their points rather than the actor table.</summary>
    public const int RareFilterActors = 100_000;

    /// <summary>How far the distance to the nearest actor is looked for; beyond it the distance is left empty.</summary>
    public const int NearestSearchKm = 200;

    /// <summary>
    /// The nearest-actor distance is measured for at most this many white communes per result, the most populated
    /// first: at 1 km nationwide about 27,000 communes are white, and measuring each of them cost seconds (21 s with
    /// a word filter). The page and the CSV say so; the page measures the other communes it shows, 100 at a time.
    /// </summary>
    public const int MeasuredCommunes = 2_000;

    // Metropolitan communes: first the quick test of the cluster pyramid (CellTest, when the filter allows), behind a
    // materialised CTE so that the planner cannot run the actor probe first; then one NOT EXISTS per remaining commune.
    // Overseas: a box of N/100 degrees holds every point within N km at the overseas departments' latitudes
    // (|lat| < 22°, where a degree of longitude is more than 103 km), so the index narrows and the spheroid decides.
    private const string Sql = """
        with candidate as materialized (
            select c.code, c.name, c.department_code, c.population, c.centre_l93
            from commune c
            where {0} and c.department_code not like '97%'{2}
        )
        select c.code, c.name, c.department_code, d.name as department_name, coalesce(c.population, 0) as population
        from candidate c join department d on d.code = c.department_code
        where not exists (select 1 from actor a where {1} and st_dwithin(a.geom_l93, c.centre_l93, @distance_m))
        union all
        select c.code, c.name, c.department_code, d.name, coalesce(c.population, 0)
        from commune c join department d on d.code = c.department_code
        where {0} and c.department_code like '97%'
          and not exists (select 1 from actor a where {1} and a.region_code = c.region_code
                          and a.geom && st_expand(c.centre, @distance_deg)
                          and st_dwithin(a.geom::geography, c.centre::geography, @distance_m))
        """;

    // A commune whose centre lies in a cell of the pyramid (006_map.sql: published actors per Web Mercator cell, zoom
    // @z, per circle and family) holding a matching actor is covered when the whole cell is within N km of any point
    // of it: its diagonal is at most N (CellZoom). The cell is computed as actor_cells_of does, with the spherical
    // Mercator formulas (cheaper than st_transform on 35,000 points). Index-only lookups on the pyramid's key.
    private const string CellTest =
        "\n      and not exists (\n"
        + "          select 1\n"
        + "          from (" + CentreCell + ") k\n"
        + "          join actor_cell ac on ac.z = @z and ac.tile_x = k.cx >> 3 and ac.tile_y = k.cy >> 3 and ac.cell_x = k.cx and ac.cell_y = k.cy\n"
        + "          where ac.actors > 0{0})";

    /// <summary>The pyramid cell (cx, cy) at zoom @z of a commune's centre c.centre; a test pins it to actor_cells_of.</summary>
    internal const string CentreCell = """
        select floor((radians(st_x(c.centre)) * 6378137 + 20037508.342789244) / 40075016.68557849 * (8 << @z))::integer as cx,
               floor((20037508.342789244 - ln(tan(radians(45 + st_y(c.centre) / 2))) * 6378137) / 40075016.68557849 * (8 << @z))::integer as cy
        """;

    // The distance from each of @communes' centres to its nearest matching actor, among its @candidates nearest actors
    // of any kind within @search_m: bounded whatever the filter ({1}, ActorFilterSql's WHERE).
    private const string NearestAmongActors = """
        select c.code,
               (select min(n.metres) from (
                    select st_distance(a.geom_l93, c.centre_l93) as metres, ({1}) as matches
                    from actor a
                    where st_dwithin(a.geom_l93, c.centre_l93, @search_m)
                    order by a.geom_l93 <-> c.centre_l93 limit @candidates) n
                where n.matches) as metres
        from commune c where c.code = any(@communes) and c.department_code not like '97%'
        union all
        select c.code,
               (select min(n.metres) from (
                    select st_distance(a.geom::geography, c.centre::geography) as metres, ({1}) as matches
                    from actor a
                    where a.region_code = c.region_code and a.geom && st_expand(c.centre, @search_deg)
                    order by a.geom <-> c.centre limit @candidates) n
                where n.matches and n.metres <= @search_m)
        from commune c where c.code = any(@communes) and c.department_code like '97%'
        """;

    // The same over the copy of the filter's actors (white_zone_actor): every row matches, so the nearest one is the
    // answer; overseas a few nearest by degrees, measured on the spheroid (the nearest by degrees may not be nearest).
    private const string NearestAmongCopy = """
        select c.code,
               (select st_distance(a.geom_l93, c.centre_l93)
                from white_zone_actor a
                where st_dwithin(a.geom_l93, c.centre_l93, @search_m)
                order by a.geom_l93 <-> c.centre_l93 limit 1) as metres
        from commune c where c.code = any(@communes) and c.department_code not like '97%'
        union all
        select c.code,
               (select min(n.metres) from (
                    select st_distance(a.geom::geography, c.centre::geography) as metres
                    from white_zone_actor a
                    where a.region_code = c.region_code and a.geom && st_expand(c.centre, @search_deg)
                    order by a.geom <-> c.centre limit 20) n
                where n.metres <= @search_m)
        from commune c where c.code = any(@communes) and c.department_code like '97%'
        """;

    private const string Totals = """
        select c.department_code as code, d.name, count(*)::int as communes, coalesce(sum(c.population), 0)::bigint as population
        from commune c join department d on d.code = c.department_code
        where {0}
        group by c.department_code, d.name
        order by c.department_code
        """;

    public async Task<WhiteZones> FindAsync(TerritoryLevel? level, string? code, int distanceKm, ActorFilter thematic, CancellationToken cancellationToken)
    {
        long version;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            version = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "select version from data_version where name = 'actors'", cancellationToken: cancellationToken));
        }

        var key = FormattableString.Invariant($"{level?.Segment() ?? "france"}/{code}|{distanceKm}|{thematic.ToQueryString()}|{version}");
        if (cache.TryGet(key, out var cached))
        {
            return cached;
        }

        // Identical requests arriving together (a page and its CSV, a reload, three tabs) share one computation. It
        // runs to its end even if the first asker leaves, bounded by its statements' timeouts: the next one reads the cache.
        return await cache.ComputeOnceAsync(key, () => ComputeAsync(level, code, distanceKm, thematic, version, key)).WaitAsync(cancellationToken);
    }

    private async Task<WhiteZones> ComputeAsync(TerritoryLevel? level, string? code, int distanceKm, ActorFilter thematic, long version, string key)
    {
        var cancellationToken = CancellationToken.None;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var condition = TerritoryScope.CommuneCondition(level);
        var scan = ActorFilterSql.For(thematic);
        scan.Parameters.Add("territory", code ?? string.Empty);
        scan.Parameters.Add("distance_m", distanceKm * 1000.0);
        scan.Parameters.Add("distance_deg", distanceKm / 100.0);
        var cells = string.Empty;
        if (CellZoom(distanceKm) is { } zoom && TerritoryCountSql.ReadsAggregates(thematic))
        {
            // ActorFilterSql named the circle and family parameters "circles" and "families": the pyramid reads them too.
            var cellFilter = (thematic.Circles.Count > 0 ? " and ac.circle = any(@circles)" : string.Empty)
                + (thematic.Families.Count > 0 ? " and ac.family_id in (select f.id from actor_family f where f.slug = any(@families))" : string.Empty);
            cells = CellTest.Replace("{0}", cellFilter, StringComparison.Ordinal).TrimEnd();
            scan.Parameters.Add("z", zoom);
        }

#pragma warning disable CA2100 // Constant fragments of this class, TerritoryCountSql's and ActorFilterSql's; every value is a parameter.
        // A filter that few actors match (a family, a word) would make each probe read many actors that do not match
        // before finding one that does, or read the whole N-km box when none does: its actors' points are copied to a
        // small indexed table first, and the probes read that instead.
        var sql = Sql;
        var nearestSql = NearestAmongActors;
        long? matching = null;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await NoJitAsync(connection, transaction, cancellationToken);
        if (!thematic.IsEmpty && TerritoryCountSql.ReadsAggregates(thematic))
        {
            // Circle and family only: the counts kept by triggers say how many match, without reading an actor.
            var (countSql, countParameters) = TerritoryCountSql.For(TerritoryLevel.Region, thematic);
            matching = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                $"select coalesce(sum(x.actors), 0)::bigint from ({countSql}) x", countParameters, transaction, cancellationToken: cancellationToken));
            if (matching <= RareFilterActors)
            {
                await CopyAsync(connection, transaction, scan, cancellationToken);
                sql = Sql.Replace("from actor a where {1}", "from white_zone_actor a where true", StringComparison.Ordinal);
                nearestSql = NearestAmongCopy;
            }
        }
        else if (!thematic.IsEmpty)
        {
            // A word or a vocabulary term: counting the matches would read the actors once, and copying them a second
            // time (two scans of 24 s each at 1M actors with a word). The copy is made at once, stopping past the
            // bound, and counted; beyond the bound it is dropped and the probes read the actor table (a broad filter).
            var copied = await CopyAsync(connection, transaction, scan, cancellationToken);
            if (copied <= RareFilterActors)
            {
                matching = copied;
                sql = Sql.Replace("from actor a where {1}", "from white_zone_actor a where true", StringComparison.Ordinal);
                nearestSql = NearestAmongCopy;
            }
            else
            {
                await connection.ExecuteAsync(new CommandDefinition("drop table white_zone_actor", transaction: transaction, cancellationToken: cancellationToken));
            }
        }

        var white = (await connection.QueryAsync<WhiteCommune>(new CommandDefinition(
            sql.Replace("{0}", condition, StringComparison.Ordinal).Replace("{1}", scan.Where, StringComparison.Ordinal).Replace("{2}", cells, StringComparison.Ordinal),
            scan.Parameters, transaction, commandTimeout: 120, cancellationToken: cancellationToken)))
            .OrderByDescending(w => w.Population).ThenBy(w => w.Code, StringComparer.Ordinal)
            .ToList();

        // The nearest matching actor of the most populated white communes, in the same snapshot. With the filter's
        // actors copied, an exact nearest-neighbour search on the copy: one index descent per commune. Otherwise
        // (no filter or a broad one) the commune's nearest actors of any kind, a bounded number, the first match kept.
        var distances = new Dictionary<string, double>(StringComparer.Ordinal);
        if (matching != 0 && white.Count > 0)
        {
            var measured = white.Take(MeasuredCommunes).Select(w => w.Code).ToArray();
            scan.Parameters.Add("communes", measured);
            scan.Parameters.Add("search_m", NearestSearchKm * 1000.0);
            scan.Parameters.Add("search_deg", NearestSearchKm / 100.0);
            scan.Parameters.Add("candidates", CandidatesFor(measured.Length));
            var rows = await connection.QueryAsync<(string Code, double? Metres)>(new CommandDefinition(
                nearestSql.Replace("{1}", scan.Where, StringComparison.Ordinal),
                scan.Parameters, transaction, commandTimeout: 120, cancellationToken: cancellationToken));
            foreach (var (commune, metres) in rows)
            {
                if (metres is { } m)
                {
                    distances[commune] = m;
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
        var totals = await connection.QueryAsync<(string Code, string Name, int Communes, long Population)>(new CommandDefinition(
            Totals.Replace("{0}", condition, StringComparison.Ordinal), new { territory = code ?? string.Empty }, cancellationToken: cancellationToken));
#pragma warning restore CA2100

        var byDepartment = white.GroupBy(w => w.DepartmentCode).ToDictionary(g => g.Key, g => (Count: g.Count(), Population: g.Sum(w => (long)w.Population)), StringComparer.Ordinal);
        var departments = totals
            .Select(t =>
            {
                var w = byDepartment.GetValueOrDefault(t.Code);
                return new WhiteDepartment(t.Code, t.Name, t.Communes, w.Count, t.Population, w.Population);
            })
            .ToList();
        var result = new WhiteZones(distanceKm, version, departments.Sum(d => d.Communes), departments.Sum(d => d.Population), white, departments, matching) { Distances = distances };
        cache.Set(key, result);
        return result;
    }

    /// <summary>
    /// Copies the points of at most <see cref="RareFilterActors"/> + 1 actors of the filter to white_zone_actor
    /// (dropped at commit), indexed; returns how many were copied.
    /// </summary>
    private static async Task<long> CopyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ActorFilterSql scan, CancellationToken cancellationToken)
    {
        scan.Parameters.Add("copy_limit", RareFilterActors + 1);
#pragma warning disable CA2100 // ActorFilterSql's WHERE: constant fragments, every value a parameter.
        await connection.ExecuteAsync(new CommandDefinition($"""
            create temp table white_zone_actor on commit drop as
                select a.geom, a.geom_l93, a.region_code from actor a where {scan.Where} and a.geom is not null limit @copy_limit;
            """, scan.Parameters, transaction, commandTimeout: 120, cancellationToken: cancellationToken));
#pragma warning restore CA2100
        var copied = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "select count(*) from white_zone_actor", transaction: transaction, cancellationToken: cancellationToken));
        if (copied <= RareFilterActors)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                create index on white_zone_actor using gist (geom_l93);
                create index on white_zone_actor using gist (geom);
                analyze white_zone_actor;
                """, transaction: transaction, cancellationToken: cancellationToken));
        }

        return copied;
    }

    /// <summary>
    /// The distance in metres from each commune's centre to its nearest matching actor, when one is within
    /// <see cref="NearestSearchKm"/> km and among the commune's <paramref name="candidates"/> nearest actors of any
    /// kind: a KNN that reads the nearest actors and keeps the first that matches. The bound on candidates keeps a
    /// rare filter (whose nearest match may lie behind thousands of other actors) from reading the inventory; the
    /// caller spreads a total budget over the communes asked. Missing from the result: not found within the bounds.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, double>> NearestDistancesAsync(IReadOnlyCollection<string> communes, ActorFilter thematic, int candidates, CancellationToken cancellationToken)
    {
        if (communes.Count == 0)
        {
            return new Dictionary<string, double>();
        }

        var scan = ActorFilterSql.For(thematic);
        scan.Parameters.Add("communes", communes.ToArray());
        scan.Parameters.Add("search_m", NearestSearchKm * 1000.0);
        scan.Parameters.Add("search_deg", NearestSearchKm / 100.0);
        scan.Parameters.Add("candidates", candidates);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await NoJitAsync(connection, transaction, cancellationToken);
#pragma warning disable CA2100 // Constant fragments of this class and ActorFilterSql's WHERE; every value is a parameter.
        var rows = await connection.QueryAsync<(string Code, double? Metres)>(new CommandDefinition(
            NearestAmongActors.Replace("{1}", scan.Where, StringComparison.Ordinal), scan.Parameters, transaction, commandTimeout: 120, cancellationToken: cancellationToken));
#pragma warning restore CA2100
        await transaction.CommitAsync(cancellationToken);
        return rows.Where(r => r.Metres is not null).ToDictionary(r => r.Code, r => r.Metres!.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// These statements loop over 35,000 communes with a cheap index probe each, but their estimated cost is high
    /// enough for PostgreSQL to compile them with JIT, which costs 1–2 s and saves nothing here (measured at 1M
    /// actors: 0.4–0.7 s without, 2.6 s with).
    /// </summary>
    private static Task<int> NoJitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("set local jit = off", transaction: transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// The coarsest zoom of the pyramid (0–12) whose cells are small enough for the quick test: a cell's diagonal on
    /// the ground, at most its Web Mercator side × cos(40.5°) × √2 south of Corsica's tip, with 1 % for the spheroid
    /// and Lambert-93's scale (≤ 0.3 %), must be at most N km. Null below about 1.4 km (no zoom fine enough).
    /// </summary>
    public static int? CellZoom(int distanceKm)
    {
        for (var z = 0; z <= 12; z++)
        {
            var side = 40_075_016.68557849 / (8 << z);
            if (side * 0.7604 * Math.Sqrt(2) * 1.01 <= distanceKm * 1000.0)
            {
                return z;
            }
        }

        return null;
    }

    /// <summary>
    /// How many nearest actors each commune's distance may read, so that one request reads at most about
    /// <see cref="NearestBudget"/> actors in all (between 50 and 500 per commune): about half a second.
    /// </summary>
    public static int CandidatesFor(int communes) => Math.Clamp(NearestBudget / Math.Max(communes, 1), 50, 500);

    /// <summary>The actors one request may read to find the nearest matching actors of the communes it shows.</summary>
    public const int NearestBudget = 50_000;
}

/// <summary>
/// The white zones computed lately, in memory. Entries are weighed by their number of communes (a nationwide
/// result with a rare filter holds thousands), so the cache stays within a few megabytes.
/// </summary>
public sealed class WhiteZoneCache : IDisposable
{
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 200_000 });
    private readonly ConcurrentDictionary<string, Task<WhiteZones>> running = new(StringComparer.Ordinal);
    private long computed;

    /// <summary>How many white-zone results were computed (not read from the cache) since the start: work, counted.</summary>
    public long Computed => Interlocked.Read(ref computed);

    public bool TryGet(string key, out WhiteZones value) => cache.TryGetValue(key, out value!);

    /// <summary>
    /// The computation of <paramref name="key"/> already running, or a new one: concurrent identical requests wait
    /// for the same result instead of each computing it (the cache then holds it).
    /// </summary>
    public Task<WhiteZones> ComputeOnceAsync(string key, Func<Task<WhiteZones>> compute)
    {
        var mine = new TaskCompletionSource<WhiteZones>(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = running.GetOrAdd(key, mine.Task);
        if (task != mine.Task)
        {
            return task;
        }

        _ = RunAsync();
        return task;

        async Task RunAsync()
        {
            try
            {
                if (TryGet(key, out var cached))
                {
                    mine.SetResult(cached);
                    return;
                }

                Interlocked.Increment(ref computed);
                mine.SetResult(await compute());
            }
            catch (Exception e)
            {
                mine.SetException(e);
            }
            finally
            {
                running.TryRemove(new KeyValuePair<string, Task<WhiteZones>>(key, mine.Task));
            }
        }
    }

    public void Set(string key, WhiteZones value) =>
        cache.Set(key, value, new MemoryCacheEntryOptions { Size = 100 + value.White.Count + value.Departments.Count + value.Distances.Count, SlidingExpiration = TimeSpan.FromHours(1) });

    /// <summary>
    /// The departments' outlines of the nationwide page: simplifying them costs about 0.3 s and they only change when
    /// the territories are reloaded, so they are kept for an hour.
    /// </summary>
    public async Task<OutlineMap> DepartmentsMapAsync(Func<Task<OutlineMap>> draw)
    {
        if (cache.TryGetValue("map:departments", out OutlineMap? map) && map is not null)
        {
            return map;
        }

        map = await draw();
        cache.Set("map:departments", map, new MemoryCacheEntryOptions { Size = 1_000, AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1) });
        return map;
    }

    public void Dispose() => cache.Dispose();
}
