using System.Threading.RateLimiting;

namespace Ocim.Portal.Features.Events;

internal static class EventsSetup
{
    /// <summary>The events feature's settings, use cases and the registration rate limit.</summary>
    public static IServiceCollection AddEventsFeature(this IServiceCollection services)
    {
        services.AddSingleton(provider => EventSettings.Read(provider.GetRequiredService<IConfiguration>()));
        services.AddScoped<ShowEvent>();
        services.AddScoped<SearchEvents>();
        services.AddScoped<ListEventChoices>();
        services.AddScoped<RegisterForSession>();
        services.AddScoped<ShowRegistrationStatus>();
        services.AddScoped<CancelRegistration>();
        services.AddScoped<ConfirmAddress>();
        services.AddScoped<ReleaseLapsedHolds>();
        services.AddScoped<CancelRegistrant>();
        services.AddScoped<ChangeSessionCapacity>();
        services.AddScoped<SaveEvent>();
        services.AddScoped<AddSession>();
        services.AddScoped<CloseRegistrations>();
        services.AddScoped<CancelEvent>();
        services.AddScoped<Registrants>();
        services.AddScoped<ComputeIrc>();
        services.AddScoped<ErasePersonalData>();
        services.AddScoped<SendReminders>();
        services.AddScoped<LoadDemoEvents>();
        services.AddHostedService<EventHousekeeping>();

        // Anti-automation (ASVS 2.4.1): registration and cancellation POSTs per client address. The refusal (429 with
        // Retry-After and the French page) is set once for every policy in Infrastructure/Http/RateLimits.
        services.AddRateLimiter(options => options.AddPolicy(RegistrationController.RateLimitPolicy, context =>
        {
            var settings = context.RequestServices.GetRequiredService<EventSettings>();
            return RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "inconnue",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = settings.RegistrationPermitLimit, Window = settings.RegistrationWindow, QueueLimit = 0 });
        }));
        return services;
    }
}
