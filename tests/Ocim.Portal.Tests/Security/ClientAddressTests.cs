using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Security;

/// <summary>
/// Issue 15, rate limits behind a proxy: X-Forwarded-For names the client only when a configured proxy sends it, and
/// sign-in is limited per account (the e-mail typed, normalised) as well as per address. The in-memory server has no
/// socket: the test's X-Test-Peer header plays the address the connection comes from.
/// </summary>
public sealed class ClientAddressTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private const string Password = "quinze caractères au moins";

    [Fact]
    public async Task A_forged_X_Forwarded_For_from_an_untrusted_address_is_ignored()
    {
        await using var factory = Portal(new() { ["Portal:RateLimits:connexion:PerMinute"] = "2", ["Portal:KnownProxies"] = "10.0.0.5" });
        using var client = factory.CreatePageClient();
        var token = await client.TokenAsync("/connexion");

        // One client (not a known proxy) claims a new address each time: the limit still counts its own.
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 3; i++)
        {
            statuses.Add(await SignInAsync(client, token, peer: "203.0.113.7", forwardedFor: $"198.51.100.{i}", email: $"inconnu{i}@exemple.test"));
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task A_trusted_proxy_s_X_Forwarded_For_names_each_client()
    {
        await using var factory = Portal(new() { ["Portal:RateLimits:connexion:PerMinute"] = "2", ["Portal:KnownProxies"] = "10.0.0.5" });
        using var client = factory.CreatePageClient();
        var token = await client.TokenAsync("/connexion");

        // Three clients behind the proxy: each has its own bucket (before, they shared the proxy's).
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 3; i++)
        {
            statuses.Add(await SignInAsync(client, token, peer: "10.0.0.5", forwardedFor: $"198.51.100.{i}", email: $"client{i}@exemple.test"));
        }

        // The first client again: its second attempt passes, its third is refused; the proxy itself is never blamed.
        statuses.Add(await SignInAsync(client, token, peer: "10.0.0.5", forwardedFor: "198.51.100.1", email: "client1@exemple.test"));
        statuses.Add(await SignInAsync(client, token, peer: "10.0.0.5", forwardedFor: "198.51.100.1", email: "client1@exemple.test"));
        statuses.Add(await SignInAsync(client, token, peer: "10.0.0.5", forwardedFor: "198.51.100.4", email: "client4@exemple.test"));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.OK], statuses);
    }

    [Fact]
    public async Task Many_addresses_on_one_account_are_limited_with_the_French_429()
    {
        await using var factory = Portal(new() { ["Portal:RateLimits:connexion-compte:PerMinute"] = "3" });
        using var client = factory.CreatePageClient();
        var token = await client.TokenAsync("/connexion");

        // One account typed four ways from four addresses: the fourth attempt is refused.
        string[] typed = ["cible@exemple.test", " Cible@Exemple.test", "CIBLE@EXEMPLE.TEST ", "ｃｉｂｌｅ@exemple.test"];
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < typed.Length; i++)
        {
            responses.Add(await PostSignInAsync(client, token, peer: $"203.0.113.{i + 1}", forwardedFor: null, email: typed[i]));
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], responses.Select(r => r.StatusCode));
        var refused = responses[^1];
        Assert.True(int.Parse(refused.Headers.RetryAfter!.ToString(), CultureInfo.InvariantCulture) is > 0 and <= 60);
        Assert.Equal("Trop de requêtes", (await refused.ReadPageAsync()).QuerySelector("h1")!.TextContent.Trim());
        Assert.DoesNotContain(factory.Logs, line => line.Contains("cible@", StringComparison.OrdinalIgnoreCase));

        // Another account from the same addresses is not held up.
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(client, token, peer: "203.0.113.1", forwardedFor: null, email: "autre@exemple.test"));
    }

    private PortalFactory Portal(Dictionary<string, string?> settings) =>
        new(database.ConnectionString, settings) { TestServices = services => services.AddTransient<IStartupFilter, TestPeer>() };

    private static async Task<HttpStatusCode> SignInAsync(HttpClient client, string token, string peer, string? forwardedFor, string email)
    {
        using var response = await PostSignInAsync(client, token, peer, forwardedFor, email);
        return response.StatusCode;
    }

    private static Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string token, string peer, string? forwardedFor, string email)
    {
        client.DefaultRequestHeaders.Remove("X-Test-Peer");
        client.DefaultRequestHeaders.Remove("X-Forwarded-For");
        client.DefaultRequestHeaders.Add("X-Test-Peer", peer);
        if (forwardedFor is not null)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }

        return client.PostFormAsync("/connexion", [new("Email", email), new("Password", Password)], token);
    }

    /// <summary>Sets the connection's address from X-Test-Peer, before the app's own middleware (as a socket would).</summary>
    private sealed class TestPeer : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, inner) =>
            {
                if (IPAddress.TryParse(context.Request.Headers["X-Test-Peer"].ToString(), out var peer))
                {
                    context.Connection.RemoteIpAddress = peer;
                }

                return inner(context);
            });
            next(app);
        };
    }
}
