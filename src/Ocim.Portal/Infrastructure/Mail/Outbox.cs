using System.Data.Common;
using Dapper;
using Ocim.Portal.Data;

namespace Ocim.Portal.Infrastructure.Mail;

/// <summary>
/// Writes e-mails to the outbox in the caller's transaction: the message is sent if and only if the caller commits.
/// Two ways, one table: through EF (the message is saved by the caller's SaveChanges) or through Dapper on the
/// caller's connection and transaction. The worker sends it within seconds (docs/mail.md).
/// </summary>
public static class Outbox
{
    /// <summary>EF: adds the message to the context; the caller's <c>SaveChanges</c> writes it with its other changes.</summary>
    public static OutboxMessage Add(PortalDbContext db, MailRequest request)
    {
        ArgumentNullException.ThrowIfNull(db);
        var message = Validate(request) is { } problem
            ? throw new ArgumentException(problem, nameof(request))
            : new OutboxMessage
            {
                Kind = request.Kind,
                Recipient = request.Recipient.Trim(),
                Subject = request.Subject,
                Body = request.Body,
                DeduplicationKey = request.DeduplicationKey,
                DueAt = request.NotBefore ?? DateTimeOffset.UtcNow,
            };
        db.OutboxMessages.Add(message);
        return message;
    }

    /// <summary>
    /// Dapper (or any ADO.NET code): inserts the message on the caller's connection, inside its transaction when
    /// one is given. Returns false when a message with the same deduplication key already exists (nothing written).
    /// </summary>
    public static async Task<bool> EnqueueAsync(DbConnection connection, DbTransaction? transaction, MailRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (Validate(request) is { } problem)
        {
            throw new ArgumentException(problem, nameof(request));
        }

        var written = await connection.ExecuteAsync(new CommandDefinition("""
            insert into outbox_message (kind, recipient, subject, body, deduplication_key, due_at)
            values (@Kind, @Recipient, @Subject, @Body, @DeduplicationKey, coalesce(@NotBefore, now()))
            on conflict (deduplication_key) do nothing
            """, new { request.Kind, Recipient = request.Recipient.Trim(), request.Subject, request.Body, request.DeduplicationKey, request.NotBefore },
            transaction, cancellationToken: cancellationToken));
        return written == 1;
    }

    /// <summary>Checks what the table would refuse, so that a mistake fails at the call site with a clear message.</summary>
    private static string? Validate(MailRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Kind) || !request.Kind.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            return "Kind must be kebab-case (a-z, 0-9, -).";
        }

        if (!MailAddressRules.IsValid(request.Recipient))
        {
            return "Recipient is not a usable e-mail address.";
        }

        if (string.IsNullOrWhiteSpace(request.Subject) || request.Subject.Length > 500 || request.Subject.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            return "Subject must be one line of 1 to 500 characters.";
        }

        return request.Body is null ? "Body is required." : null;
    }
}

/// <summary>The one rule for an e-mail address the portal will write to (forms use it too).</summary>
public static class MailAddressRules
{
    public static bool IsValid(string? address)
    {
        if (string.IsNullOrWhiteSpace(address) || address.Length > 320)
        {
            return false;
        }

        var trimmed = address.Trim();
        var at = trimmed.LastIndexOf('@');
        if (at < 1 || at == trimmed.Length - 1 || trimmed.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';' or '"'))
        {
            return false;
        }

        return System.Net.Mail.MailAddress.TryCreate(trimmed, out var parsed) && parsed.Address == trimmed && trimmed[(at + 1)..].Contains('.', StringComparison.Ordinal);
    }
}
