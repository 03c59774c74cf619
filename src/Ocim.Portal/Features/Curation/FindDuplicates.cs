using System.Globalization;
using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Curation;

/// <summary>One suggested pair: the lower id first; why it is suggested; a score from 0 to 1 (higher first).</summary>
public sealed class DuplicatePair
{
    public long LowId { get; init; }
    public required string LowName { get; init; }
    public string? LowCommune { get; init; }
    public long HighId { get; init; }
    public required string HighName { get; init; }
    public string? HighCommune { get; init; }
    public double Score { get; init; }
    public double? NameSimilarity { get; init; }
    public double? DistanceMetres { get; init; }
    public required string[] SharedIdentifiers { get; init; }
}

/// <summary>A page of pairs; <paramref name="Pending"/>: listings of the department whose pairs are not computed yet.</summary>
public sealed record DuplicatePage(IReadOnlyList<DuplicatePair> Pairs, bool HasNext, int Pending);

/// <summary>
/// Suggests duplicate listings (docs/decisions/0017-duplicates-and-merge.md):
/// <list type="bullet">
/// <item>by shared identifiers (SIRET, SIREN, UAI, RNA, Muséofile id), over the whole scope: a self-join on the
/// partial index of each identifier;</item>
/// <item>by name within a department: the pairs of actor_duplicate_candidate with a listing in the department,
/// precomputed from a queue of changed listings (docs/decisions/0020-precomputed-duplicate-candidates.md): for each
/// listing, its 25 nearest neighbours within 2 km (KNN on geom_l93), kept when the trigram similarity of the
/// normalised names is at least 0.6. Before it reads, the page computes up to Curation:Duplicates:PageBatchSize
/// listings of the department still queued (unless the worker is writing: the page never waits for it), so a
/// listing just edited is seen at once; what remains is counted and said.</item>
/// </list>
/// Pairs marked « pas un doublon », and archived listings, never appear. Ranked by score: shared identifiers first,
/// then the name similarity less a small penalty for the distance.
/// </summary>
public sealed class FindDuplicates(NpgsqlDataSource dataSource, DuplicateCandidateSettings settings)
{
    public const int PageSize = 30;
    // The rule's figures, as actor_duplicate_drain applies them (013_duplicate_candidates.sql): the page only needs
    // the distance, for the score's penalty.
    public const double MinimumSimilarity = 0.6;
    public const double MaximumDistanceMetres = 2000;

    public async Task<DuplicatePage> FindAsync(CuratorScope scope, string? departmentCode, int page, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var pending = 0;
        if (departmentCode is not null)
        {
            if (settings.PageBatchSize > 0)
            {
                await DrainDuplicateCandidates.DrainOnceAsync(connection, null, settings.PageBatchSize, departmentCode, cancellationToken, waitForLock: false);
            }

            pending = await DrainDuplicateCandidates.PendingAsync(connection, departmentCode, cancellationToken);
        }

        var rows = (await connection.QueryAsync<DuplicatePair>(new CommandDefinition(
            Query,
            new
            {
                scopeRegion = scope.RegionCode,
                scopeDepartment = scope.DepartmentCode,
                department = departmentCode,
                distance = MaximumDistanceMetres,
                limit = PageSize + 1,
                offset = (page - 1) * PageSize,
            },
            commandTimeout: 120,
            cancellationToken: cancellationToken))).AsList();
        return new DuplicatePage(rows.Take(PageSize).ToList(), rows.Count > PageSize, pending);
    }

    public static string Describe(DuplicatePair pair)
    {
        var fr = CultureInfo.GetCultureInfo("fr-FR");
        var reasons = pair.SharedIdentifiers.Select(i => i + " identique").ToList();
        if (pair.NameSimilarity is { } similarity)
        {
            reasons.Add(string.Create(fr, $"noms semblables à {similarity * 100:0} %"));
        }

        if (pair.DistanceMetres is { } metres)
        {
            reasons.Add(metres < 1 ? "même position" : string.Create(fr, $"à {metres:N0} m"));
        }

        return string.Join(", ", reasons);
    }

