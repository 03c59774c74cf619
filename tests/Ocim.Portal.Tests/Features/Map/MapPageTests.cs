using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Ocim.Portal.Features.Map;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Map;

/// <summary>/carte and /carte/liste over plain HTTP: the page without JavaScript, the list of a box, the box's errors.</summary>
public sealed class MapPageTests : IClassFixture<MapActorSet>, IDisposable
{
    // Around Dijon's three published actors (and its draft); exact edges: the Muséum's longitude and latitude, the
    // Bibliothèque's longitude, the Jardin's latitude.
    private const string DijonBox = "5.03,47.31,5.05,47.33";
    private const string DijonEdges = "5.034,47.319,5.0415,47.323";

    private readonly MapActorSet actors;
    private readonly PortalFactory factory;
    private readonly HttpClient client;

    public MapPageTests(MapActorSet actors)
    {
        this.actors = actors;
        factory = new PortalFactory(actors.Database.ConnectionString);
        client = factory.CreatePageClient();
    }

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }

    [Fact]
    public async Task Without_JavaScript_the_map_page_has_the_filter_form_the_list_of_the_filter_and_a_note()
    {
        var (response, page) = await client.GetPageAsync("/carte?cercle=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Carte des acteurs · Portail Ocim", page.Title);
        var form = page.QuerySelector("form#carte-filtres");
        Assert.Equal("get", form?.GetAttribute("method"));
        Assert.Equal("/carte", form?.GetAttribute("action"));
        Assert.True(page.QuerySelector("input#cercle-1")?.HasAttribute("checked"));
        Assert.Null(page.QuerySelector("form#carte-filtres input[name='bbox']"));
        Assert.Contains("a besoin de JavaScript", page.QuerySelector("noscript").Text(), StringComparison.Ordinal);

        // Circle 1, all of France and overseas: Dijon 2, Rennes, Lyon, Marseille, La Réunion; the draft is left out.
        Assert.Equal("6 acteurs", page.QuerySelector("#carte-compte").Text());
        Assert.Equal("polite", page.QuerySelector("#carte-compte")?.GetAttribute("aria-live"));
        var names = page.QuerySelectorAll("#carte-liste li h3 a").Select(a => a.Text()).ToList();
        Assert.Equal(6, names.Count);
        Assert.Contains("Muséum de La Réunion", names);
        Assert.DoesNotContain("Brouillon de Dijon", names);
        Assert.Contains(page.QuerySelectorAll("#carte-liste a"), a => a.GetAttribute("href") == "/acteurs?cercle=1");

        Assert.Equal("page", page.QuerySelector(".site-nav a[href='/carte']")?.GetAttribute("aria-current"));
        Assert.NotNull(page.QuerySelector("script[type='module'][src^='/js/map.']")); // fingerprinted: /js/map.{hash}.js
        Assert.Empty(page.QuerySelectorAll("script:not([src])"));
    }

    [Fact]
    public async Task The_list_of_a_box_holds_the_actors_inside_it()
    {
        var (response, fragment) = await client.GetPageAsync("/carte/liste?bbox=" + DijonBox);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(fragment.QuerySelector("header"));
        var list = fragment.QuerySelector("[data-total]");
        Assert.Equal("3", list?.GetAttribute("data-total"));
        Assert.Equal("3 acteurs dans la vue", list?.GetAttribute("data-summary"));
        Assert.Equal(DijonBox, list?.GetAttribute("data-bbox"));
        Assert.Equal(
            ["Bibliothèque de Dijon", "Jardin des sciences de Dijon", "Muséum de Dijon"],
            fragment.QuerySelectorAll("li h3 a").Select(a => a.Text()).ToList());
        Assert.All(fragment.QuerySelectorAll("li h3 a"), a => Assert.Matches("^/acteurs/[0-9]+-", a.GetAttribute("href")!));
        Assert.Equal((await actors.IdsInAsync(DijonBox)).Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(),
            fragment.QuerySelectorAll("li[data-id]").Select(li => li.GetAttribute("data-id")!).Order());
    }

    [Theory]
    [InlineData(DijonEdges, 3)]                       // points on the edges are inside
    [InlineData("5.0341,47.31,5.05,47.33", 2)]        // just east of the Muséum
    [InlineData("5.03,47.31,5.0414,47.3229", 1)]      // neither the Bibliothèque (east) nor the Jardin (north)
    [InlineData("-5.5,41,10,51.5", 10)]               // metropolitan France
    [InlineData("-180,-90,180,90", 11)]               // the world, La Réunion included
    [InlineData("0,0,0,0", 0)]
    public async Task A_box_counts_what_it_contains_edges_included(string bbox, int expected)
    {
        var (_, fragment) = await client.GetPageAsync("/carte/liste?bbox=" + bbox);

        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), fragment.QuerySelector("[data-total]")?.GetAttribute("data-total"));
        Assert.Equal(expected, fragment.QuerySelectorAll("li[data-id]").Length);
        Assert.Equal(expected, (await actors.IdsInAsync(bbox)).Count);
    }

    [Fact]
    public async Task The_box_combines_with_the_filter_and_the_full_list_link_keeps_both()
    {
        var (_, fragment) = await client.GetPageAsync($"/carte/liste?cercle=3&bbox={DijonBox}");

        Assert.Equal("1", fragment.QuerySelector("[data-total]")?.GetAttribute("data-total"));
        Assert.Equal("Bibliothèque de Dijon", fragment.QuerySelector("li h3 a").Text());
        Assert.Contains(fragment.QuerySelectorAll("a"), a => a.GetAttribute("href") == "/acteurs?cercle=3&bbox=5.03%2C47.31%2C5.05%2C47.33");
    }

    [Theory]
    [InlineData("1,2,3", "Le cadre de la carte (bbox) « 1,2,3 » doit s'écrire ouest,sud,est,nord en degrés décimaux")]
    [InlineData("a,b,c,d", "doit s'écrire ouest,sud,est,nord")]
    [InlineData("5,47;6,48", "doit s'écrire ouest,sud,est,nord")]
    [InlineData("1,2,3,4,5", "doit s'écrire ouest,sud,est,nord")]
    [InlineData("NaN,47,6,48", "doit s'écrire ouest,sud,est,nord")]
    [InlineData("10,40,5,45", "est inversé : l'ouest doit être inférieur ou égal à l'est")]
    [InlineData("5,45,10,40", "est inversé : le sud doit être inférieur ou égal au nord")]
    [InlineData("-200,40,5,45", "sort du globe : les longitudes vont de -180 à 180, les latitudes de -90 à 90")]
    [InlineData("5,40,6,95", "sort du globe")]
    public async Task A_malformed_box_gives_a_French_message_and_the_rest_of_the_filter_still_applies(string bbox, string message)
    {
        var (response, fragment) = await client.GetPageAsync("/carte/liste?cercle=3&bbox=" + Uri.EscapeDataString(bbox));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, fragment.QuerySelector("[role=alert]").Text(), StringComparison.Ordinal);
        // Circle 3 everywhere: Dijon's Bibliothèque, Lyon's Bibliothèque and Médiathèque.
        Assert.Equal("3", fragment.QuerySelector("[data-total]")?.GetAttribute("data-total"));
    }

    [Fact]
    public async Task The_page_with_a_malformed_box_says_so_in_French()
    {
        var (response, page) = await client.GetPageAsync("/carte?bbox=10,40,5,45");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("l'ouest doit être inférieur ou égal à l'est", page.QuerySelector("main [role=alert]").Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_map_opens_on_the_box_or_the_territory_of_the_filter()
    {
        var (_, boxed) = await client.GetPageAsync("/carte?bbox=" + DijonBox);
        Assert.Equal(DijonBox, boxed.QuerySelector("#carte")?.GetAttribute("data-extent"));

        var (_, department) = await client.GetPageAsync("/carte?departement=21");
        var extent = department.QuerySelector("#carte")?.GetAttribute("data-extent")?.Split(',')
            .Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.NotNull(extent);
        // Côte-d'Or spans about 4.07–5.52 °E and 46.90–48.03 °N.
        Assert.InRange(extent[0], 3.9, 4.2);
        Assert.InRange(extent[1], 46.8, 47.0);
        Assert.InRange(extent[2], 5.4, 5.6);
        Assert.InRange(extent[3], 47.9, 48.1);

        var (_, unfiltered) = await client.GetPageAsync("/carte");
        Assert.Equal(string.Empty, unfiltered.QuerySelector("#carte")?.GetAttribute("data-extent"));
    }

    [Fact]
    public async Task More_actors_in_view_than_the_list_shows_link_to_the_full_list()
    {
        await using (var connection = await actors.Database.OpenAsync())
        {
            for (var i = 0; i < MapController.ListSize + 5; i++)
            {
                await ActorRows.InsertAsync(connection, $"Club de Brest {i:00}", 2, "association", -4.48 + (i * 0.0001), 48.39);
            }
        }

        var (_, fragment) = await client.GetPageAsync("/carte/liste?bbox=-4.5,48.3,-4.4,48.4");

        Assert.Equal("55", fragment.QuerySelector("[data-total]")?.GetAttribute("data-total"));
        Assert.Equal(MapController.ListSize, fragment.QuerySelectorAll("li[data-id]").Length);
        var more = fragment.QuerySelector(".map-list__more a");
        Assert.Equal("Voir les 55 acteurs dans la liste complète", more.Text());
        Assert.Equal("/acteurs?bbox=-4.5%2C48.3%2C-4.4%2C48.4", more?.GetAttribute("href"));
    }

    [Fact]
    public async Task The_box_filters_the_directory_and_its_exports_too()
    {
        var (response, page) = await client.GetPageAsync("/acteurs?bbox=" + DijonBox);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("3 acteurs", page.QuerySelector("#resultats-titre").Text());
        var keep = page.QuerySelector("form.filters input#bbox");
        Assert.True(keep?.HasAttribute("checked"));
        Assert.Equal(DijonBox, keep?.GetAttribute("value"));
        Assert.Contains(page.QuerySelectorAll("a"), a => a.Text() == "Voir sur la carte" && a.GetAttribute("href") == "/carte?bbox=5.03%2C47.31%2C5.05%2C47.33");

        using var geojson = JsonDocument.Parse(await client.GetStringAsync(new Uri("/acteurs.geojson?bbox=" + DijonBox, UriKind.Relative)));
        Assert.Equal(3, geojson.RootElement.GetProperty("features").GetArrayLength());

        var csv = await client.GetStringAsync(new Uri("/acteurs.csv?bbox=" + DijonBox, UriKind.Relative));
        Assert.Equal(1 + 3, SimpleCsvLines(csv));
    }

    [Fact]
    public async Task The_directory_links_to_the_map_with_its_filter()
    {
        var (_, page) = await client.GetPageAsync("/acteurs?cercle=1&region=27");

        Assert.Contains(page.QuerySelectorAll("a"), a => a.Text() == "Voir sur la carte" && a.GetAttribute("href") == "/carte?cercle=1&region=27");
        Assert.Contains(page.QuerySelectorAll(".site-nav a"), a => a.Text() == "Carte" && a.GetAttribute("href") == "/carte");
    }

    [Fact]
    public async Task By_default_the_CSP_allows_only_the_portal_itself()
    {
        var response = await client.GetAsync(new Uri("/carte", UriKind.Relative));
        var page = await Html.ParseAsync(response);

        var csp = string.Join(';', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
            csp);
        Assert.Equal(string.Empty, page.QuerySelector("#carte")?.GetAttribute("data-raster-tiles"));
    }

    [Fact]
    public async Task A_configured_raster_base_map_is_offered_to_the_map_and_its_origin_alone_is_allowed()
    {
        using var withRaster = factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Map:RasterTilesUrl", "https://tuiles.example.org/fond/{z}/{x}/{y}.png");
            builder.UseSetting("Map:RasterAttribution", "© Exemple");
        });
        using var rasterClient = withRaster.CreateClient();

        var response = await rasterClient.GetAsync(new Uri("/carte", UriKind.Relative));
        var page = await Html.ParseAsync(response);

        var csp = string.Join(';', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("img-src 'self' data: https://tuiles.example.org;", csp, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self' https://tuiles.example.org;", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Equal("https://tuiles.example.org/fond/{z}/{x}/{y}.png", page.QuerySelector("#carte")?.GetAttribute("data-raster-tiles"));
        Assert.Equal("© Exemple", page.QuerySelector("#carte")?.GetAttribute("data-raster-attribution"));
    }

    [Theory]
    [InlineData("https://tuiles.example.org/fond.png")]
    [InlineData("ftp://tuiles.example.org/{z}/{x}/{y}.png")]
    [InlineData("/tuiles/{z}/{x}/{y}.png")]
    [InlineData("https://moi:secret@tuiles.example.org/{z}/{x}/{y}.png")]
    public void A_malformed_raster_address_stops_the_app_rather_than_loosening_the_CSP(string url)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Map:RasterTilesUrl"] = url }).Build();

        Assert.Throws<InvalidOperationException>(() => MapSettings.Read(configuration));
    }

    private static int SimpleCsvLines(string csv) => SimpleCsv.Parse(csv.TrimStart('\uFEFF')).Count(r => r.Count > 1 || r[0].Length > 0);
}
