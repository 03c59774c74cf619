using Dapper;
using Npgsql;
using Ocim.Portal.Features.Actors;

namespace Ocim.Portal.Features.Territories;

/// <summary>A count of a territory's actors for one circle or family, with the link to those actors.</summary>
public sealed record CategoryCount(string Label, long Actors, string Href);

/// <summary>
/// A sub-territory's actors, and per 10,000 inhabitants when its population is known and large enough
/// (<see cref="Choropleth.MinPopulationForRate"/>); <paramref name="Missing"/> says why there is no rate.
/// </summary>
public sealed record ChildActors(long Actors, double? Per10000, MissingRate Missing = MissingRate.None)
{
    public static ChildActors For(long actors, int? population)
    {
        var (rate, missing) = Choropleth.Rate(actors, population);
        return new ChildActors(actors, rate, missing);
    }
}

/// <summary>An actor of the territory (distance set for the nearest actors of a commune).</summary>
public sealed record TerritoryActor(long Id, string Name, string FamilyName, string? CommuneName, double? DistanceMetres)
{
    public string Href => ActorLinks.Href(Id, Name);

    public string? Distance => DistanceMetres is { } metres
        ? new NearbyActor(Id, Name, FamilyName, CommuneName, metres).Distance
        : null;
}

/// <summary>What a territory page says about its actors, for the filter of its query string.</summary>
public sealed record TerritoryActors(
    ActorFilter Filter,
    long Total,
    IReadOnlyList<CategoryCount> Circles,
    IReadOnlyList<CategoryCount> Families,
    IReadOnlyDictionary<string, ChildActors> Children,
    IReadOnlyList<TerritoryActor> First,
    IReadOnlyList<TerritoryActor> Nearest,
    IReadOnlyDictionary<string, ChildActors>? Related = null)
{
    public const int FirstCount = 20;
    public const int NearestCount = 10;

    /// <summary>/acteurs with the page's filter and territory.</summary>
    public string ListHref => "/acteurs" + Filter.ToQueryString();
}

/// <summary>
/// Counts a territory's published actors by circle, by family and per sub-territory, all through
/// <see cref="TerritoryCountSql"/> so that the page, the tiles and the list agree; then the first actors by name, or
/// for a commune the nearest ones (KNN from the commune's centre).
/// </summary>
public sealed class SummariseTerritoryActors(NpgsqlDataSource dataSource)
{
    public async Task<TerritoryActors> SummariseAsync(TerritoryRef self, IReadOnlyList<TerritoryChild> children, ActorFilter thematic, CancellationToken cancellationToken) =>
        await SummariseAsync(self, children, [], thematic, cancellationToken);

    /// <summary>
    /// As above; <paramref name="related"/> are other territories counted whole (a department's intercommunalities,
    /// all their actors over all their population, even across the department's border), for their own table.
    /// </summary>
    public async Task<TerritoryActors> SummariseAsync(TerritoryRef self, IReadOnlyList<TerritoryChild> children, IReadOnlyList<TerritoryChild> related, ActorFilter thematic, CancellationToken cancellationToken)
    {
        var within = TerritoryScope.Within(thematic, self.Level, self.Code);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        var circleCounts = await CountAsync(connection, self, thematic, CountCategory.Circle, cancellationToken);
        var circles = circleCounts
            .OrderBy(c => c.Key)
            .Select(c => new CategoryCount(ActorLinks.CircleLabel(c.Key), c.Value, "/acteurs" + (within with { Circles = [c.Key] }).ToQueryString()))
            .ToList();

        var familyCounts = await CountAsync(connection, self, thematic, CountCategory.Family, cancellationToken);
        var familyNames = (await connection.QueryAsync<(int Id, string Slug, string Name)>(new CommandDefinition(
            "select id, slug, name from actor_family order by sort_order, name", cancellationToken: cancellationToken))).ToList();
        var families = familyNames
            .Where(f => familyCounts.ContainsKey(f.Id))
            .Select(f => new CategoryCount(f.Name, familyCounts[f.Id], "/acteurs" + (within with { Families = [f.Slug] }).ToQueryString()))
            .ToList();

        var childCounts = await CountChildrenAsync(connection, children, thematic, cancellationToken);
        var relatedCounts = related.Count > 0 && related.All(r => r.Territory.Level == TerritoryLevel.Epci)
            ? await CountChildrenAsync(connection, related, thematic, cancellationToken)
            : null;
        var first = await FirstAsync(connection, within, cancellationToken);
        var nearest = self.Level == TerritoryLevel.Commune ? await NearestAsync(connection, self.Code, thematic, cancellationToken) : [];
        return new TerritoryActors(within, circleCounts.Values.Sum(), circles, families, childCounts, first, nearest, relatedCounts);
    }

