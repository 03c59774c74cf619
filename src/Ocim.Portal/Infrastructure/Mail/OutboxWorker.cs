using Ocim.Portal.Infrastructure.Background;

namespace Ocim.Portal.Infrastructure.Mail;

/// <summary>
/// Sends the outbox in the background: a pass every Mail:Outbox:PollSeconds (5 s by default), and at once again
/// while passes come back full. A failing pass (the database restarting, say) is logged and retried at the next tick;
/// the messages themselves are safe in the table. Once an hour, the bodies of messages sent more than
/// Mail:Outbox:KeepSentBodyHours ago are emptied (<see cref="DeliverOutbox.ForgetSentBodiesAsync"/>).
/// </summary>
public sealed partial class OutboxWorker(DeliverOutbox deliver, MailSettings settings, ILogger<OutboxWorker> logger) : PeriodicWorker(logger)
{
    private DateTimeOffset nextForget = DateTimeOffset.MinValue;

    // Mail:Outbox:Enabled=false: another process sends.
    protected override bool Enabled => settings.WorkerEnabled;

    protected override TimeSpan Interval => settings.PollInterval;

    protected override string Name => "Outbox";

    protected override void OnStarting() =>
        LogStarted(logger, settings.UsesSmtp ? $"SMTP {settings.SmtpHost}:{settings.SmtpPort}" : $"pickup folder {settings.PickupDirectory}");

    protected override async Task RunPassAsync(CancellationToken stoppingToken)
    {
        if (DateTimeOffset.UtcNow >= nextForget)
        {
            await deliver.ForgetSentBodiesAsync(stoppingToken);
            nextForget = DateTimeOffset.UtcNow + TimeSpan.FromHours(1);
        }

        DeliveryPass pass;
        do
        {
            pass = await deliver.RunOnceAsync(stoppingToken);
        }
        while (pass.Claimed == settings.BatchSize && pass.Failed == 0 && !stoppingToken.IsCancellationRequested);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox worker started: mail goes to the {Destination}")]
    private static partial void LogStarted(ILogger logger, string destination);
}
