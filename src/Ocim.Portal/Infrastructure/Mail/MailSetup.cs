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
        // A concrete type per hosted service: AddHostedService de-duplicates by implementation type, so two
        // registrations typed as BackgroundService would silently keep only the first.
        services.AddHostedService<OutboxWorker>();
        return services;
    }
}
