using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Ocim.Portal.Tests.Infrastructure;

/// <summary>
/// The whole app on a real Kestrel socket (127.0.0.1, a free port), so that a browser can reach it: the in-memory
/// TestServer of <see cref="PortalFactory"/> answers HttpClient only.
/// </summary>
public sealed class BrowserPortal : IDisposable
{
    private readonly PortalFactory factory;

    public BrowserPortal(string connectionString)
    {
        // Plain HTTP on loopback, as `./portal run` serves: cookies without the Secure flag (and without __Host-).
        factory = new PortalFactory(connectionString, new Dictionary<string, string?>
        {
            ["Portal:InsecureLoopbackCookies"] = "true",
            // Pages seen signed in sign in again each time, and every form page is posted: limits above the page count.
            ["Portal:RateLimits:connexion:PerMinute"] = "1000",
            ["Portal:RateLimits:signalement:PerMinute"] = "1000",
            ["Portal:RateLimits:revendication:PerMinute"] = "1000",
            ["Portal:RateLimits:questionnaire:PerMinute"] = "1000",
        });
        factory.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        factory.StartServer();
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First());
    }

    /// <summary>http://127.0.0.1:{port}/</summary>
    public Uri BaseAddress { get; }

    /// <summary>What the app logged, for a test to show when something went wrong.</summary>
    public IEnumerable<string> Logs => factory.Logs;

    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery);

    public void Dispose() => factory.Dispose();
}
