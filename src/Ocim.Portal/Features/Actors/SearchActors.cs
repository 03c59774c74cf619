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
            _ => "a.sort_name collate french, a.id",
        };

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        // One pass gives the total and both facets: counts per (circle, family) under the filter without its circle
        // and family conditions; each figure then applies the conditions it needs (at most 3 × families cells).
        var (cellsSql, cellsParameters) = ActorFilterSql.CountCells(filter);
        var cells = (await connection.QueryAsync<(short Circle, string Slug, string Name, int SortOrder, long Count)>(
            new CommandDefinition(cellsSql, cellsParameters, cancellationToken: cancellationToken))).ToList();

        bool CircleMatches(short circle) => filter.Circles.Count == 0 || filter.Circles.Contains(circle);
        bool FamilyMatches(string slug) => filter.Families.Count == 0 || filter.Families.Contains(slug);

        var total = cells.Where(c => CircleMatches(c.Circle) && FamilyMatches(c.Slug)).Sum(c => c.Count);
        var circles = cells.Where(c => FamilyMatches(c.Slug))
            .GroupBy(c => c.Circle)
            .OrderBy(g => g.Key)
            .Select(g => new FacetCount(g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), ActorLinks.CircleLabel(g.Key), g.Sum(c => c.Count)))
            .ToList();
        var families = cells.Where(c => CircleMatches(c.Circle))
            .GroupBy(c => (c.Slug, c.Name, c.SortOrder))
            .Select(g => new FacetCount(g.Key.Slug, g.Key.Name, g.Sum(c => c.Count)))
            .OrderByDescending(f => f.Count).ThenBy(f => cells.First(c => c.Slug == f.Key).SortOrder)
            .ToList();

        // A page past the middle of a name-sorted list is read from its end, backwards (« Dernière » at a million
        // actors walks 20 index entries, not a million); the rows are then put back in order.
        var offset = (long)(page - 1) * pageSize;
        long limit = pageSize;
        var backwards = sort == ActorSort.Name && offset > total / 2 && offset < total;
        if (backwards)
        {
            var end = Math.Min(total, offset + pageSize);
            limit = end - offset;
            offset = total - end;
            orderBy = "a.sort_name collate french desc, a.id desc";
        }

        var parameters = sql.Parameters;
        parameters.Add("limit", limit);
        parameters.Add("offset", offset);

        // The page's ids first, from the indexes alone when they can (actor_sort_name_idx includes the status), then
        // their details: joining family and commune before the offset would join every skipped row.
        var items = (await connection.QueryAsync<ActorListItem>(new CommandDefinition($"""
            with page as materialized (
                select id, row_number() over () as position
                from (select a.id from actor a where {sql.Where} order by {orderBy} limit @limit offset @offset) ordered
            )
            select a.id, a.name, a.acronym, a.circle, f.name as family_name, c.name as commune_name, a.department_code,
                   a.short_description, a.updated_at, {sql.DistanceMetres ?? "null::double precision"} as distance_metres
            from page p
            join actor a on a.id = p.id
            join actor_family f on f.id = a.family_id
            left join commune c on c.code = a.commune_code
            order by p.position
            """, parameters, cancellationToken: cancellationToken))).ToList();
        if (backwards)
        {
            items.Reverse();
        }

        return new ActorSearchResult(items, total, page, pageSize, sort, circles, families);
    }
}
