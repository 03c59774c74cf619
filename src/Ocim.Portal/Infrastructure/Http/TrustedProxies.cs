using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Ocim.Portal.Infrastructure.Http;

/// <summary>
/// X-Forwarded-For and X-Forwarded-Proto are believed only from the proxies named in Portal:KnownProxies (addresses)
/// and Portal:KnownNetworks (CIDR ranges), plus loopback (a proxy on the same machine): behind them, the rate limits
/// and the logs see each client's own address; from anyone else the headers are ignored, so a client cannot pick the
/// address its limits are counted against. X-Forwarded-Host is never read: links come from PublicSite.
/// </summary>
internal static class TrustedProxies
{
    public static IServiceCollection AddPortalTrustedProxies(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // One proxy in front (the TLS proxy, or Docker's port mapping): only the entry it appended is believed.
            options.ForwardLimit = 1;
            foreach (var value in List(configuration, "Portal:KnownProxies"))
            {
                options.KnownProxies.Add(IPAddress.TryParse(value, out var address)
                    ? address
                    : throw new InvalidOperationException($"Portal:KnownProxies: « {value} » is not an IP address."));
            }

            foreach (var value in List(configuration, "Portal:KnownNetworks"))
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(value, out var network)
                    ? network
                    : throw new InvalidOperationException($"Portal:KnownNetworks: « {value} » is not a network (for instance 172.28.0.0/16)."));
            }
        });
        return services;
    }

    /// <summary>A list given as "a,b;c" (one environment variable) or as a configuration array (Portal:KnownProxies:0…).</summary>
    private static IEnumerable<string> List(IConfiguration configuration, string key) =>
        (configuration[key] ?? string.Empty).Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(configuration.GetSection(key).GetChildren().Select(child => child.Value).OfType<string>());
}
