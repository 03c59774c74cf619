using Dapper;
using Npgsql;

namespace Ocim.Portal.Infrastructure.Mail;

/// <summary>
/// One pass of the outbox worker: claims the due messages (FOR UPDATE SKIP LOCKED, so that several senders never
/// take the same one), sends them one by one and records each outcome. A claim pushes the message's due time forward
/// by a lease before anything is sent: a sender that dies mid-way leaves the message to be tried again after the
/// lease, so a message may in the worst case be sent twice, never lost. A failure counts the attempt, keeps the
/// error and schedules a retry with exponential back-off; after Mail:Outbox:MaxAttempts the message is marked failed
/// and kept.
/// </summary>
public sealed partial class DeliverOutbox(NpgsqlDataSource dataSource, MailSettings settings, MailTransport transport, TimeProvider clock, ILogger<DeliverOutbox> logger)
{
    /// <summary>Sends what is due now; returns how many messages were claimed (sent or not).</summary>
    public async Task<DeliveryPass> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        List<OutboxMessage> claimed;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            claimed = (await connection.QueryAsync<OutboxMessage>(new CommandDefinition("""
                with due as (
                    select id from outbox_message
                    where status = 'pending' and due_at <= @now
                    order by due_at, id
                    limit @batch
                    for update skip locked
                )
                update outbox_message m
                set attempts = m.attempts + 1, due_at = @leaseUntil
                from due
                where m.id = due.id
                returning m.id, m.kind, m.recipient, m.subject, m.body, m.deduplication_key, m.attempts
                """, new { now, batch = settings.BatchSize, leaseUntil = now + settings.ClaimLease }, cancellationToken: cancellationToken)))
                .OrderBy(m => m.Id)
                .ToList();
        }

        var sent = 0;
        var failed = 0;
        foreach (var message in claimed)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? error = null;
            try
            {
                await transport.SendAsync(message, cancellationToken);
            }
            catch (Exception ex) when (IsDeliveryFailure(ex, cancellationToken))
            {
                error = Describe(ex);
            }

            await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
            var at = clock.GetUtcNow();
            if (error is null)
            {
                // Recorded even when the caller is being cancelled: the message did go out.
                await connection.ExecuteAsync(
                    "update outbox_message set status = 'sent', sent_at = @at, last_error = null where id = @Id",
                    new { message.Id, at });
                sent++;
                LogSent(logger, message.Id, message.Kind, message.Attempts);
                continue;
            }

            failed++;
            var givesUp = message.Attempts >= settings.MaxAttempts;
            await connection.ExecuteAsync("""
                update outbox_message
                set status = case when @givesUp then 'failed' else 'pending' end, due_at = @retryAt, last_error = @error
                where id = @Id
                """, new { message.Id, givesUp, retryAt = at + settings.RetryDelay(message.Attempts), error });
            if (givesUp)
            {
                LogGaveUp(logger, message.Id, message.Kind, message.Attempts, error);
            }
            else
            {
                LogRetry(logger, message.Id, message.Kind, message.Attempts, error);
            }
        }

        return new DeliveryPass(claimed.Count, sent, failed);
    }

    /// <summary>
    /// Empties the body of the messages sent longer ago than <see cref="MailSettings.SentBodyRetention"/>: the links
    /// they carried live on only in the recipients' mailboxes. Pending and failed messages keep theirs (still to send).
    /// Returns how many bodies were emptied.
    /// </summary>
    public async Task<int> ForgetSentBodiesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var forgotten = await connection.ExecuteAsync(new CommandDefinition(
            "update outbox_message set body = '' where status = 'sent' and sent_at < @cutoff and body <> ''",
            new { cutoff = clock.GetUtcNow() - settings.SentBodyRetention }, cancellationToken: cancellationToken));
        if (forgotten > 0)
        {
            LogForgotten(logger, forgotten);
        }

        return forgotten;
    }

    /// <summary>What a server, the network or a bad message can throw: counted as a failed attempt, retried later.</summary>
    private static bool IsDeliveryFailure(Exception exception, CancellationToken cancellationToken) => exception
        is MailKit.CommandException or MailKit.ProtocolException or MailKit.Security.AuthenticationException
        or MailKit.Security.SslHandshakeException or MailKit.ServiceNotConnectedException or MimeKit.ParseException
        or IOException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException
        or NotSupportedException or FormatException or System.Security.Authentication.AuthenticationException
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static string Describe(Exception exception)
    {
        var text = exception.GetType().Name + ": " + exception.Message;
        if (exception.InnerException is { } inner)
        {
            text += " (" + inner.GetType().Name + ": " + inner.Message + ")";
        }

        return text.Length > 2000 ? text[..2000] : text;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox: the bodies of {Count} sent messages were emptied")]
    private static partial void LogForgotten(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox message {Id} ({Kind}) sent at attempt {Attempt}")]
    private static partial void LogSent(ILogger logger, long id, string kind, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox message {Id} ({Kind}) not sent at attempt {Attempt}, will retry: {Error}")]
    private static partial void LogRetry(ILogger logger, long id, string kind, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {Id} ({Kind}) failed {Attempt} times and is marked failed: {Error}")]
    private static partial void LogGaveUp(ILogger logger, long id, string kind, int attempt, string error);
}

/// <summary>What one pass did.</summary>
public sealed record DeliveryPass(int Claimed, int Sent, int Failed);
