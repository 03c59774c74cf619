namespace Ocim.Portal.Infrastructure.Mail;

/// <summary>
/// One e-mail of the outbox (table outbox_message, docs/mail.md). Created through <see cref="Outbox"/>, in the
/// transaction of the change it reports; only the outbox worker changes it afterwards.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; private set; }
    public required string Kind { get; init; }
    public required string Recipient { get; init; }
    public required string Subject { get; init; }
    public required string Body { get; init; }
    public string? DeduplicationKey { get; init; }
    public string Status { get; private set; } = OutboxStatus.Pending;
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset DueAt { get; init; }
    public int Attempts { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }
    public string? LastError { get; private set; }
}

public static class OutboxStatus
{
    /// <summary>Waiting for its first attempt, or for a retry after a failed one.</summary>
    public const string Pending = "pending";

    /// <summary>Handed to the SMTP server (or written to the pickup folder).</summary>
    public const string Sent = "sent";

    /// <summary>Every attempt failed (Mail:Outbox:MaxAttempts): kept with its last error for staff to look at.</summary>
    public const string Failed = "failed";
}

/// <summary>What a caller asks to send: plain text, in French, to one recipient.</summary>
/// <param name="Kind">What it is about, in kebab-case (registration-confirmed, invitation…).</param>
/// <param name="Recipient">One address, checked by <see cref="MailAddressRules"/>.</param>
/// <param name="Subject">One line (no line breaks: they would inject headers).</param>
/// <param name="Body">Plain text; line breaks as \n.</param>
/// <param name="DeduplicationKey">Optional: a second message with the same key is not written.</param>
/// <param name="NotBefore">Optional: not sent before this time (a reminder); now when null.</param>
public sealed record MailRequest(string Kind, string Recipient, string Subject, string Body, string? DeduplicationKey = null, DateTimeOffset? NotBefore = null);
