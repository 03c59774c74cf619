namespace Ocim.Portal.Infrastructure.Mail;

/// <summary>
/// Sends the outbox in the background: a pass every Mail:Outbox:PollSeconds (5 s by default), and at once again
/// while passes come back full. A failing pass (the database restarting, say) is logged and retried at the next tick;
/// the messages themselves are safe in the table. Once an hour, the bodies of messages sent more than
/// Mail:Outbox:KeepSentBodyHours ago are emptied (<see cref="DeliverOutbox.ForgetSentBodiesAsync"/>).
/// </summary>
public sealed partial class OutboxWorker(DeliverOutbox deliver, MailSettings settings, ILogger<OutboxWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.WorkerEnabled)
        {
            // Mail:Outbox:Enabled=false: another process sends.
            return;
        }

        LogStarted(logger, settings.UsesSmtp ? $"SMTP {settings.SmtpHost}:{settings.SmtpPort}" : $"pickup folder {settings.PickupDirectory}");
        var nextForget = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
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
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A background loop must survive any failure of one pass; the next tick tries again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogPassFailed(logger, ex);
            }

            try
            {
                await Task.Delay(settings.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox worker started: mail goes to the {Destination}")]
    private static partial void LogStarted(ILogger logger, string destination);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox pass failed; the next one will try again")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
