using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Actors;

public enum ActorSort
{
    Relevance,
    Name,
    Distance,
    Updated,
}

/// <summary>One line of the list.</summary>
public sealed record ActorListItem(
    long Id,
    string Name,
    string? Acronym,
    short Circle,
    string FamilyName,
    string? CommuneName,
    string? DepartmentCode,
    string? ShortDescription,
    DateTime UpdatedAt,
    double? DistanceMetres)
{
    public string Href => ActorLinks.Href(Id, Name);
}

public sealed record FacetCount(string Key, string Label, long Count);

public sealed record ActorSearchResult(
    IReadOnlyList<ActorListItem> Items,
    long Total,
    int Page,
    int PageSize,
    ActorSort Sort,
    IReadOnlyList<FacetCount> Circles,
    IReadOnlyList<FacetCount> Families)
{
    public int PageCount => (int)Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>
/// The actors that match a filter, one page of them, with counts per circle and per family (each count leaves its
/// own dimension out of the filter, so that the other options of that dimension stay visible with their numbers).
/// </summary>
public sealed class SearchActors(NpgsqlDataSource dataSource)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static ActorSort DefaultSort(ActorFilter filter) =>
        filter.Text is not null ? ActorSort.Relevance : filter.HasCentre ? ActorSort.Distance : ActorSort.Name;

    public async Task<ActorSearchResult> SearchAsync(ActorFilter filter, ActorSort? requestedSort, int page, int pageSize, CancellationToken cancellationToken)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        page = Math.Max(1, page);
        var sort = requestedSort ?? DefaultSort(filter);
        if ((sort == ActorSort.Relevance && filter.Text is null) || (sort == ActorSort.Distance && !filter.HasCentre))
        {
            sort = ActorSort.Name;
        }

        var sql = ActorFilterSql.For(filter);
        var orderBy = sort switch
        {
            ActorSort.Relevance => $"{sql.Relevance} desc, a.name collate french, a.id",
            ActorSort.Distance => $"a.geom_l93 <-> st_transform({sql.Centre}, 2154), a.id",
            ActorSort.Updated => "a.updated_at desc, a.id",
            _ => "a.name collate french, a.id",
        };

        var parameters = sql.Parameters;
        parameters.Add("limit", pageSize);
        parameters.Add("offset", (long)(page - 1) * pageSize);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"select count(*) from actor a where {sql.Where}", parameters, cancellationToken: cancellationToken));
        var items = (await connection.QueryAsync<ActorListItem>(new CommandDefinition($"""
            select a.id, a.name, a.acronym, a.circle, f.name as family_name, c.name as commune_name, a.department_code,
                   a.short_description, a.updated_at, {sql.DistanceMetres ?? "null::double precision"} as distance_metres
            from actor a
            join actor_family f on f.id = a.family_id
            left join commune c on c.code = a.commune_code
            where {sql.Where}
            order by {orderBy}
            limit @limit offset @offset
            """, parameters, cancellationToken: cancellationToken))).ToList();

        var circleSql = ActorFilterSql.For(filter, ActorFilterDimension.Circle);
        var circles = (await connection.QueryAsync<(short Circle, long Count)>(new CommandDefinition(
            $"select a.circle, count(*) from actor a where {circleSql.Where} group by a.circle order by a.circle",
            circleSql.Parameters, cancellationToken: cancellationToken)))
            .Select(c => new FacetCount(c.Circle.ToString(System.Globalization.CultureInfo.InvariantCulture), ActorLinks.CircleLabel(c.Circle), c.Count))
            .ToList();

        var familySql = ActorFilterSql.For(filter, ActorFilterDimension.Family);
        var families = (await connection.QueryAsync<FacetCount>(new CommandDefinition($"""
            select f.slug as key, f.name as label, count(*) as count
            from actor a join actor_family f on f.id = a.family_id
            where {familySql.Where}
            group by f.slug, f.name, f.sort_order order by count(*) desc, f.sort_order
            """, familySql.Parameters, cancellationToken: cancellationToken))).ToList();

        return new ActorSearchResult(items, total, page, pageSize, sort, circles, families);
    }
}
