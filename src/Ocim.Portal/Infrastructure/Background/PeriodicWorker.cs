namespace Ocim.Portal.Infrastructure.Background;

/// <summary>
/// A background loop shared by the portal's workers (outbox, events housekeeping, duplicate candidates): one pass,
/// then a pause of <see cref="Interval"/>, until the app stops. A failed pass (the database restarting, a deadlock…)
/// is logged and the next one tries again; the work itself is safe in the database. Nothing runs when
/// <see cref="Enabled"/> is false (another process does the work, or a test drives it).
/// </summary>
public abstract partial class PeriodicWorker(ILogger logger) : BackgroundService
{
    /// <summary>Whether this process runs the loop at all.</summary>
    protected abstract bool Enabled { get; }

    /// <summary>The pause after each pass.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>What the logs call this worker (« Outbox », « Events housekeeping »…).</summary>
    protected abstract string Name { get; }

    /// <summary>One pass of work.</summary>
    protected abstract Task RunPassAsync(CancellationToken stoppingToken);

    /// <summary>Called once, before the first pass, when the loop runs.</summary>
    protected virtual void OnStarting()
    {
    }

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        OnStarting();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunPassAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A background loop must survive a failed pass; the next one tries again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogPassFailed(logger, Name, ex);
            }

            try
            {
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Worker} pass failed; the next one will try again")]
    private static partial void LogPassFailed(ILogger logger, string worker, Exception exception);
}
