using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Curation;

/// <summary>The state of a listing's verification: verified within 12 months, longer ago (« à vérifier »), never.</summary>
public static class FreshnessState
{
    public const string Fresh = "a-jour";
    public const string Stale = "a-verifier";
    public const string Never = "jamais";

    public static bool IsKnown(string? state) => state is Fresh or Stale or Never;

    public static string Label(string state) => state switch
    {
        Fresh => "vérifiées depuis moins de 12 mois",
        Stale => "à vérifier (plus de 12 mois)",
        Never => "jamais vérifiées",
        _ => state,
    };

    /// <summary>Listings verified before this instant are stale.</summary>
    public static DateTimeOffset StaleBefore(TimeProvider clock) => clock.GetUtcNow().AddMonths(-12);
}

public sealed class FreshnessRow
{
    public required string Key { get; init; }
    public required string Label { get; init; }
    public long Fresh { get; init; }
    public long Stale { get; init; }
    public long Never { get; init; }
    public long Total => Fresh + Stale + Never;
}

public sealed record FreshnessDashboard(string? RegionCode, string? RegionName, IReadOnlyList<FreshnessRow> ByTerritory, IReadOnlyList<FreshnessRow> ByCircle);

public sealed class StaleListing
{
    public long Id { get; init; }
    public required string Name { get; init; }
    public string? CommuneName { get; init; }
    public short Circle { get; init; }
    public DateTime? VerifiedAt { get; init; }
    public string? VerifiedBy { get; init; }
}

public sealed record FreshnessFilter(string State, string? RegionCode, string? DepartmentCode, short? Circle, int Page);

public sealed record FreshnessList(FreshnessFilter Filter, IReadOnlyList<StaleListing> Listings, bool HasNext, DateTimeOffset StaleBefore);

/// <summary>
/// Freshness of the published listings: counts by region (or by department within a region) and by circle, read
/// from actor_freshness_idx; and the listings of one state, oldest verification first.
/// </summary>
public sealed class SummariseFreshness(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const int PageSize = 50;

    public async Task<FreshnessDashboard> SummariseAsync(CuratorScope scope, string? regionCode, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var staleBefore = FreshnessState.StaleBefore(clock);
        var regionName = regionCode is null ? null : await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "select name from region where code = @regionCode", new { regionCode }, cancellationToken: cancellationToken));
        if (regionName is null)
        {
            regionCode = null;
        }

        var parameters = new { staleBefore, regionCode, scopeRegion = scope.RegionCode, scopeDepartment = scope.DepartmentCode };
        // Counted by code first (from the index alone), named afterwards.
        var level = regionCode is null ? "region" : "department";
#pragma warning disable CA2100 // level is one of two constants; every value is a parameter.
        var byTerritory = (await connection.QueryAsync<FreshnessRow>(new CommandDefinition(
            $"""
            select coalesce(n.code, '') as key, coalesce(t.name, 'Sans territoire (non localisées)') as label, n.fresh, n.stale, n.never
            from (
                select a.{level}_code as code,
                       count(*) filter (where a.verified_at >= @staleBefore) as fresh,
                       count(*) filter (where a.verified_at < @staleBefore) as stale,
                       count(*) filter (where a.verified_at is null) as never
                from actor a
                where a.status = 'published' and (@regionCode::text is null or a.region_code = @regionCode)
                  and {CuratorScope.Condition("a")}
                group by a.{level}_code
            ) n
            left join {level} t on t.code = n.code
            order by n.code nulls last
            """,
            parameters, cancellationToken: cancellationToken))).AsList();
#pragma warning restore CA2100
        var byCircle = (await connection.QueryAsync<FreshnessRow>(new CommandDefinition(
            $"""
            select a.circle::text as key, 'Cercle ' || a.circle as label,
                   count(*) filter (where a.verified_at >= @staleBefore) as fresh,
                   count(*) filter (where a.verified_at < @staleBefore) as stale,
                   count(*) filter (where a.verified_at is null) as never
            from actor a
            where a.status = 'published' and (@regionCode::text is null or a.region_code = @regionCode)
              and {CuratorScope.Condition("a")}
            group by a.circle order by a.circle
            """,
            parameters, cancellationToken: cancellationToken))).AsList();
        return new FreshnessDashboard(regionCode, regionName, byTerritory, byCircle);
    }

    public async Task<FreshnessList> ListAsync(CuratorScope scope, FreshnessFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var staleBefore = FreshnessState.StaleBefore(clock);
        var rows = (await connection.QueryAsync<StaleListing>(new CommandDefinition(
            $"""
            select a.id, a.name, c.name as commune_name, a.circle, a.verified_at, a.verified_by
            from actor a left join commune c on c.code = a.commune_code
            where a.status = 'published'
              and case @state when 'a-jour' then a.verified_at >= @staleBefore
                              when 'a-verifier' then a.verified_at < @staleBefore
                              else a.verified_at is null end
              and (@region::text is null or a.region_code = @region)
              and (@department::text is null or a.department_code = @department)
              and (@circle::smallint is null or a.circle = @circle)
              and {CuratorScope.Condition("a")}
            order by a.verified_at nulls first, a.id
            limit @limit offset @offset
            """,
            new
            {
                state = filter.State,
                staleBefore,
                region = filter.RegionCode,
                department = filter.DepartmentCode,
                circle = filter.Circle,
                scopeRegion = scope.RegionCode,
                scopeDepartment = scope.DepartmentCode,
                limit = PageSize + 1,
                offset = (filter.Page - 1) * PageSize,
            },
            cancellationToken: cancellationToken))).AsList();
        return new FreshnessList(filter, rows.Take(PageSize).ToList(), rows.Count > PageSize, staleBefore);
    }
}
