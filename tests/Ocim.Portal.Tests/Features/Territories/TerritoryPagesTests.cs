using System.Net;
using Dapper;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Territories;

public sealed class TerritoryPagesTests : IClassFixture<DatabaseFixture>, IDisposable
{
    private readonly DatabaseFixture database;
    private readonly PortalFactory factory;
    private readonly HttpClient client;

    public TerritoryPagesTests(DatabaseFixture database)
    {
        this.database = database;
        factory = new PortalFactory(database.ConnectionString);
        client = factory.CreatePageClient();
    }

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }

    [Fact]
    public async Task The_territories_page_lists_the_18_regions_in_French()
    {
        var (response, page) = await client.GetPageAsync("/territoires");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("fr", page.DocumentElement.GetAttribute("lang"));
        Assert.Equal("Territoires · Portail Ocim", page.Title);
        var regionLinks = page.QuerySelectorAll("table.data tbody a[href^='/territoires/region/']");
        Assert.Equal(18, regionLinks.Length);
        Assert.Contains(regionLinks, a => a.Text() == "Bourgogne-Franche-Comté" && a.GetAttribute("href") == "/territoires/region/27");
        // The small map links the 13 metropolitan regions.
        Assert.Equal(13, page.QuerySelectorAll("figure.outline-map svg a").Length);
    }

    [Fact]
    public async Task A_region_page_shows_its_population_and_links_its_departments()
    {
        await using var connection = await database.OpenAsync();
        var population = await connection.ExecuteScalarAsync<int>("select population from region where code = '27'");

        var (response, page) = await client.GetPageAsync("/territoires/region/27");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("Bourgogne-Franche-Comté", page.QuerySelector("h1").Text(), StringComparison.Ordinal);
        Assert.Contains(Html.Squash(population.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("fr-FR"))), Html.Squash(page.QuerySelector("dl.facts").Text()), StringComparison.Ordinal);
        var departments = page.QuerySelectorAll("table.data tbody th a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(["/territoires/departement/21", "/territoires/departement/25", "/territoires/departement/39", "/territoires/departement/58",
                      "/territoires/departement/70", "/territoires/departement/71", "/territoires/departement/89", "/territoires/departement/90"], departments);
        Assert.Equal(8, page.QuerySelectorAll("figure.outline-map svg a path").Length);
    }

    [Fact]
    public async Task A_department_page_links_its_region_its_communes_and_its_intercommunalities()
    {
        await using var connection = await database.OpenAsync();
        var communes = await connection.ExecuteScalarAsync<int>("select count(*) from commune where department_code = '21'");

        var (response, page) = await client.GetPageAsync("/territoires/departement/21");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(page.QuerySelectorAll("nav[aria-label=\"Fil d'Ariane\"] a"), a => a.GetAttribute("href") == "/territoires/region/27");
        Assert.Equal(communes, page.QuerySelectorAll("#sous-territoires tbody tr").Length);
        Assert.Contains(page.QuerySelectorAll("table.data tbody a"), a => a.Text() == "Dijon" && a.GetAttribute("href") == "/territoires/commune/21231");
        Assert.Contains(page.QuerySelectorAll("a[href='/territoires/epci/242100410']"), a => a.Text() == "Dijon Métropole");
    }

    [Fact]
    public async Task A_department_code_of_Corsica_or_overseas_is_accepted()
    {
        var (corsica, corsicaPage) = await client.GetPageAsync("/territoires/departement/2A");
        var (reunion, _) = await client.GetPageAsync("/territoires/departement/974");

        Assert.Equal(HttpStatusCode.OK, corsica.StatusCode);
        Assert.StartsWith("Corse-du-Sud", corsicaPage.QuerySelector("h1").Text(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, reunion.StatusCode);
    }

    [Fact]
    public async Task An_epci_page_lists_its_member_communes()
    {
        await using var connection = await database.OpenAsync();
        var members = await connection.ExecuteScalarAsync<int>("select count(*) from commune where epci_siren = '242100410'");

        var (response, page) = await client.GetPageAsync("/territoires/epci/242100410");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("Dijon Métropole", page.QuerySelector("h1").Text(), StringComparison.Ordinal);
        Assert.Equal(members, page.QuerySelectorAll("table.data tbody tr").Length);
        Assert.Contains("Métropole", page.QuerySelector("dl.facts").Text(), StringComparison.Ordinal);
        Assert.Contains(page.QuerySelectorAll("nav[aria-label=\"Fil d'Ariane\"] a"), a => a.GetAttribute("href") == "/territoires/departement/21");
    }

    [Fact]
    public async Task A_commune_page_shows_its_parents_population_and_outline()
    {
        var (response, page) = await client.GetPageAsync("/territoires/commune/21231");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Dijon (commune 21231) · Portail Ocim", page.Title);
        var breadcrumb = page.QuerySelectorAll("nav[aria-label=\"Fil d'Ariane\"] a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(["/territoires", "/territoires/region/27", "/territoires/departement/21", "/territoires/epci/242100410"], breadcrumb);
        Assert.Contains("161 830 habitants", Html.Squash(page.QuerySelector("dl.facts").Text()), StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("figure.outline-map path.territory--self"));
        Assert.True(page.QuerySelectorAll("figure.outline-map a path").Length >= 5, "Dijon's neighbours are drawn and linked");
    }

    [Fact]
    public async Task A_merged_commune_says_its_population_is_an_estimate()
    {
        await using var connection = await database.OpenAsync();
        var code = await connection.ExecuteScalarAsync<string>("select code from commune where population_apportioned order by code limit 1");

        var (response, page) = await client.GetPageAsync($"/territoires/commune/{code}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("estimation", page.QuerySelector("dl.facts").Text(), StringComparison.Ordinal);
        Assert.Contains("prorata de leur surface", page.QuerySelector(".notice").Text(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/territoires/region/99")]
    [InlineData("/territoires/departement/00")]
    [InlineData("/territoires/departement/2C")]
    [InlineData("/territoires/epci/123456789")]
    [InlineData("/territoires/epci/24210041")]
    [InlineData("/territoires/commune/99999")]
    [InlineData("/territoires/commune/21231'--")]
    [InlineData("/territoires/pays/FR")]
    [InlineData("/page-qui-n-existe-pas")]
    public async Task An_unknown_territory_or_page_gives_a_French_404(string url)
    {
        var (response, page) = await client.GetPageAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("fr", page.DocumentElement.GetAttribute("lang"));
        Assert.Equal("Page introuvable", page.QuerySelector("h1").Text());
        Assert.Contains("n'existe pas", page.QuerySelector("main").Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Locating_a_point_redirects_to_its_commune()
    {
        var response = await client.GetAsync(new Uri("/territoires/position?lat=47,3220&lon=5.0415", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/territoires/commune/21231", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Locating_a_point_at_sea_says_so_in_French()
    {
        var (response, page) = await client.GetPageAsync("/territoires/position?lat=46.5&lon=-3");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Aucune commune à cette position", page.QuerySelector("h1").Text());
    }

    [Theory]
    [InlineData("/territoires/position?lat=&lon=5", "La latitude est obligatoire.")]
    [InlineData("/territoires/position?lat=abc&lon=5", "n'est pas un nombre décimal")]
    [InlineData("/territoires/position?lat=47&lon=500", "La longitude doit être comprise entre -180 et 180 degrés.")]
    [InlineData("/territoires/position?lat=NaN&lon=5", "n'est pas un nombre décimal")]
    public async Task Locating_a_malformed_point_is_refused_with_a_French_message(string url, string message)
    {
        var (response, page) = await client.GetPageAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, page.QuerySelector("[role=alert]").Text(), StringComparison.Ordinal);
        // What the visitor typed is kept in the form.
        Assert.NotNull(page.QuerySelector("input#lat"));
    }

    [Fact]
    public async Task The_sources_page_reports_what_could_not_be_matched()
    {
        await using var connection = await database.OpenAsync();
        var unmatched = await connection.ExecuteScalarAsync<int>("select count(*) from reference_unmatched");

        var (response, page) = await client.GetPageAsync("/territoires/sources");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Licence Ouverte", page.QuerySelector("main").Text(), StringComparison.Ordinal);
        var tables = page.QuerySelectorAll("table.data");
        Assert.Equal(2, tables.Length);
        Assert.Equal(unmatched, tables[1].QuerySelectorAll("tbody tr").Length);
    }

    [Fact]
    public async Task Every_page_has_a_skip_link_first_and_the_main_landmarks()
    {
        foreach (var url in new[] { "/", "/territoires", "/territoires/commune/21231", "/territoires/commune/99999" })
        {
            var (_, page) = await client.GetPageAsync(url);

            var firstLink = page.QuerySelector("body a");
            Assert.Equal("#contenu", firstLink?.GetAttribute("href"));
            Assert.NotNull(page.QuerySelector("main#contenu"));
            Assert.NotNull(page.QuerySelector("header"));
            Assert.NotNull(page.QuerySelector("nav[aria-label='Navigation principale']"));
            Assert.NotNull(page.QuerySelector("footer"));
            Assert.Empty(page.QuerySelectorAll("script:not([src])"));
            Assert.Empty(page.QuerySelectorAll("link[href^='http'], script[src^='http']"));
        }
    }
}
