using Dapper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Ocim.Portal.Data;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Data;

/// <summary>
/// The hand-written DDL and the EF model agree (every mapped table and column exists), and the web application's
/// database role can read and write rows but cannot change the schema.
/// </summary>
public sealed class SchemaTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Every_table_and_column_of_the_EF_model_exists_in_the_migrated_database()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var scope = factory.Services.CreateAsyncScope();
        var model = scope.ServiceProvider.GetRequiredService<PortalDbContext>().Model;
        await using var connection = await database.OpenAsync();
        var columns = (await connection.QueryAsync<string>(
            "select table_name || '.' || column_name from information_schema.columns where table_schema = 'public'")).ToHashSet(StringComparer.Ordinal);

        var expected = model.GetEntityTypes()
            .Where(e => e.GetTableName() is not null)
            .SelectMany(e => e.GetProperties().Select(p => $"{e.GetTableName()}.{p.GetColumnName()}"))
            .ToList();

        Assert.Contains("account.normalized_email", expected);
        var missing = expected.Where(c => !columns.Contains(c)).ToList();
        Assert.True(missing.Count == 0, "missing columns: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task The_web_role_writes_rows_but_cannot_change_the_schema_or_empty_a_table()
    {
        await using var connection = new NpgsqlConnection(PortalFactory.AsWebRole(database.ConnectionString));
        await connection.OpenAsync();
        Assert.Equal("ocim_web", await connection.ExecuteScalarAsync<string>("select current_user"));

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var id = await connection.ExecuteScalarAsync<long>(
                "insert into actor (name, circle, family_id, status, source) select 'Essai', 1, min(id), 'draft', 'test' from actor_family returning id",
                transaction: transaction);
            Assert.Equal(1, await connection.ExecuteAsync("update actor set name = 'Essai 2' where id = @id", new { id }, transaction));
            await transaction.RollbackAsync();
        }

        foreach (var statement in new[]
        {
            "create table intrus (id int)",
            "truncate actor",
            "alter table actor add column intrus int",
            "drop table actor_representative",
            "insert into \"__EFMigrationsHistory\" values ('x', 'y')",
        })
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(statement));
            Assert.True(error.SqlState is "42501", $"{statement}: {error.SqlState} {error.MessageText}");
        }
    }
}
