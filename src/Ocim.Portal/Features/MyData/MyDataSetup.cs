using Microsoft.AspNetCore.RateLimiting;
using Ocim.Portal.Infrastructure.Http;

namespace Ocim.Portal.Features.MyData;

internal static class MyDataSetup
{
    /// <summary>Requests for a « Mes données » link per client address and minute (Portal:RateLimits:mes-donnees:PerMinute).</summary>
    public const string RateLimitPolicy = "mes-donnees";

    public static IServiceCollection AddMyDataFeature(this IServiceCollection services)
    {
        services.AddSingleton(provider => MyDataSettings.Read(provider.GetRequiredService<IConfiguration>()));
        services.AddScoped<RequestMyDataLink>();
        services.AddScoped<MyDataLinks>();
        services.AddScoped<ReadMyData>();

        // Anti-automation per client address, on top of the per-e-mail limit of RequestMyDataLink (one mail per
        // address in MailInterval): the refusal is the 429 page set once in Infrastructure/Http/RateLimits.
        services.AddOptions<RateLimiterOptions>().Configure<IConfiguration>((options, configuration) =>
            RateLimits.AddPerMinute(options, configuration, RateLimitPolicy, defaultLimit: 5));
        return services;
    }
}
