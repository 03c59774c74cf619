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

    /// <summary>
    /// Requests that cost seconds of database time or stream megabytes (exports, white zones): at most
    /// Portal:RateLimits:lourd:PerClient at once per client address (429), Portal:RateLimits:lourd:Overall at once
    /// for everybody (503). A concurrency limit, not a rate: a slow reader keeps its permit until it has read.
    /// </summary>
    public const string Heavy = "lourd";

    /// <summary>What a refused heavy request is told to wait, in seconds: such requests last seconds, not minutes.</summary>
    public const int HeavyRetryAfterSeconds = 10;

    public static IServiceCollection AddPortalRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            var (perClient, overall) = HeavyLimiters(configuration);
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(perClient, overall);
            options.OnRejected = (context, cancellationToken) =>
            {
                if (IsHeavy(context.HttpContext))
                {
                    return RejectHeavyAsync(context.HttpContext, perClient, cancellationToken);
                }

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
            // The heavy endpoints carry [EnableRateLimiting(Heavy)] as their mark; the limits are the global limiter's
            // (per client, then overall), so this policy itself lets everything through.
            options.AddPolicy(Heavy, _ => RateLimitPartition.GetNoLimiter(string.Empty));
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

    /// <summary>
    /// The two concurrency limits of heavy requests, chained as the global limiter: the client's own (per address),
    /// then everybody's. Other requests take no permit from either.
    /// </summary>
    private static (PartitionedRateLimiter<HttpContext> PerClient, PartitionedRateLimiter<HttpContext> Overall) HeavyLimiters(IConfiguration configuration)
    {
        var perClientLimit = configuration.GetValue($"Portal:RateLimits:{Heavy}:PerClient", 2);
        var overallLimit = configuration.GetValue($"Portal:RateLimits:{Heavy}:Overall", 6);
        var perClient = PartitionedRateLimiter.Create<HttpContext, string>(context => IsHeavy(context)
            ? RateLimitPartition.GetConcurrencyLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "inconnue",
                _ => new ConcurrencyLimiterOptions { PermitLimit = perClientLimit, QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter(string.Empty));
        var overall = PartitionedRateLimiter.Create<HttpContext, string>(context => IsHeavy(context)
            ? RateLimitPartition.GetConcurrencyLimiter(
                Heavy,
                _ => new ConcurrencyLimiterOptions { PermitLimit = overallLimit, QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter(string.Empty));
        return (perClient, overall);
    }

    private static bool IsHeavy(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Heavy;

    /// <summary>
    /// 429 when the client itself holds all its permits, 503 when everybody's are taken; Retry-After either way. A
    /// client asking for a file (CSV, GeoJSON, JSON) reads a line of plain text; a browser gets the French error page
    /// (the status code pages draw it when the body is empty).
    /// </summary>
    private static async ValueTask RejectHeavyAsync(HttpContext context, PartitionedRateLimiter<HttpContext> perClient, CancellationToken cancellationToken)
    {
        var own = perClient.GetStatistics(context) is { CurrentAvailablePermits: 0 };
        var response = context.Response;
        response.StatusCode = own ? StatusCodes.Status429TooManyRequests : StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = HeavyRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";
        if (own)
        {
            context.Items[HeavyRejectionKey] = "client";
        }
        else
        {
            context.Items[HeavyRejectionKey] = "overall";
        }

        if (WantsFile(context.Request))
        {
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync(HeavyRejectionMessage(own), cancellationToken);
        }
    }

    /// <summary>Marks a heavy request refused by the limits (HttpContext.Items), for the error page's wording.</summary>
    public const string HeavyRejectionKey = "Ocim.HeavyRejection";

    /// <summary>The French explanation of a refused heavy request (plain text, and the error page's message).</summary>
    public static string HeavyRejectionMessage(bool own) => own
        ? FormattableString.Invariant($"Trop de téléchargements ou de calculs sont déjà en cours depuis votre adresse. Attendez qu'ils se terminent, puis réessayez dans {HeavyRetryAfterSeconds} secondes.\n")
        : FormattableString.Invariant($"Le portail traite déjà beaucoup de téléchargements et de calculs. Réessayez dans {HeavyRetryAfterSeconds} secondes.\n");

    private static bool WantsFile(HttpRequest request)
    {
        var path = request.Path.Value ?? string.Empty;
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".geojson", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var accept = request.Headers.Accept.ToString();
        return accept.Length > 0 && !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase) && !accept.Contains("*/*", StringComparison.Ordinal);
    }
}
