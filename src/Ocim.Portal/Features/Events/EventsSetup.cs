using System.Globalization;
using System.Threading.RateLimiting;

namespace Ocim.Portal.Features.Events;

internal static class EventsSetup
{
    /// <summary>The events feature's settings, use cases and the registration rate limit.</summary>
    public static IServiceCollection AddEventsFeature(this IServiceCollection services)
    {
        services.AddSingleton(provider => EventSettings.Read(provider.GetRequiredService<IConfiguration>()));
        services.AddScoped<ShowEvent>();
        services.AddScoped<RegisterForSession>();
        services.AddScoped<ShowRegistrationStatus>();
        services.AddScoped<CancelRegistration>();
        services.AddScoped<ChangeSessionCapacity>();

        // Anti-automation (ASVS 2.4.1): registration and cancellation POSTs per client address. The built-in limiter
        // answers 503 by default; a refusal here is 429 with Retry-After, and the French 429 page.
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(60);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
            options.AddPolicy(RegistrationController.RateLimitPolicy, context =>
            {
                var settings = context.RequestServices.GetRequiredService<EventSettings>();
                return RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "inconnu",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = settings.RegistrationPermitLimit, Window = settings.RegistrationWindow, QueueLimit = 0 });
            });
        });
        return services;
    }
}
