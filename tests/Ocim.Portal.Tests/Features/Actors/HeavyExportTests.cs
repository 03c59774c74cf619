using System.Net;
using System.Net.Sockets;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Actors;

/// <summary>A class database holding exports of tens of megabytes: far more than the sockets and Kestrel's buffers hold.</summary>
public sealed class LargeInventory : IAsyncLifetime
{
    public const int Actors = 8_000;

    public DatabaseFixture Database { get; } = new();

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await using var c = await Database.OpenAsync();
        // About 4 KB of description each: the CSV weighs some 35 MB, the GeoJSON less but still megabytes.
        await c.ExecuteAsync("""
            insert into actor (name, circle, family_id, long_description, longitude, latitude, status, source, external_id)
            select 'Musée numéro ' || g, 1, (select id from actor_family where slug = 'musee'),
                   repeat('Une longue description du musée. ', 120), 2 + (g % 100) * 0.01, 46 + (g / 100) * 0.01,
                   'published', 'test', 'grand-' || g
            from generate_series(1, @count) g
            """, new { count = Actors }, commandTimeout: 300);
    }

    public Task DisposeAsync() => Database.DisposeAsync();
}

/// <summary>
/// Exports and other heavy requests against a slow reader, on a real Kestrel socket (the in-memory TestServer does not
/// push back on the writer): the database is never held at the client's pace, and the concurrency limits answer 429
/// (the client's own) or 503 (everybody's) with Retry-After.
/// </summary>
public sealed class HeavyExportTests(LargeInventory data) : IClassFixture<LargeInventory>
{
    [Theory]
    [InlineData("/acteurs.csv")]
    [InlineData("/acteurs.geojson")]
    public async Task A_slow_reader_holds_no_database_connection_nor_transaction(string path)
    {
        using var portal = Start(new() { ["Portal:RateLimits:lourd:PerClient"] = "10" });
        using var reader = await StalledReaderAsync(portal, path);

        // The response has begun and the client reads nothing more: the server is blocked on the socket. No backend
        // of the export is still in a transaction (the background workers' brief queries are not the export's).
        Assert.StartsWith("HTTP/1.1 200", reader.Head, StringComparison.Ordinal);
        await using var c = await data.Database.OpenAsync();
        var held = await c.QueryAsync<string>("""
            select coalesce(state, '') || ' ' || left(query, 60) from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null
              and (query like '%offer_trainings%' or query like '%st_asgeojson%' or query like '%data_version%')
            """);
        Assert.Empty(held);
    }

    [Fact]
    public async Task A_client_past_its_heavy_requests_gets_429_with_Retry_After_in_French()
    {
        using var portal = Start(new() { ["Portal:RateLimits:lourd:PerClient"] = "1", ["Portal:RateLimits:lourd:Overall"] = "10" });
        using var http = new HttpClient { BaseAddress = portal.BaseAddress };
        using (await StalledReaderAsync(portal, "/acteurs.csv"))
        {
            var csv = await http.GetAsync(new Uri("/acteurs.geojson", UriKind.Relative));
            Assert.Equal(HttpStatusCode.TooManyRequests, csv.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(10), csv.Headers.RetryAfter?.Delta);
            Assert.Equal("text/plain", csv.Content.Headers.ContentType?.MediaType);
            Assert.Contains("depuis votre adresse", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            using var request = new HttpRequestMessage(HttpMethod.Get, "/territoires/couverture?distance_km=50");
            request.Headers.Accept.ParseAdd("text/html");
            var page = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
            Assert.NotNull(page.Headers.RetryAfter);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("Trop de requêtes", html, StringComparison.Ordinal);
            Assert.Contains("depuis votre adresse", html, StringComparison.Ordinal);

            // Light pages are not counted.
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/acteurs", UriKind.Relative))).StatusCode);
        }

        // The slow reader gone, its permit comes back (when the server notices the closed socket).
        Assert.True(await EventuallyAsync(async () => (await http.GetAsync(new Uri("/acteurs.geojson?departement=21", UriKind.Relative))).StatusCode == HttpStatusCode.OK));
    }

    [Fact]
    public async Task Heavy_requests_past_the_overall_limit_get_503_with_Retry_After()
    {
        using var portal = Start(new() { ["Portal:RateLimits:lourd:PerClient"] = "5", ["Portal:RateLimits:lourd:Overall"] = "1" });
        using var http = new HttpClient { BaseAddress = portal.BaseAddress };
        using (await StalledReaderAsync(portal, "/acteurs.csv"))
        {
            var csv = await http.GetAsync(new Uri("/territoires/couverture.csv", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, csv.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(10), csv.Headers.RetryAfter?.Delta);
            Assert.Contains("Le portail traite déjà beaucoup", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    private Portal Start(Dictionary<string, string?> settings) => new(data.Database.ConnectionString, settings);

    /// <summary>Sends a GET on a raw socket with a tiny receive buffer, reads the status line and headers, then stops reading.</summary>
    private static async Task<StalledReader> StalledReaderAsync(Portal portal, string path)
    {
        var socket = new TcpClient { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(IPAddress.Loopback, portal.BaseAddress.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: identity\r\n\r\n"));
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer) == 1)
        {
            head.Append((char)buffer[0]);
        }

        return new StalledReader(socket, head.ToString());
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    private sealed record StalledReader(TcpClient Socket, string Head) : IDisposable
    {
        public void Dispose() => Socket.Dispose();
    }

    /// <summary>The app on Kestrel, 127.0.0.1, a free port.</summary>
    private sealed class Portal : IDisposable
    {
        private readonly PortalFactory factory;

        public Portal(string connectionString, Dictionary<string, string?> settings)
        {
            factory = new PortalFactory(connectionString, settings);
            factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
            factory.StartServer();
            BaseAddress = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }

        public Uri BaseAddress { get; }

        public void Dispose() => factory.Dispose();
    }
}
