using System.Text.Json;
using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Audit;

/// <summary>
/// One change to record: an action code (<c>actor.revision.approved</c>, <c>actor.merged</c>…: lower case, dotted),
/// the entity and its id, who did it, the changed fields (<c>{"name": {"old": "…", "new": "…"}}</c>), and optionally
/// the whole record after the change (what a restore goes back to) and a message.
/// </summary>
public sealed record AuditEntry(
    string Action,
    string Entity,
    long EntityId,
    long? AccountId,
    object? Changes = null,
    object? Snapshot = null,
    string? Message = null);

/// <summary>A recorded change, as read back (At in UTC).</summary>
public sealed class AuditRow
{
    public long Id { get; init; }
    public DateTime At { get; init; }
    public long? AccountId { get; init; }
    public string? AccountName { get; init; }
    public required string Action { get; init; }
    public required string Changes { get; init; }
    public string? Snapshot { get; init; }
    public string? Message { get; init; }
}

/// <summary>
/// The append-only audit trail (table audit_log, Data/Sql/007_accounts.sql). Write in the same transaction as the
/// change it records, so that neither exists without the other. The web role cannot update or delete rows.
/// </summary>
public static class AuditTrail
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, AuditEntry entry, string? requestId, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            insert into audit_log (account_id, action, entity, entity_id, changes, snapshot, message, request_id)
            values (@AccountId, @Action, @Entity, @EntityId, @Changes::jsonb, @Snapshot::jsonb, @Message, @RequestId)
            """,
            new
            {
                entry.AccountId,
                entry.Action,
                entry.Entity,
                entry.EntityId,
                Changes = JsonSerializer.Serialize(entry.Changes ?? new Dictionary<string, object>(), Json),
                Snapshot = entry.Snapshot is null ? null : JsonSerializer.Serialize(entry.Snapshot, Json),
                entry.Message,
                RequestId = requestId,
            },
            transaction,
            cancellationToken: cancellationToken));

    /// <summary>The history of one record, newest first.</summary>
    public static async Task<IReadOnlyList<AuditRow>> HistoryAsync(NpgsqlConnection connection, string entity, long entityId, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(
            """
            select l.id, l.at, l.account_id, a.display_name as account_name, l.action, l.changes::text as changes,
                   l.snapshot::text as snapshot, l.message
            from audit_log l left join account a on a.id = l.account_id
            where l.entity = @entity and l.entity_id = @entityId
            order by l.id desc
            """,
            new { entity, entityId },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }
}
