using System.Data;
using Dapper;
using Npgsql;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Features.Events;

public enum CancellationResult
{
    /// <summary>Cancelled now (and, when it held a seat, the seat went to the first waiting person, or back to the pool).</summary>
    Cancelled,

    /// <summary>The link was already used.</summary>
    AlreadyCancelled,

    /// <summary>No registration has this token (or the data was erased).</summary>
    NotFound,

    /// <summary>The session row stayed locked too long: nothing changed.</summary>
    Busy,
}

/// <summary>What the cancel page shows before the visitor confirms.</summary>
public sealed record CancellationPreview(string Status, EventMails.SessionFacts Session);

/// <summary>
/// The registrant's single-use cancel link: GET shows what would be cancelled (<see cref="PreviewAsync"/>), POST
/// cancels (<see cref="RunAsync"/>). A cancelled seat goes to the first person of the waiting list in the same
/// transaction, with the promotion e-mail in the outbox; with nobody waiting, the seat returns to the pool.
/// </summary>
public sealed class CancelRegistration(NpgsqlDataSource dataSource, EventSettings settings)
{
    public async Task<CancellationPreview?> PreviewAsync(string token, CancellationToken cancellationToken)
    {
        if (!RegistrationTokens.IsWellFormed(token))
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
            "select session_id, status from registration where cancel_token_hash = @hash and purged_at is null",
            new { hash = RegistrationTokens.Hash(token) }, cancellationToken: cancellationToken));
        return row is null ? null : new CancellationPreview(row.Status, await WaitingList.SessionFactsAsync(connection, null, row.SessionId, cancellationToken));
    }

    public async Task<CancellationResult> RunAsync(string token, string siteUrl, CancellationToken cancellationToken)
    {
        if (!RegistrationTokens.IsWellFormed(token))
        {
            return CancellationResult.NotFound;
        }

        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                $"set local lock_timeout = '{(int)settings.LockTimeout.TotalMilliseconds}ms'", transaction: transaction, cancellationToken: cancellationToken));

            var target = await connection.QuerySingleOrDefaultAsync<Target>(new CommandDefinition("""
                select id, session_id, status, full_name, email from registration
                where cancel_token_hash = @hash and purged_at is null
                for update
                """, new { hash = RegistrationTokens.Hash(token) }, transaction, cancellationToken: cancellationToken));
            if (target is null)
            {
                return CancellationResult.NotFound;
            }

            if (target.Status == "cancelled")
            {
                return CancellationResult.AlreadyCancelled;
            }

            await CancelLockedAsync(connection, transaction, target.Id, target.SessionId, target.Status, "registrant", siteUrl, cancellationToken);
            var facts = await WaitingList.SessionFactsAsync(connection, transaction, target.SessionId, cancellationToken);
            await Outbox.EnqueueAsync(connection, transaction,
                EventMails.CancelledByRegistrantMail(target.Id, target.FullName, target.Email, facts, siteUrl), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return CancellationResult.Cancelled;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            return CancellationResult.Busy;
        }
    }

    /// <summary>
    /// Cancels a registration whose row the caller locked (FOR UPDATE) in <paramref name="transaction"/>; a seat it
    /// held goes to the first waiting person (the registrant's link and the staff's button both come here).
    /// </summary>
    internal static async Task CancelLockedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long registrationId, long sessionId, string status, string cancelledBy, string siteUrl, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "update registration set status = 'cancelled', cancelled_at = now(), cancelled_by = @cancelledBy where id = @registrationId",
            new { registrationId, cancelledBy }, transaction, cancellationToken: cancellationToken));
        if (status == "confirmed")
        {
            // Free the seat (this locks the session row: promotions of a session happen one at a time), then hand
            // it to the first waiting person, if any.
            await connection.ExecuteAsync(new CommandDefinition(
                "update event_session set confirmed = confirmed - 1 where id = @sessionId",
                new { sessionId }, transaction, cancellationToken: cancellationToken));
            await WaitingList.PromoteAsync(connection, transaction, sessionId, 1, siteUrl, cancellationToken);
        }
    }

    private sealed record TokenRow(long SessionId, string Status);

    private sealed record Target(long Id, long SessionId, string Status, string FullName, string Email);
}
