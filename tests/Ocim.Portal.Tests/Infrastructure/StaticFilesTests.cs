using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Ocim.Portal.Tests.Infrastructure;

/// <summary>
/// Static files as a phone on a slow network receives them: compressed at build time (Brotli, gzip), fingerprinted URLs
/// cached for a year, the others revalidated, with the security headers of every response
/// (docs/decisions/0027-static-files-compression-and-caching.md).
/// </summary>
public sealed partial class StaticFilesTests : IClassFixture<DatabaseFixture>, IDisposable
{
    private readonly PortalFactory factory;
    private readonly HttpClient client;

    public StaticFilesTests(DatabaseFixture database)
    {
        factory = new PortalFactory(database.ConnectionString);
        client = factory.CreatePageClient();
    }

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task The_map_library_is_served_compressed_and_smaller(string encoding)
    {
        var plain = await GetAsync("/lib/maplibre-gl/maplibre-gl.js");
        var compressed = await GetAsync("/lib/maplibre-gl/maplibre-gl.js", encoding);

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal([encoding], compressed.Content.Headers.ContentEncoding);
        Assert.Contains("text/javascript", compressed.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var plainBytes = (await plain.Content.ReadAsByteArrayAsync()).Length;
        var compressedBytes = (await compressed.Content.ReadAsByteArrayAsync()).Length;
        Assert.True(compressedBytes < plainBytes / 3, $"{encoding}: {compressedBytes} bytes for {plainBytes}");
        Assert.Contains("Accept-Encoding", compressed.Headers.Vary);
    }

    [Fact]
    public async Task Brotli_is_preferred_when_the_browser_accepts_both()
    {
        var response = await GetAsync("/css/site.css", "gzip, deflate, br");

        Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task The_layout_links_fingerprinted_files_that_are_cached_for_a_year()
    {
        var html = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        var stylesheet = FingerprintedStylesheet().Match(html);
        var script = FingerprintedLayoutScript().Match(html);
        Assert.True(stylesheet.Success, "no fingerprinted site.css in the layout");
        Assert.True(script.Success, "no fingerprinted layout.js in the layout");

        foreach (var url in new[] { stylesheet.Value, script.Value })
        {
            var response = await GetAsync(url, "br");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var cache = response.Headers.CacheControl!;
            Assert.True(cache.MaxAge >= TimeSpan.FromDays(365), url);
            Assert.Contains(cache.Extensions, e => e.Name == "immutable");
        }
    }

    [Fact]
    public async Task A_file_without_fingerprint_is_revalidated_with_its_ETag()
    {
        var first = await GetAsync("/lib/maplibre-gl/maplibre-gl.js", "br");
        Assert.True(first.Headers.CacheControl!.NoCache);
        var etag = first.Headers.ETag!;

        using var again = new HttpRequestMessage(HttpMethod.Get, "/lib/maplibre-gl/maplibre-gl.js");
        again.Headers.AcceptEncoding.ParseAdd("br");
        again.Headers.IfNoneMatch.Add(etag);
        var revalidated = await client.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }

    [Fact]
    public async Task Static_files_carry_the_security_headers()
    {
        var response = await GetAsync("/js/layout.js", "br");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Theory]
    [InlineData("/css/absent.css")]
    [InlineData("/lib/maplibre-gl/absent.mjs")]
    [InlineData("/css/site.0000000000.css")]
    public async Task A_missing_file_is_a_French_404(string url)
    {
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        // Parsed from its text: a browsing context would take a document at a .css address for plain text.
        var page = await Html.ParseAsync(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Page introuvable", page.QuerySelector("h1").Text());
    }

    [Fact]
    public async Task Pages_for_visitors_are_compressed_over_HTTPS()
    {
        var response = await GetAsync("/", "br");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task A_secret_link_is_never_compressed_over_HTTPS()
    {
        // BREACH: a page whose address is the secret is sent as is, whatever the browser accepts.
        var response = await GetAsync("/mes-donnees/" + new string('a', 43), "br, gzip");

        Assert.Empty(response.Content.Headers.ContentEncoding);
    }

    private async Task<HttpResponseMessage> GetAsync(string url, string? acceptEncoding = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (acceptEncoding is not null)
        {
            foreach (var value in acceptEncoding.Split(',', StringSplitOptions.TrimEntries))
            {
                request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(value));
            }
        }

        return await client.SendAsync(request);
    }

    [GeneratedRegex(@"/css/site\.[a-z0-9]{6,}\.css")]
    private static partial Regex FingerprintedStylesheet();

    [GeneratedRegex(@"/js/layout\.[a-z0-9]{6,}\.js")]
    private static partial Regex FingerprintedLayoutScript();
}
