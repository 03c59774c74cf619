using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Privacy;

/// <summary>
/// The retention of the two public forms that are not registrations: a « c'est ma structure » request (name, e-mail,
/// role, message) is deleted <see cref="PrivacySettings.ClaimRetentionMonths"/> after a curator decided it, a report
/// on a listing (message, optional e-mail) <see cref="PrivacySettings.ReportRetentionMonths"/> after it was handled.
/// Pending ones stay: curators still have to read them. The audit trail keeps the decision with the request's number
/// and the curator's account, never the requester's name or address. The outbox's log of sent and given-up e-mails
/// (recipient, subject) goes <see cref="PrivacySettings.SentMailRetentionMonths"/> after the message was written;
/// pending ones are still to send. A « Mes données » link request (address, token hash) goes
/// <see cref="ExpiredLinkDays"/> day after its link expired (until then an old link says « expiré », not « inconnu »).
/// Idempotent: a second run deletes nothing.
/// </summary>
public sealed class EraseDecidedRequests(NpgsqlDataSource dataSource, PrivacySettings settings, TimeProvider clock)
{
    /// <summary>A day after expiry: an opened link is readable at most its open window (30 minutes) past it (decision 0023).</summary>
    public const int ExpiredLinkDays = 1;

    public async Task<ErasedRequests> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var claims = await connection.ExecuteAsync(new CommandDefinition(
            "delete from actor_claim where status <> 'pending' and decided_at < @cutoff",
            new { cutoff = now.AddMonths(-settings.ClaimRetentionMonths).UtcDateTime }, transaction, cancellationToken: cancellationToken));
        var reports = await connection.ExecuteAsync(new CommandDefinition(
            "delete from actor_report where status <> 'ouvert' and handled_at < @cutoff",
            new { cutoff = now.AddMonths(-settings.ReportRetentionMonths).UtcDateTime }, transaction, cancellationToken: cancellationToken));
        var mails = await connection.ExecuteAsync(new CommandDefinition(
            "delete from outbox_message where status in ('sent', 'failed') and created_at < @cutoff",
            new { cutoff = now.AddMonths(-settings.SentMailRetentionMonths).UtcDateTime }, transaction, cancellationToken: cancellationToken));
        var links = await connection.ExecuteAsync(new CommandDefinition(
            "delete from data_access_token where expires_at < @cutoff",
            new { cutoff = now.AddDays(-ExpiredLinkDays).UtcDateTime }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new ErasedRequests(claims, reports, mails, links);
    }
}

public sealed record ErasedRequests(int Claims, int Reports, int Mails, int Links);
