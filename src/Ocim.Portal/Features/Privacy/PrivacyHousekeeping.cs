using Ocim.Portal.Infrastructure.Background;

namespace Ocim.Portal.Features.Privacy;

/// <summary>Runs <see cref="EraseDecidedRequests"/> once a night, at the first pass after 03:00 Paris time.</summary>
public sealed partial class PrivacyHousekeeping(IServiceScopeFactory scopes, PrivacySettings settings, TimeProvider clock, ILogger<PrivacyHousekeeping> logger) : PeriodicWorker(logger)
{
    private readonly NightlyGate nightly = new();

    protected override bool Enabled => settings.HousekeepingEnabled;

    protected override TimeSpan Interval => settings.HousekeepingInterval;

    protected override string Name => "Personal data retention";

    protected override async Task RunPassAsync(CancellationToken stoppingToken)
    {
        var now = clock.GetUtcNow();
        if (!nightly.IsDue(now))
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var erased = await scope.ServiceProvider.GetRequiredService<EraseDecidedRequests>().RunAsync(stoppingToken);
        nightly.Done(now);
        LogErased(logger, erased.Claims, erased.Reports, erased.Mails, erased.Links);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention purge: {Claims} decided claims, {Reports} handled reports, {Mails} old e-mails and {Links} expired « Mes données » links deleted")]
    private static partial void LogErased(ILogger logger, int claims, int reports, int mails, int links);
}
