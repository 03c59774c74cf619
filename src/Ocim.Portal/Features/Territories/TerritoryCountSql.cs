using Dapper;
using Ocim.Portal.Features.Actors;

namespace Ocim.Portal.Features.Territories;

/// <summary>
/// Counts of a filter's actors per territory of one level, as SQL: the choropleths of the territory tiles and of the
/// territory pages read it, so that both always agree with the list (the same <see cref="ActorFilter"/>).
/// A filter of circle, family, region and department only reads the counts kept by triggers (actor_count for
/// regions and departments, actor_commune_count for EPCI and communes; 004_actor_counts.sql, 006_map.sql): a few
/// thousand rows at any inventory size. Any other filter groups the matching actors.
/// </summary>
public static class TerritoryCountSql
{
    /// <summary>
    /// A query returning (code text, actors bigint) for the territories of <paramref name="level"/>; only codes
    /// with at least one actor appear. <paramref name="codes"/>, when given, is an SQL expression of type text[]
    /// (a parameter such as "@codes" added by the caller, or "array(select …)") that limits the codes: a tile's
    /// communes, a department's communes.
    /// </summary>
    public static (string Sql, DynamicParameters Parameters) For(TerritoryLevel level, ActorFilter filter, string? codes = null)
    {
        return ReadsAggregates(filter) ? FromAggregates(level, filter, codes, null) : FromActors(level, filter, codes, null);
    }

    /// <summary>
    /// The same counts broken down by circle or by family: a query returning (code text, category integer, actors
    /// bigint), where category is the circle (1–3) or the family id. The territory pages' tables read it.
    /// </summary>
    public static (string Sql, DynamicParameters Parameters) ByCategory(TerritoryLevel level, ActorFilter filter, CountCategory category, string? codes = null)
    {
        var column = category == CountCategory.Circle ? "circle" : "family_id";
        return ReadsAggregates(filter) ? FromAggregates(level, filter, codes, "c." + column) : FromActors(level, filter, codes, "a." + column);
    }

    /// <summary>True when the filter is only circle, family, region and department over published listings (no box).</summary>
    public static bool ReadsAggregates(ActorFilter filter) =>
        filter.Text is null && filter.ActionTypes.Count == 0 && filter.Themes.Count == 0 && filter.Audiences.Count == 0
        && filter.Epci is null && filter.Commune is null && !filter.HasCentre && filter.Bbox is null
        && filter.Statuses.Count == 1 && filter.Statuses[0] == Data.ActorStatus.Published;

    private static (string Sql, DynamicParameters Parameters) FromActors(TerritoryLevel level, ActorFilter filter, string? codes, string? category)
    {
        var scan = ActorFilterSql.For(filter);
        var column = level switch
        {
            TerritoryLevel.Region => "a.region_code",
            TerritoryLevel.Department => "a.department_code",
            TerritoryLevel.Epci => "a.epci_siren",
            _ => "a.commune_code",
        };
        var limit = codes is null ? string.Empty : $" and {column} = any({codes})";
        var (select, group) = Category(category);
        return ($"""
            select {column} as code{select}, count(*) as actors
            from actor a
            where {scan.Where} and {column} is not null{limit}
            group by {column}{group}
            """, scan.Parameters);
    }

    private static (string Sql, DynamicParameters Parameters) FromAggregates(TerritoryLevel level, ActorFilter filter, string? codes, string? category)
    {
        var (select, group) = Category(category);
        var parameters = new DynamicParameters();
        var conditions = new List<string> { "c.actors <> 0" };
        if (filter.Circles.Count > 0)
        {
            conditions.Add("c.circle = any(@circles)");
            parameters.Add("circles", filter.Circles.Select(c => (short)c).ToArray());
        }

        if (filter.Families.Count > 0)
        {
            conditions.Add("c.family_id in (select f.id from actor_family f where f.slug = any(@families))");
            parameters.Add("families", filter.Families.ToArray());
        }

        if (level is TerritoryLevel.Region or TerritoryLevel.Department)
        {
            // actor_count: department × circle × family × status.
            conditions.Add("c.status = 'published'");
            if (filter.Department is not null)
            {
                conditions.Add("c.department_code = @department");
                parameters.Add("department", filter.Department);
            }

            if (filter.Region is not null)
            {
                conditions.Add("d.region_code = @region");
                parameters.Add("region", filter.Region);
            }

            var code = level == TerritoryLevel.Region ? "d.region_code" : "d.code";
            if (codes is not null)
            {
                conditions.Add($"{code} = any({codes})");
            }

            return ($"""
                select {code} as code{select}, sum(c.actors)::bigint as actors
                from actor_count c join department d on d.code = c.department_code
                where {string.Join(" and ", conditions)}
                group by {code}{group}
                having sum(c.actors) > 0
                """, parameters);
        }

        // actor_commune_count: commune × circle × family, published actors only.
        if (filter.Department is not null)
        {
            conditions.Add("m.department_code = @department");
            parameters.Add("department", filter.Department);
        }

        if (filter.Region is not null)
        {
            conditions.Add("m.region_code = @region");
            parameters.Add("region", filter.Region);
        }

        var key = level == TerritoryLevel.Epci ? "m.epci_siren" : "m.code";
        if (codes is not null)
        {
            conditions.Add($"{key} = any({codes})");
        }

        return ($"""
            select {key} as code{select}, sum(c.actors)::bigint as actors
            from actor_commune_count c join commune m on m.code = c.commune_code
            where {string.Join(" and ", conditions)} and {key} is not null
            group by {key}{group}
            having sum(c.actors) > 0
            """, parameters);
    }

    private static (string Select, string Group) Category(string? column) =>
        column is null ? (string.Empty, string.Empty) : ($", {column}::integer as category", $", {column}");
}

/// <summary>How <see cref="TerritoryCountSql.ByCategory"/> breaks the counts down.</summary>
public enum CountCategory
{
    Circle,
    Family,
}
