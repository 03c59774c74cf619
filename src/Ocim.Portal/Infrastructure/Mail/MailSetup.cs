using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ocim.Portal.Infrastructure.Mail;

internal static class MailSetup
{
    /// <summary>The outbox sender and its worker (docs/mail.md). Writers need nothing registered: see <see cref="Outbox"/>.</summary>
    public static IServiceCollection AddPortalMail(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => MailSettings.Read(provider.GetRequiredService<IConfiguration>(), provider.GetRequiredService<IHostEnvironment>()));
        services.AddSingleton(provider => MailTransport.For(provider.GetRequiredService<MailSettings>()));
        services.AddSingleton<DeliverOutbox>();
        // AddSingleton<IHostedService>: AddHostedService<BackgroundService> keeps only the first of its type argument.
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<MailSettings>().WorkerEnabled
            ? ActivatorUtilities.CreateInstance<OutboxWorker>(provider)
            : new IdleService());
        return services;
    }

    /// <summary>Stands in for the worker when Mail:Outbox:Enabled is false (another process sends).</summary>
    private sealed class IdleService : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
    }
}