    /// <summary>The actors of each territory (all of one level), with their rate per 10,000 inhabitants.</summary>
    private static async Task<Dictionary<string, ChildActors>> CountChildrenAsync(NpgsqlConnection connection, IReadOnlyList<TerritoryChild> territories, ActorFilter thematic, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, ChildActors>(StringComparer.Ordinal);
        if (territories.Count == 0)
        {
            return result;
        }

        var (sql, parameters) = TerritoryCountSql.For(territories[0].Territory.Level, thematic, "@codes");
        parameters.Add("codes", territories.Select(c => c.Territory.Code).ToArray());
        var counts = (await connection.QueryAsync<(string Code, long Actors)>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Code, r => r.Actors, StringComparer.Ordinal);
        foreach (var territory in territories)
        {
            result[territory.Territory.Code] = ChildActors.For(counts.GetValueOrDefault(territory.Territory.Code), territory.Population);
        }

        return result;
    }

    private static async Task<Dictionary<int, long>> CountAsync(NpgsqlConnection connection, TerritoryRef self, ActorFilter thematic, CountCategory category, CancellationToken cancellationToken)
    {
        var (sql, parameters) = TerritoryCountSql.ByCategory(self.Level, thematic, category, "@self");
        parameters.Add("self", new[] { self.Code });
        var rows = await connection.QueryAsync<(string Code, int Category, long Actors)>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return rows.GroupBy(r => r.Category).ToDictionary(g => g.Key, g => g.Sum(r => r.Actors));
    }

    private static async Task<IReadOnlyList<TerritoryActor>> FirstAsync(NpgsqlConnection connection, ActorFilter within, CancellationToken cancellationToken)
    {
        var scan = ActorFilterSql.For(within);
        scan.Parameters.Add("first_count", TerritoryActors.FirstCount);
#pragma warning disable CA2100 // The WHERE is ActorFilterSql's: constant fragments, every value a parameter.
        var rows = await connection.QueryAsync<TerritoryActor>(new CommandDefinition($"""
            select a.id, a.name, f.name as family_name, c.name as commune_name, null::double precision as distance_metres
            from actor a
            join actor_family f on f.id = a.family_id
            left join commune c on c.code = a.commune_code
            where {scan.Where}
            order by a.sort_name collate french, a.id
            limit @first_count
            """, scan.Parameters, cancellationToken: cancellationToken));
#pragma warning restore CA2100
        return rows.ToList();
    }

    /// <summary>
    /// The filter's actors nearest to a commune's centre, anywhere: KNN in Lambert-93 in metropolitan France; overseas,
    /// the index orders the region's actors in degrees and the spheroid decides. The distance shown is on the spheroid.
    /// </summary>
    private static async Task<IReadOnlyList<TerritoryActor>> NearestAsync(NpgsqlConnection connection, string commune, ActorFilter thematic, CancellationToken cancellationToken)
    {
        var scan = ActorFilterSql.For(thematic);
        scan.Parameters.Add("self", commune);
        scan.Parameters.Add("candidates", TerritoryActors.NearestCount * 2);
        scan.Parameters.Add("nearest_count", TerritoryActors.NearestCount);
        var overseas = TerritoryScope.IsOverseas(commune);
        // The reference point as a scalar subquery (an InitPlan), not a join: only a constant-like operand lets the
        // index drive the KNN; a join sorted all the actors (2 s at a million).
        var candidates = overseas
            ? "a.geom is not null and a.region_code = (select region_code from commune where code = @self) order by a.geom <-> (select centre from commune where code = @self)"
            : "a.geom_l93 is not null order by a.geom_l93 <-> (select centre_l93 from commune where code = @self)";
#pragma warning disable CA2100 // Constant fragments of this class and ActorFilterSql's WHERE; every value is a parameter.
        var rows = await connection.QueryAsync<TerritoryActor>(new CommandDefinition($"""
            with self as (select centre from commune where code = @self),
            candidates as (
                select a.id, a.name, a.family_id, a.commune_code, a.geom
                from actor a
                where {scan.Where} and {candidates}
                limit @candidates)
            select n.id, n.name, f.name as family_name, c.name as commune_name,
                   st_distance(n.geom::geography, self.centre::geography) as distance_metres
            from candidates n
            cross join self
            join actor_family f on f.id = n.family_id
            left join commune c on c.code = n.commune_code
            order by distance_metres, n.id
            limit @nearest_count
            """, scan.Parameters, cancellationToken: cancellationToken));
#pragma warning restore CA2100
        return rows.ToList();
    }
}
