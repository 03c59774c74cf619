using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Ocim.Portal.Infrastructure.Http;

/// <summary>
/// Named rate limits, partitioned by client address (<c>[EnableRateLimiting(RateLimits.SignIn)]</c>). A refused
/// request gets 429 with Retry-After (ASP.NET Core's default would be 503) and the French error page. Limits are read
/// from configuration (Portal:RateLimits:{name}:PerMinute) so tests can raise them.
/// </summary>
internal static class RateLimits
{
    public const string SignIn = "connexion";
    public const string Report = "signalement";

    /// <summary>« C'est ma structure » requests from visitors (Features/Listings).</summary>
    public const string ClaimListing = "revendication";

    /// <summary>Answers to a survey questionnaire (the link is a credential: guessing is throttled too).</summary>
    public const string Questionnaire = "questionnaire";

    /// <summary>Place suggestions, asked at each key typed (Features/Places): generous, but bounded.</summary>
    public const string Places = "lieux";

    public static IServiceCollection AddPortalRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : 60;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
            AddPerMinute(options, configuration, SignIn, defaultLimit: 10);
            AddPerMinute(options, configuration, ClaimListing, defaultLimit: 5);
            AddPerMinute(options, configuration, Report, defaultLimit: 5);
            AddPerMinute(options, configuration, Questionnaire, defaultLimit: 30);
            AddPerMinute(options, configuration, Places, defaultLimit: 600);
        });
        // Sign-in per account as well as per address (the action asks it once the form is read).
        services.AddSingleton(_ => new SignInAccountLimits(configuration));
        return services;
    }

    /// <summary>A fixed window of one minute per client address.</summary>
    public static void AddPerMinute(RateLimiterOptions options, IConfiguration configuration, string name, int defaultLimit)
    {
        var limit = configuration.GetValue($"Portal:RateLimits:{name}:PerMinute", defaultLimit);
        options.AddPolicy(name, context => RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "inconnue",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }
}
