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

/// <summary>
/// A page of the list. When more actors match than <see cref="SearchActors.CountCap"/>, <see cref="Total"/> is that cap
/// and <see cref="TotalIsCapped"/> is true (« plus de 10 000 acteurs »): the pages reach that far, and the facets'
/// counts are not known (empty lists).
/// </summary>
public sealed record ActorSearchResult(
    IReadOnlyList<ActorListItem> Items,
    long Total,
    int Page,
    int PageSize,
    ActorSort Sort,
    IReadOnlyList<FacetCount> Circles,
    IReadOnlyList<FacetCount> Families,
    bool TotalIsCapped = false)
{
    public int PageCount => (int)Math.Max(1, (Total + PageSize - 1) / PageSize);

    /// <summary>« Aucun acteur », « 1 acteur », « 1 234 acteurs » or « Plus de 10 000 acteurs ».</summary>
    public string TotalLabel
    {
        get
        {
            var fr = System.Globalization.CultureInfo.GetCultureInfo("fr-FR");
            return TotalIsCapped
                ? $"Plus de {Total.ToString("N0", fr)} acteurs"
                : Total switch { 0 => "Aucun acteur", 1 => "1 acteur", _ => $"{Total.ToString("N0", fr)} acteurs" };
        }
    }
}

/// <summary>
/// The actors that match a filter, one page of them, with counts per circle and per family (each count leaves its
/// own dimension out of the filter, so that the other options of that dimension stay visible with their numbers).
/// </summary>
public sealed class SearchActors(NpgsqlDataSource dataSource)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>
    /// How many matching actors a search counts, and ranks by relevance, at most (docs/decisions/0029): beyond it the
    /// list says « plus de 10 000 » and ranks the first 10,000 matches found, so that a common word costs the same
    /// at a million actors as at twenty thousand.
    /// </summary>
    public const int CountCap = 10_000;

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
        // The cells count at most CountCap + 1 actors (ActorFilterSql.CountCells): past the cap, the facets are not
        // known and the total is « plus de 10 000 », counted again under the circle and family conditions if any.
        // A text search sorted otherwise than by distance reads its matches once: the same pass counts them and sorts
        // them for the page (CountedPageSql), instead of reading up to 10,001 actors twice.
        List<(short Circle, string Slug, string Name, int SortOrder, long Count)> cells;
        long[]? countedPage = null;
        if (filter.Text is not null && sort != ActorSort.Distance)
        {
            var (countedSql, countedParameters) = CountedPageSql(filter, sort, (long)(page - 1) * pageSize, pageSize);
            // Every word's condition is answered by the indexes; but with a LIMIT of 10,001 over an estimated 177,000
            // matches, PostgreSQL prefers to read the table from its start, testing each actor (at 1M actors, 55,000
            // of them for « musée »: 2.3 s against 0.7 s for the bitmaps, on the same busy machine).
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition("set local enable_seqscan = off", transaction: transaction, cancellationToken: cancellationToken));
            var rows = (await connection.QueryAsync<(short Circle, string Slug, string Name, int SortOrder, long Count, long[] Page)>(
                new CommandDefinition(countedSql, countedParameters, transaction, cancellationToken: cancellationToken))).ToList();
            await transaction.CommitAsync(cancellationToken);
            cells = [.. rows.Select(c => (c.Circle, c.Slug, c.Name, c.SortOrder, c.Count))];
            countedPage = rows.Count > 0 ? rows[0].Page : [];
        }
        else
        {
            var (cellsSql, cellsParameters) = ActorFilterSql.CountCells(filter, CountCap + 1);
            cells = [.. await connection.QueryAsync<(short Circle, string Slug, string Name, int SortOrder, long Count)>(
                new CommandDefinition(cellsSql, cellsParameters, cancellationToken: cancellationToken))];
        }

        var cellsCapped = cells.Sum(c => c.Count) > CountCap && !ActorFilterSql.ReadsCounts(filter);

        bool CircleMatches(short circle) => filter.Circles.Count == 0 || filter.Circles.Contains(circle);
        bool FamilyMatches(string slug) => filter.Families.Count == 0 || filter.Families.Contains(slug);

        var total = cells.Where(c => CircleMatches(c.Circle) && FamilyMatches(c.Slug)).Sum(c => c.Count);
        if (cellsCapped && (filter.Circles.Count > 0 || filter.Families.Count > 0))
        {
            var full = ActorFilterSql.For(filter);
            full.Parameters.Add("count_cap", CountCap + 1);
            total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                $"select count(*) from (select 1 from actor a where {full.Where} limit @count_cap) matches", full.Parameters, cancellationToken: cancellationToken));
        }

        var capped = cellsCapped && total > CountCap;
        total = Math.Min(total, CountCap);
        IReadOnlyList<FacetCount> circles = cellsCapped ? [] : cells.Where(c => FamilyMatches(c.Slug))
            .GroupBy(c => c.Circle)
            .OrderBy(g => g.Key)
            .Select(g => new FacetCount(g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), ActorLinks.CircleLabel(g.Key), g.Sum(c => c.Count)))
            .ToList();
        IReadOnlyList<FacetCount> families = cellsCapped ? [] : cells.Where(c => CircleMatches(c.Circle))
            .GroupBy(c => (c.Slug, c.Name, c.SortOrder))
            .Select(g => new FacetCount(g.Key.Slug, g.Key.Name, g.Sum(c => c.Count)))
            .OrderByDescending(f => f.Count).ThenBy(f => cells.First(c => c.Slug == f.Key).SortOrder)
            .ToList();

        var offset = (long)(page - 1) * pageSize;
        if (offset >= total)
        {
            // Past the last page (or past the cap): nothing to read; /acteurs sends the visitor to the last page.
            return new ActorSearchResult([], total, page, pageSize, sort, circles, families, capped);
        }

        // A page past the middle of a name-sorted list is read from its end, backwards (« Dernière » at a million
        // actors walks 20 index entries, not a million); the rows are then put back in order. A capped list has no
        // known end: it is read forwards.
        long limit = pageSize;
        var backwards = sort == ActorSort.Name && filter.Text is null && !capped && offset > total / 2 && offset < total;
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

        // A text search sorts the first CountCap + 1 matches the indexes give (docs/decisions/0029): all of them
        // under the cap. Relevance is computed per actor, and the name or date orders would walk their index past
        // every non-matching actor (the matches of « musée » sit together under M, 145,000 names in at 1M actors).
        // The distance order walks the spatial index, whose neighbours the text does not cluster.
        var matches = $"select a.id from actor a where {sql.Where} order by {orderBy} limit @limit offset @offset";
        if (countedPage is not null && !(capped && (filter.Circles.Count > 0 || filter.Families.Count > 0)))
        {
            // Sorted by the counting pass (past the cap with a circle or family, its sample of the text's matches
            // may hold too few of them: the page is then read from the filter's own first matches, below).
            parameters.Add("ids", countedPage);
            matches = "select u.id from unnest(@ids::bigint[]) with ordinality u(id, n) order by u.n";
        }
        else if (filter.Text is not null && sort != ActorSort.Distance)
        {
            parameters.Add("candidates", CountCap + 1);
            matches = $"""
                select a.id
                from (select a.id, a.name, a.sort_name, a.updated_at, a.search, a.search_name from actor a where {sql.Where} limit @candidates) a
                order by {orderBy} limit @limit offset @offset
                """;
        }
        else if (sort == ActorSort.Distance)
        {
            // The spatial index gives the nearest first only when it orders by distance alone (the id that breaks
            // ties kept PostgreSQL sorting every actor of a 500 km radius: a French 503 at 1M actors). So the index
            // finds the distance of the page's last actor, then the actors within it are sorted by distance and id:
            // the same page, ties included (the margin of a millimetre only adds rows that sort after it). The last
            // page may be short: its edge is the last actor (a capped total is below the true one).
            parameters.Add("edge", Math.Min(offset + limit, total) - 1);
            matches = $"""
                select a.id from actor a
                where {sql.Where}
                  and st_dwithin(a.geom_l93, st_transform({sql.Centre}, 2154),
                                 (select e.distance + 0.001 from (select a.geom_l93 <-> st_transform({sql.Centre}, 2154) as distance
                                                                   from actor a where {sql.Where}
                                                                   order by a.geom_l93 <-> st_transform({sql.Centre}, 2154)
                                                                   offset @edge limit 1) e))
                order by {orderBy} limit @limit offset @offset
                """;
        }

        // The page's ids first, from the indexes alone when they can (actor_sort_name_idx includes the status), then
        // their details: joining family and commune before the offset would join every skipped row.
        var items = (await connection.QueryAsync<ActorListItem>(new CommandDefinition($"""
            with page as materialized (
                select id, row_number() over () as position
                from ({matches}) ordered
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

        return new ActorSearchResult(items, total, page, pageSize, sort, circles, families, capped);
    }

    /// <summary>
    /// A text search's counts per (circle, family) and, in the same pass, the ids of its page: the first CountCap + 1
    /// matches of the text (circle and family left out, as for the facets) are read once, counted, then those of the
    /// chosen circles and families are sorted (docs/decisions/0029).
    /// </summary>
    private static (string Sql, DynamicParameters Parameters) CountedPageSql(ActorFilter filter, ActorSort sort, long offset, int limit)
    {
        var scan = ActorFilterSql.For(filter, ActorFilterDimension.Circle | ActorFilterDimension.Family);
        var parameters = scan.Parameters;
        parameters.Add("count_cap", CountCap + 1);
        parameters.Add("page_circles", filter.Circles.Select(c => (short)c).ToArray());
        parameters.Add("page_families", filter.Families.ToArray());
        parameters.Add("page_limit", limit);
        parameters.Add("page_offset", offset);
        var orderBy = sort switch
        {
            ActorSort.Relevance => "p.relevance desc, p.name collate french, p.id",
            ActorSort.Updated => "p.updated_at desc, p.id",
            _ => "p.sort_name collate french, p.id",
        };
        return ($"""
            with matches as materialized (
                select a.id, a.circle, a.family_id, a.name, a.sort_name, a.updated_at, {(sort == ActorSort.Relevance ? scan.Relevance : "0::real")} as relevance
                from actor a
                where {scan.Where}
                limit @count_cap)
            select m.circle, f.slug, f.name, f.sort_order, count(*) as count,
                   array(select p.id from matches p
                         where (cardinality(@page_circles) = 0 or p.circle = any(@page_circles))
                           and (cardinality(@page_families) = 0 or p.family_id in (select g.id from actor_family g where g.slug = any(@page_families)))
                         order by {orderBy} limit @page_limit offset @page_offset) as page
            from matches m join actor_family f on f.id = m.family_id
            group by m.circle, f.slug, f.name, f.sort_order
            """, parameters);
    }
}
