using Dapper;
using Npgsql;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Actors;

/// <summary>actor_count, kept by statement triggers, always equals a fresh count of the actor table.</summary>
public sealed class ActorCountTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private const string Recount = """
        select coalesce(department_code, '') as department_code, circle, family_id, status, count(*) as actors
        from actor group by 1, 2, 3, 4
        """;

    private const string Kept = "select department_code, circle, family_id, status, actors from actor_count where actors <> 0";

    [Fact]
    public async Task Counts_follow_inserts_moves_reclassifications_status_changes_and_deletes()
    {
        await using var connection = await database.OpenAsync();
        var ids = new List<long>
        {
            await ActorRows.InsertAsync(connection, "A", 1, "musee", 5.0415, 47.3220),
            await ActorRows.InsertAsync(connection, "B", 2, "universite", 5.0720, 47.3110),
            await ActorRows.InsertAsync(connection, "C", 3, "bibliotheque", -1.6778, 48.1173),
            await ActorRows.InsertAsync(connection, "D", 3, "fablab", commune: "21054"),
        };
        await AssertCountsAgreeAsync(connection);

        // One statement writing many rows (an import): one grouped upsert.
        await connection.ExecuteAsync("""
            insert into actor (name, circle, family_id, source, external_id, longitude, latitude)
            select 'Bulk ' || n, 1 + n % 3, (select id from actor_family where slug = 'association'), 'bulk', n::text,
                   case when n % 2 = 0 then 5.0415 else -1.6778 end, case when n % 2 = 0 then 47.3220 else 48.1173 end
            from generate_series(1, 500) n
            """);
        await AssertCountsAgreeAsync(connection);

        await connection.ExecuteAsync("update actor set longitude = -1.6778, latitude = 48.1173 where id = @id", new { id = ids[0] });
        await connection.ExecuteAsync("update actor set circle = 1, family_id = (select id from actor_family where slug = 'museum') where id = @id", new { id = ids[1] });
        await connection.ExecuteAsync("update actor set status = 'archived' where id = @id", new { id = ids[2] });
        await connection.ExecuteAsync("update actor set name = name || ' (renommé)' where source = 'bulk' and external_id::int % 7 = 0");
        await connection.ExecuteAsync("update actor set status = 'draft' where source = 'bulk' and external_id::int % 5 = 0");
        await AssertCountsAgreeAsync(connection);

        await connection.ExecuteAsync("delete from actor where id = @id or (source = 'bulk' and external_id::int % 3 = 0)", new { id = ids[3] });
        await AssertCountsAgreeAsync(connection);

        await connection.ExecuteAsync("truncate actor cascade");
        Assert.Empty(await connection.QueryAsync(Kept));
    }

    [Fact]
    public async Task A_rolled_back_write_leaves_the_counts_as_they_were()
    {
        await using var connection = await database.OpenAsync();
        await ActorRows.InsertAsync(connection, "Stable", 1, "musee", 5.0415, 47.3220);
        var before = await connection.QueryAsync<(string, short, int, string, long)>(Kept);

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await connection.ExecuteAsync(
                "insert into actor (name, circle, family_id, source, external_id, commune_code) values ('Éphémère', 2, 1, 'test', 'rollback', '21231')",
                transaction: transaction);
            await transaction.RollbackAsync();
        }

        Assert.Equal(before, await connection.QueryAsync<(string, short, int, string, long)>(Kept));
    }

    private static async Task AssertCountsAgreeAsync(NpgsqlConnection connection)
    {
        var expected = (await connection.QueryAsync<(string Department, short Circle, int Family, string Status, long Actors)>(Recount)).Order().ToList();
        var kept = (await connection.QueryAsync<(string Department, short Circle, int Family, string Status, long Actors)>(Kept)).Order().ToList();
        Assert.Equal(expected, kept);
    }
}
