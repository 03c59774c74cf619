using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Quality;

/// <summary>
/// OWASP ASVS checks of QUALITY.md not covered by the features' own tests: HSTS for a year (S11) and hostile query
/// strings on every filter of every endpoint that reads one (S8): 200 or 400, never a 500.
/// </summary>
public sealed class HardeningTests(QualitySite site) : IClassFixture<QualitySite>
{
    private static readonly string[] Hostile =
    [
        "' OR 1=1--", "\"; drop table actor; --", "%", "_", "\\", "%_\\%", new string('a', 10_000), "\0", "avant\0après",
        "😀🔬", "<script>alert(1)</script>", "1e309", "-1", "NaN", "Infinity", "99999999999999999999999", "0x10", "1,5",
        " ", "é\u202E\u200B",
    ];

    private static readonly string[] FilterKeys =
    [
        "q", "cercle", "famille", "action", "theme", "public", "region", "departement", "epci", "commune", "autour",
        "lat", "lon", "rayon", "bbox", "page", "tri", "distance_km",
    ];

    private static readonly string[] OtherEndpoints =
    [
        "/acteurs.csv", "/acteurs.geojson", "/carte/liste", "/carte", "/territoires/departement/21",
        "/territoires/departement/21/couverture", "/tiles/actors/6/33/22.mvt",
    ];

    private static readonly string[] SomeKeys = ["q", "commune", "rayon", "bbox", "distance_km"];

    [Fact]
    public async Task HSTS_asks_for_a_year_over_HTTPS_for_a_real_host_and_is_left_out_elsewhere()
    {
        // The real host is the portal's public address: requests for any other host than it and loopback are refused.
        await using var factory = new PortalFactory(site.ConnectionString, new Dictionary<string, string?> { ["Portal:PublicUrl"] = "https://ocim.test" });

        var https = await HeadersAsync(factory, "https://ocim.test/");
        var http = await HeadersAsync(factory, "http://ocim.test/");
        var localhost = await HeadersAsync(factory, "https://localhost/");

        var hsts = Assert.Single(https.GetValues("Strict-Transport-Security"));
        var maxAge = hsts.Split(';').Select(p => p.Trim()).Single(p => p.StartsWith("max-age=", StringComparison.Ordinal))["max-age=".Length..];
        Assert.True(long.Parse(maxAge, CultureInfo.InvariantCulture) >= 31_536_000, hsts);
        // A browser ignores HSTS over plain HTTP, and pinning localhost would break every local site of the developer.
        Assert.False(http.Contains("Strict-Transport-Security"));
        Assert.False(localhost.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Hostile_filters_get_200_or_400_never_a_server_error()
    {
        await using var factory = new PortalFactory(site.ConnectionString);
        using var client = factory.CreatePageClient();
        var failures = new List<string>();

        // Every key on the directory, where each one is parsed; the other endpoints share that parser, so a few keys suffice there.
        var requests = FilterKeys.SelectMany(key => Hostile.Select(value => $"/acteurs?{key}={Uri.EscapeDataString(value)}"))
            .Concat(OtherEndpoints.SelectMany(path => SomeKeys.SelectMany(key => Hostile.Select(value => $"{path}?{key}={Uri.EscapeDataString(value)}"))))
            // In a path, NUL never reaches the app: Kestrel answers 400 itself, and the in-memory test server refuses to send it.
            .Concat(Hostile.Where(v => !v.Contains('\0', StringComparison.Ordinal)).Select(value => $"/territoires/commune/{Uri.EscapeDataString(value)}"))
            .Concat(Hostile.Where(v => !v.Contains('\0', StringComparison.Ordinal)).Select(value => $"/territoires/departement/{Uri.EscapeDataString(value)}/couverture"))
            .Concat(Hostile.Where(v => !v.Contains('\0', StringComparison.Ordinal)).Select(value => $"/acteurs/1-{Uri.EscapeDataString(value)}"))
            .ToList();
        foreach (var request in requests)
        {
            using var response = await client.GetAsync(new Uri(request, UriKind.Relative));
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{(int)response.StatusCode} {Shorten(request)}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {requests.Count} requests failed:\n" + string.Join("\n", failures.Take(40)));
        Assert.DoesNotContain(factory.Logs, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("Exception", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wildcards_typed_in_the_search_are_not_wildcards()
    {
        await using var factory = new PortalFactory(site.ConnectionString);
        using var client = factory.CreatePageClient();

        var all = await NamesAsync(client, "/acteurs.geojson");
        var percent = await NamesAsync(client, "/acteurs.geojson?q=" + Uri.EscapeDataString("%"));
        var underscore = await NamesAsync(client, "/acteurs.geojson?q=" + Uri.EscapeDataString("_"));

        Assert.True(all.Count >= 6, string.Join(", ", all));
        // Punctuation is no word of the full-text search: it is looked for literally, never as a LIKE wildcard.
        Assert.Equal(["Labo 100 % sciences"], percent);
        Assert.Equal(["Club_astro de Rennes"], underscore);
    }

    private static async Task<System.Net.Http.Headers.HttpResponseHeaders> HeadersAsync(PortalFactory factory, string baseAddress)
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(baseAddress), AllowAutoRedirect = false });
        using var response = await client.GetAsync(new Uri("/territoires", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers;
    }

    private static async Task<List<string>> NamesAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. json.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("nom").GetString()!)];
    }

    private static string Shorten(string request) => request.Length > 120 ? request[..120] + "…" : request;
}
