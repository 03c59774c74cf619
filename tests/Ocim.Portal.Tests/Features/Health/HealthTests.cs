using System.Diagnostics;
using System.Net;
using Npgsql;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Health;

public sealed class HealthTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Live_and_ready_answer_200_when_the_database_is_up()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        using var client = factory.CreatePageClient();

        var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("no-store", ready.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Ready_goes_503_when_the_database_is_cut_and_back_to_200_when_it_returns_without_a_restart()
    {
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var proxy = new TcpToggleProxy(server.Host!, server.Port);
        proxy.Start();
        var throughProxy = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 3 }.ConnectionString;
        await using var factory = new PortalFactory(throughProxy);
        using var client = factory.CreatePageClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/territoires/commune/21231", UriKind.Relative))).StatusCode);

        proxy.Cut();
        var clock = Stopwatch.StartNew();
        var down = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var downTime = clock.Elapsed;
        var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        var (pageDown, page) = await client.GetPageAsync("/territoires/commune/21231");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.True(downTime < TimeSpan.FromSeconds(10), $"readiness answered in {downTime}");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, pageDown.StatusCode);
        Assert.NotNull(pageDown.Headers.RetryAfter);
        Assert.Equal("Service momentanément indisponible", page.QuerySelector("h1").Text());

        proxy.Start();
        var up = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var pageUp = await client.GetAsync(new Uri("/territoires/commune/21231", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        Assert.Equal(HttpStatusCode.OK, pageUp.StatusCode);
    }
}
