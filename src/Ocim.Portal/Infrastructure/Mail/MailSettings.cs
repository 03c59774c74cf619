using System.Globalization;

namespace Ocim.Portal.Infrastructure.Mail;

/// <summary>
/// Mail settings (docs/mail.md). With Mail:Smtp:Host set, messages go to that SMTP server; without it (development,
/// tests, ./portal run) they are written as .eml files to Mail:PickupDirectory, by default .portal/mail under
/// PORTAL_ROOT (or under the content root).
/// </summary>
public sealed record MailSettings
{
    public string From { get; init; } = "Portail Ocim <ne-pas-repondre@ocim.fr>";

    public string? SmtpHost { get; init; }

    public int SmtpPort { get; init; } = 25;

    public bool SmtpEnableSsl { get; init; }

    public string? SmtpUserName { get; init; }

    public string? SmtpPassword { get; init; }

    public TimeSpan SmtpTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public string PickupDirectory { get; init; } = ".portal/mail";

    /// <summary>Whether the background worker runs in this process (Mail:Outbox:Enabled).</summary>
    public bool WorkerEnabled { get; init; } = true;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    public int BatchSize { get; init; } = 20;

    /// <summary>Attempts before a message is marked failed; kept, never deleted.</summary>
    public int MaxAttempts { get; init; } = 10;

    /// <summary>Wait after the first failed attempt; doubled after each further one, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromHours(2);

    /// <summary>How long a claimed message stays reserved to its sender; past it, another attempt may start.</summary>
    public TimeSpan ClaimLease { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long the body of a sent message is kept (Mail:Outbox:KeepSentBodyHours, 24 by default). Bodies hold personal
    /// links (cancel, invitation, questionnaire): once the message is out and the day of support questions has passed,
    /// only the envelope (kind, recipient, subject, dates) stays.
    /// </summary>
    public TimeSpan SentBodyRetention { get; init; } = TimeSpan.FromHours(24);

    public bool UsesSmtp => !string.IsNullOrWhiteSpace(SmtpHost);

    /// <summary>The wait before attempt <paramref name="attemptsMade"/> + 1: base × 2^(attempts − 1), capped.</summary>
    public TimeSpan RetryDelay(int attemptsMade)
    {
        var factor = Math.Pow(2, Math.Clamp(attemptsMade - 1, 0, 30));
        var delay = TimeSpan.FromSeconds(RetryBaseDelay.TotalSeconds * factor);
        return delay > MaxRetryDelay ? MaxRetryDelay : delay;
    }

    public static MailSettings Read(IConfiguration configuration, IHostEnvironment environment)
    {
        var mail = configuration.GetSection("Mail");
        var defaults = new MailSettings();
        var pickup = mail["PickupDirectory"];
        if (string.IsNullOrWhiteSpace(pickup))
        {
            var root = Environment.GetEnvironmentVariable("PORTAL_ROOT") is { Length: > 0 } portalRoot ? portalRoot : environment.ContentRootPath;
            pickup = Path.Combine(root, ".portal", "mail");
        }

        return new MailSettings
        {
            From = mail["From"] is { Length: > 0 } from ? from : defaults.From,
            SmtpHost = mail["Smtp:Host"],
            SmtpPort = mail.GetValue("Smtp:Port", defaults.SmtpPort),
            SmtpEnableSsl = mail.GetValue("Smtp:EnableSsl", defaults.SmtpEnableSsl),
            SmtpUserName = mail["Smtp:UserName"],
            SmtpPassword = mail["Smtp:Password"],
            SmtpTimeout = Seconds(mail["Smtp:TimeoutSeconds"], defaults.SmtpTimeout),
            PickupDirectory = Path.GetFullPath(pickup),
            WorkerEnabled = mail.GetValue("Outbox:Enabled", defaults.WorkerEnabled),
            PollInterval = Seconds(mail["Outbox:PollSeconds"], defaults.PollInterval),
            BatchSize = mail.GetValue("Outbox:BatchSize", defaults.BatchSize),
            MaxAttempts = mail.GetValue("Outbox:MaxAttempts", defaults.MaxAttempts),
            RetryBaseDelay = Seconds(mail["Outbox:RetryBaseSeconds"], defaults.RetryBaseDelay),
            MaxRetryDelay = Seconds(mail["Outbox:MaxRetrySeconds"], defaults.MaxRetryDelay),
            ClaimLease = Seconds(mail["Outbox:ClaimLeaseSeconds"], defaults.ClaimLease),
            SentBodyRetention = double.TryParse(mail["Outbox:KeepSentBodyHours"], NumberStyles.Float, CultureInfo.InvariantCulture, out var hours) && hours >= 0
                ? TimeSpan.FromHours(hours) : defaults.SentBodyRetention,
        };
    }

    private static TimeSpan Seconds(string? value, TimeSpan fallback) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : fallback;
}