    // The identifier pairs: one union of self-joins, each on its partial index; the name pairs: the precomputed
    // candidates with a listing in the department (either side: the rule is symmetric). Both are restricted to the curator's scope (on the lower id's listing... on both,
    // in fact: a curator sees a pair only when both listings are theirs) and to listings not archived.
    private static readonly string Query = $$"""
        with identified as (
            select least(a.id, b.id) as low_id, greatest(a.id, b.id) as high_id, kind
            from (
                select a.id as a_id, b.id as b_id, 'SIRET' as kind from actor a join actor b on b.siret = a.siret and b.id > a.id
                where a.siret is not null and b.siret is not null and length(a.siret) = 14
                union all
                select a.id, b.id, 'SIREN' from actor a join actor b on left(b.siret, 9) = left(a.siret, 9) and b.id > a.id
                where a.siret is not null and b.siret is not null
                union all
                select a.id, b.id, 'UAI' from actor a join actor b on b.uai = a.uai and b.id > a.id
                where a.uai is not null and b.uai is not null
                union all
                select a.id, b.id, 'RNA' from actor a join actor b on b.rna = a.rna and b.id > a.id
                where a.rna is not null and b.rna is not null
                union all
                select a.id, b.id, 'Muséofile' from actor a join actor b on b.museofile = a.museofile and b.id > a.id
                where a.museofile is not null and b.museofile is not null
            ) p(a_id, b_id, kind)
            join actor a on a.id = p.a_id
            join actor b on b.id = p.b_id
            where a.status <> 'archived' and b.status <> 'archived'
              and {{CuratorScope.Condition("a")}} and {{CuratorScope.Condition("b")}}
        ),
        identified_pairs as (
            select low_id, high_id, array_agg(distinct kind order by kind) as kinds from identified group by low_id, high_id
        ),
        named as (
            select c.actor_low as low_id, c.actor_high as high_id, c.similarity::float8 as similarity, c.distance
            from actor_duplicate_candidate c
            where @department::text is not null and (c.low_department = @department or c.high_department = @department)
        ),
        ranked as (
            select p.low_id, p.high_id, p.shared_identifiers, p.similarity, p.distance,
                   round(least(1, (case when cardinality(p.shared_identifiers) > 0 then 0.5 else 0 end)
                       + coalesce(p.similarity, 0) * (case when cardinality(p.shared_identifiers) > 0 then 0.5 else 1 end)
                       - coalesce(p.distance, 0) / @distance * 0.1)::numeric, 3)::float8 as score
            from (select coalesce(i.low_id, n.low_id) as low_id, coalesce(i.high_id, n.high_id) as high_id,
                         coalesce(i.kinds, '{}') as shared_identifiers, n.similarity, n.distance
                  from identified_pairs i full join named n on n.low_id = i.low_id and n.high_id = i.high_id) p
            where not exists (select from actor_not_duplicate d where d.actor_low = p.low_id and d.actor_high = p.high_id)
            order by score desc, p.low_id, p.high_id
        )
        -- The ranking comes first, from the pairs alone; both listings are read (names, archived, scope) in that
        -- order until the page is full, instead of for every pair of the department.
        select r.low_id, l.name as low_name, lc.name as low_commune, r.high_id, h.name as high_name, hc.name as high_commune,
               r.score, r.similarity::float8 as name_similarity, r.distance::float8 as distance_metres, r.shared_identifiers
        from ranked r
        join actor l on l.id = r.low_id
        join actor h on h.id = r.high_id
        left join commune lc on lc.code = l.commune_code
        left join commune hc on hc.code = h.commune_code
        where l.status <> 'archived' and h.status <> 'archived'
          and {{CuratorScope.Condition("l")}} and {{CuratorScope.Condition("h")}}
        order by r.score desc, r.low_id, r.high_id
        limit @limit offset @offset
        """;
}
