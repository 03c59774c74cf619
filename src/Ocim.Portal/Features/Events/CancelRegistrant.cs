using System.Data;
using Dapper;
using Npgsql;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Features.Events;

/// <summary>
/// Staff cancel one registrant (from the registrants page): the registration is cancelled by the organisers, a seat
/// it held goes to the first waiting person (with the promotion e-mail), and the registrant is told by e-mail, all in
/// one transaction. The registration must belong to the event of the page.
/// </summary>
public sealed class CancelRegistrant(NpgsqlDataSource dataSource, EventSettings settings)
{
    public async Task<CancellationResult> RunAsync(long eventId, long registrationId, string siteUrl, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                $"set local lock_timeout = '{(int)settings.LockTimeout.TotalMilliseconds}ms'", transaction: transaction, cancellationToken: cancellationToken));

            var target = await connection.QuerySingleOrDefaultAsync<Target>(new CommandDefinition("""
                select r.id, r.session_id, r.status, r.full_name, r.email
                from registration r join event_session s on s.id = r.session_id
                where r.id = @registrationId and s.event_id = @eventId
                for update of r
                """, new { registrationId, eventId }, transaction, cancellationToken: cancellationToken));
            if (target is null)
            {
                return CancellationResult.NotFound;
            }

            if (target.Status == "cancelled")
            {
                return CancellationResult.AlreadyCancelled;
            }

            await CancelRegistration.CancelLockedAsync(connection, transaction, target.Id, target.SessionId, target.Status, "organiser", siteUrl, cancellationToken);
            if (target.FullName is not null && target.Email is not null)
            {
                var facts = await WaitingList.SessionFactsAsync(connection, transaction, target.SessionId, cancellationToken);
                await Outbox.EnqueueAsync(connection, transaction,
                    EventMails.CancelledByStaffMail(target.Id, target.FullName, target.Email, facts, siteUrl), cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return CancellationResult.Cancelled;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            return CancellationResult.Busy;
        }
    }

    private sealed record Target(long Id, long SessionId, string Status, string? FullName, string? Email);
}
