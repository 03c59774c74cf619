using System.Diagnostics;
using System.Net;
using Npgsql;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Quality;

/// <summary>
/// Every page template through a database outage (a relay the test cuts, as a stopped server would be): the pages
/// that need the database answer the French 503 with Retry-After, fast; the others still answer; readiness is 503;
/// and everything comes back when the database does, without restarting the app.
/// </summary>
public sealed class OutageTests(QualitySite site) : IClassFixture<QualitySite>
{
    /// <summary>The issue's promise: a visitor waits at most this long for the outage page.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Pages_answer_a_French_503_with_Retry_After_while_the_database_is_down_and_recover_without_a_restart()
    {
        var server = new NpgsqlConnectionStringBuilder(site.ConnectionString);
        await using var proxy = new TcpToggleProxy(server.Host!, server.Port);
        proxy.Start();
        var throughProxy = new NpgsqlConnectionStringBuilder(site.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 3 }.ConnectionString;
        await using var factory = new PortalFactory(throughProxy, QualitySite.Settings);
        using var client = factory.CreatePageClient();
        // Signed in before the outage (signing in needs the database).
        var clients = new Dictionary<string, HttpClient>(StringComparer.Ordinal);
        foreach (var account in site.Pages.Select(p => p.Account).OfType<string>().Distinct())
        {
            clients[account] = await TestAccounts.SignedInClientAsync(factory, account);
        }

        HttpClient ClientOf(QualityPage page) => page.Account is null ? client : clients[page.Account];

        var before = await StatusesAsync(ClientOf);
        Assert.True(before.All(s => s.Status == s.Page.Status), "before the outage: " + Describe(before));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);

        proxy.Cut();
        var problems = new List<string>();
        // Forms are left out here: their page's token cannot be read while the database is down (registrations
        // during an outage are the events' tests).
        foreach (var page in site.Pages.Where(p => p.Form is null))
        {
            var clock = Stopwatch.StartNew();
            var (response, document) = await ClientOf(page).GetPageAsync(page.Path);
            var elapsed = clock.Elapsed;
            if (!page.Database)
            {
                if ((int)response.StatusCode != page.Status)
                {
                    problems.Add($"{page}: {(int)response.StatusCode}, but it does not need the database ({page.Status} expected)");
                }

                continue;
            }

            if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                problems.Add($"{page}: {(int)response.StatusCode} instead of 503");
            }
            else if (response.Headers.RetryAfter?.Delta is not { TotalSeconds: > 0 })
            {
                problems.Add($"{page}: no Retry-After");
            }
            else if (document.QuerySelector("h1").Text() != "Service momentanément indisponible" || document.DocumentElement.GetAttribute("lang") != "fr")
            {
                problems.Add($"{page}: « {document.QuerySelector("h1").Text()} »");
            }

            if (elapsed > MaxWait)
            {
                problems.Add($"{page}: answered in {elapsed.TotalSeconds:0.0} s");
            }
        }

        var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        proxy.Start();
        var after = await StatusesAsync(ClientOf);
        Assert.True(after.All(s => s.Status == s.Page.Status), "after the outage: " + Describe(after));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
        Assert.DoesNotContain(factory.Logs, l => l.StartsWith("Critical", StringComparison.Ordinal));
        foreach (var signedIn in clients.Values)
        {
            signedIn.Dispose();
        }
    }

    private async Task<List<(QualityPage Page, int Status)>> StatusesAsync(Func<QualityPage, HttpClient> clientOf)
    {
        var statuses = new List<(QualityPage, int)>();
        foreach (var page in site.Pages)
        {
            using var response = await QualitySite.RequestAsync(clientOf(page), page);
            statuses.Add((page, (int)response.StatusCode));
        }

        return statuses;
    }

    private static string Describe(IEnumerable<(QualityPage Page, int Status)> statuses) =>
        string.Join("; ", statuses.Where(s => s.Status != s.Page.Status).Select(s => $"{s.Page}: {s.Status}"));
}
