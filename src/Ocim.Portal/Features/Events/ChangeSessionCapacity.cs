using System.Data;
using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Events;

public enum CapacityChangeResult
{
    Changed,

    /// <summary>Below the seats already confirmed: refused, nothing changed.</summary>
    BelowConfirmed,

    NotFound,
    Busy,
}

public sealed record CapacityChange(CapacityChangeResult Result, int Confirmed, int Promoted);

/// <summary>
/// Staff change a session's capacity. Lowering it below the confirmed seats is refused (nobody loses a confirmed
/// seat silently; the CHECK would refuse it anyway). Raising it promotes from the waiting list, first come first
/// served, in the same transaction, each promoted person told by e-mail.
/// </summary>
public sealed class ChangeSessionCapacity(NpgsqlDataSource dataSource, EventSettings settings)
{
    public async Task<CapacityChange> RunAsync(long sessionId, int capacity, string siteUrl, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                $"set local lock_timeout = '{(int)settings.LockTimeout.TotalMilliseconds}ms'", transaction: transaction, cancellationToken: cancellationToken));
            var current = await connection.QuerySingleOrDefaultAsync<SessionSeats>(new CommandDefinition(
                "select capacity, confirmed from event_session where id = @sessionId for update",
                new { sessionId }, transaction, cancellationToken: cancellationToken));
            if (current is null)
            {
                return new CapacityChange(CapacityChangeResult.NotFound, 0, 0);
            }

            if (capacity < current.Confirmed)
            {
                return new CapacityChange(CapacityChangeResult.BelowConfirmed, current.Confirmed, 0);
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "update event_session set capacity = @capacity where id = @sessionId",
                new { sessionId, capacity }, transaction, cancellationToken: cancellationToken));
            var promoted = await WaitingList.PromoteAsync(connection, transaction, sessionId, capacity - current.Confirmed, siteUrl, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new CapacityChange(CapacityChangeResult.Changed, current.Confirmed + promoted, promoted);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            return new CapacityChange(CapacityChangeResult.Busy, 0, 0);
        }
    }

    private sealed record SessionSeats(int Capacity, int Confirmed);
}
