using Dapper;
using Npgsql;
using Ocim.Portal.Features.Audit;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Accounts;

/// <summary>The audit trail is append-only: the web role cannot alter it, and the owner is stopped by a trigger.</summary>
public sealed class AuditTrailTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Rows_written_in_a_transaction_read_back_and_cannot_be_updated_deleted_or_truncated()
    {
        await using var web = new NpgsqlConnection(PortalFactory.AsWebRole(database.ConnectionString));
        await web.OpenAsync();
        await using (var transaction = await web.BeginTransactionAsync())
        {
            await AuditTrail.WriteAsync(web, transaction, new AuditEntry("actor.updated", "actor", 42, null,
                new Dictionary<string, object> { ["name"] = new { old = "Avant", @new = "Après" } }, new { name = "Après" }, "essai"), "req-1", default);
            await transaction.CommitAsync();
        }

        var row = Assert.Single(await AuditTrail.HistoryAsync(web, "actor", 42, default));
        Assert.Equal("actor.updated", row.Action);
        Assert.Contains("\"Après\"", row.Changes, StringComparison.Ordinal);

        foreach (var statement in new[] { "update audit_log set message = 'falsifié'", "delete from audit_log", "truncate audit_log" })
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => web.ExecuteAsync(statement));
            Assert.Equal("42501", error.SqlState);
        }

        await using var owner = await database.OpenAsync();
        foreach (var statement in new[] { "update audit_log set message = 'falsifié'", "delete from audit_log" })
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => owner.ExecuteAsync(statement));
            Assert.Contains("append-only", error.MessageText, StringComparison.Ordinal);
        }

        Assert.Equal("essai", await owner.ExecuteScalarAsync<string>("select message from audit_log where entity_id = 42"));
        await Assert.ThrowsAsync<PostgresException>(() => web.ExecuteAsync(
            "insert into audit_log (action, entity, entity_id) values ('Not A Code', 'actor', 1)"));
    }
}
