using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Curation;

/// <summary>Where a merged listing went: the end of its merged_into chain (a survivor may itself be merged later).</summary>
public sealed class FindMergeSurvivor(NpgsqlDataSource dataSource)
{
    public async Task<(long Id, string Name)?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(long Id, string Name)?>(new CommandDefinition(
            """
            with recursive chain(id, depth) as (
                select merged_into, 1 from actor where id = @id and merged_into is not null
                union all
                select a.merged_into, c.depth + 1 from chain c join actor a on a.id = c.id
                where a.merged_into is not null and c.depth < 20
            )
            select a.id, a.name from chain c join actor a on a.id = c.id
            where a.merged_into is null and a.status = 'published'
            """,
            new { id },
            cancellationToken: cancellationToken));
        return row;
    }
}
