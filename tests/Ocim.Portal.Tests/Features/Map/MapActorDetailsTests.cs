using System.Net;
using System.Text.Json;
using Dapper;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Map;

/// <summary>
/// What /carte fetches besides its tiles: an actor's popup (/carte/acteurs/{id}: public fields of a published actor
/// only), the labels' glyphs (/carte/glyphes), and the optional vector style's origin in the CSP.
/// </summary>
public sealed class MapActorDetailsTests : IClassFixture<MapActorSet>, IDisposable
{
    private static readonly string[] PublicFields =
    [
        "id", "name", "acronym", "family", "familySlug", "circle", "circleLabel", "commune", "departmentCode", "address",
        "postalCode", "website", "url", "longitude", "latitude",
    ];

    private readonly MapActorSet actors;
    private readonly PortalFactory factory;
    private readonly HttpClient client;

    public MapActorDetailsTests(MapActorSet actors)
    {
        this.actors = actors;
        factory = new PortalFactory(actors.Database.ConnectionString);
        client = factory.CreateClient();
    }

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }

    [Fact]
    public async Task A_published_actor_gives_its_public_fields_for_the_popup()
    {
        await using var connection = await actors.Database.OpenAsync();
        var id = await connection.ExecuteScalarAsync<long>("select id from actor where name = 'Muséum de Dijon'");
        await connection.ExecuteAsync("""
            update actor set address = '1 avenue Albert-Premier', postal_code = '21000', website = 'https://museum.dijon.fr',
                             email = 'secret@example.org', phone = '03 80 00 00 00', siret = '21210231700015'
            where id = @id
            """, new { id });

        var response = await client.GetAsync(new Uri($"/carte/acteurs/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal(PublicFields.Order(StringComparer.Ordinal), root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(id, root.GetProperty("id").GetInt64());
        Assert.Equal("Muséum de Dijon", root.GetProperty("name").GetString());
        Assert.Equal("museum", root.GetProperty("familySlug").GetString());
        Assert.Equal(1, root.GetProperty("circle").GetInt32());
        Assert.Equal("Cercle 1", root.GetProperty("circleLabel").GetString());
        Assert.Equal("Dijon", root.GetProperty("commune").GetString());
        Assert.Equal("21", root.GetProperty("departmentCode").GetString());
        Assert.Equal("1 avenue Albert-Premier", root.GetProperty("address").GetString());
        Assert.Equal("https://museum.dijon.fr/", root.GetProperty("website").GetString());
        Assert.StartsWith($"/acteurs/{id}-", root.GetProperty("url").GetString(), StringComparison.Ordinal);
        var body = root.GetRawText();
        Assert.DoesNotContain("secret@example.org", body, StringComparison.Ordinal);
        Assert.DoesNotContain("03 80", body, StringComparison.Ordinal);
        Assert.DoesNotContain("21210231700015", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unpublished_or_unknown_actor_is_not_found()
    {
        await using var connection = await actors.Database.OpenAsync();
        var draft = await connection.ExecuteScalarAsync<long>("select id from actor where name = 'Brouillon de Dijon'");

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri($"/carte/acteurs/{draft}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/carte/acteurs/987654321", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/carte/acteurs/abc", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("DejaVu Sans Condensed", "0-255")]
    [InlineData("DejaVu Sans Condensed Bold", "0-255")]
    [InlineData("DejaVu Sans Condensed", "256-511")]
    [InlineData("DejaVu Sans Condensed Bold", "8192-8447")]
    public async Task The_label_glyphs_are_served_by_the_portal(string fontStack, string range)
    {
        var response = await client.GetAsync(new Uri($"/carte/glyphes/{Uri.EscapeDataString(fontStack)}/{range}.pbf", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        // glyphs { stacks (1) = fontstack { name (1) = fontStack; range (2) = range; glyphs (3)… } }
        Assert.Equal(0x0a, bytes[0]);
        var text = System.Text.Encoding.UTF8.GetString(bytes, 0, 200);
        Assert.Contains(fontStack, text, StringComparison.Ordinal);
        Assert.Contains(range, text, StringComparison.Ordinal);
        Assert.True(bytes.Length > 10_000, $"{bytes.Length} bytes");
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task The_label_glyphs_come_compressed_and_decompress_to_the_same_range(string encoding)
    {
        var path = new Uri($"/carte/glyphes/{Uri.EscapeDataString("DejaVu Sans Condensed")}/0-255.pbf", UriKind.Relative);
        var raw = await (await client.GetAsync(path)).Content.ReadAsByteArrayAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptEncoding.ParseAdd(encoding);

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([encoding], response.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        var compressed = await response.Content.ReadAsByteArrayAsync();
        Assert.True(compressed.Length < raw.Length / 2, $"{compressed.Length} bytes compressed, {raw.Length} raw");
        using Stream decompressor = encoding == "br"
            ? new System.IO.Compression.BrotliStream(new MemoryStream(compressed), System.IO.Compression.CompressionMode.Decompress)
            : new System.IO.Compression.GZipStream(new MemoryStream(compressed), System.IO.Compression.CompressionMode.Decompress);
        using var back = new MemoryStream();
        await decompressor.CopyToAsync(back);
        Assert.Equal(raw, back.ToArray());
    }

    [Theory]
    [InlineData("Arial Regular", "0-255")]
    [InlineData("DejaVu Sans Condensed", "512-767")]
    [InlineData("..", "0-255")]
    public async Task Unknown_glyphs_are_not_found(string fontStack, string range)
    {
        var response = await client.GetAsync(new Uri($"/carte/glyphes/{Uri.EscapeDataString(fontStack)}/{range}.pbf", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_glyph_files_are_not_served_a_second_time_as_static_files()
    {
        var response = await client.GetAsync(new Uri("/map/glyphs/DejaVu%20Sans%20Condensed/0-255.pbf", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_configured_vector_style_is_offered_to_the_map_and_its_origin_alone_is_allowed()
    {
        using var withStyle = factory.WithWebHostBuilder(builder =>
            builder.UseSetting("Map:VectorStyleUrl", "https://data.geopf.fr/annexes/ressources/vectorTiles/styles/PLAN.IGN/standard.json"));
        using var styleClient = withStyle.CreateClient();

        var response = await styleClient.GetAsync(new Uri("/carte", UriKind.Relative));
        var page = await Html.ParseAsync(response);

        var csp = string.Join(';', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("img-src 'self' data: https://data.geopf.fr;", csp, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self' https://data.geopf.fr;", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Equal("https://data.geopf.fr/annexes/ressources/vectorTiles/styles/PLAN.IGN/standard.json",
            page.QuerySelector("#carte")?.GetAttribute("data-vector-style"));
    }

    [Fact]
    public async Task A_malformed_vector_style_address_stops_the_app_rather_than_loosening_the_CSP()
    {
        using var withStyle = factory.WithWebHostBuilder(builder => builder.UseSetting("Map:VectorStyleUrl", "ftp://moi:secret@styles.example.org/style.json"));
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var styleClient = withStyle.CreateClient();
            await styleClient.GetAsync(new Uri("/carte", UriKind.Relative));
        });
        Assert.Contains("Map:VectorStyleUrl", error.ToString(), StringComparison.Ordinal);
    }
}
