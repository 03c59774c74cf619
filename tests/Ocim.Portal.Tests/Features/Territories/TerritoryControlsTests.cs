using System.Globalization;
using System.Net;
using Dapper;
using Ocim.Portal.Features.Territories;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Territories;

/// <summary>
/// Côte-d'Or with five actors placed by hand: the filter controls of the territory and white-zone pages, the
/// circles 1–2 default of the white zones, the choropleth's legend and its population threshold, the sortable tables.
/// </summary>
public sealed class TerritoryControlsFixture : IAsyncLifetime
{
    public DatabaseFixture Database { get; } = new();

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await using var c = await Database.OpenAsync();
        await ActorRows.InsertAsync(c, "Muséum de Dijon", 1, "museum", 5.0357, 47.3229, themes: ["sciences-de-la-vie"]);
        await ActorRows.InsertAsync(c, "Laboratoire Biogéosciences", 2, "organisme-de-recherche", 5.0687, 47.3120, themes: ["sciences-de-la-terre"], actions: ["recherche"]);
        await ActorRows.InsertAsync(c, "Bibliothèque municipale de Chenôve", 3, "bibliotheque", 5.0081, 47.2917);
        await ActorRows.InsertAsync(c, "Fablab de Beaune", 3, "fablab", 4.8400, 47.0260);
        // Agencourt: 416 inhabitants; one library would make it 24 per 10,000, far above Dijon.
        await ActorRows.InsertAsync(c, "Bibliothèque d'Agencourt", 3, "bibliotheque", commune: "21001");
    }

    public Task DisposeAsync() => Database.DisposeAsync();
}

public sealed class TerritoryControlsTests : IClassFixture<TerritoryControlsFixture>, IDisposable
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
    private readonly TerritoryControlsFixture fixture;
    private readonly PortalFactory factory;
    private readonly HttpClient client;

    public TerritoryControlsTests(TerritoryControlsFixture fixture)
    {
        this.fixture = fixture;
        factory = new PortalFactory(fixture.Database.ConnectionString);
        client = factory.CreatePageClient();
    }

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }

    [Fact]
    public async Task A_territory_page_has_a_GET_form_with_circle_family_and_theme_that_keeps_the_address_keys()
    {
        var (response, page) = await client.GetPageAsync("/territoires/departement/21?cercle=1&cercle=2&theme=sciences-de-la-terre&action=recherche&mesure=acteurs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var form = page.QuerySelector("form.territory-filters");
        Assert.NotNull(form);
        Assert.Equal("get", form.GetAttribute("method"));
        Assert.Equal("/territoires/departement/21", form.GetAttribute("action"));
        Assert.True(form.QuerySelector("input[name=cercle][value='1']")?.HasAttribute("checked"));
        Assert.True(form.QuerySelector("input[name=cercle][value='2']")?.HasAttribute("checked"));
        Assert.False(form.QuerySelector("input[name=cercle][value='3']")?.HasAttribute("checked"));
        Assert.True(form.QuerySelector("input[name=theme][value='sciences-de-la-terre']")?.HasAttribute("checked"));
        Assert.NotNull(form.QuerySelector("input[name=famille][value='museum']"));
        // The keys the form has no control for ride along, as do the page's own.
        Assert.Equal("recherche", form.QuerySelector("input[type=hidden][name=action]")?.GetAttribute("value"));
        Assert.Equal("acteurs", form.QuerySelector("input[type=hidden][name=mesure]")?.GetAttribute("value"));
        Assert.Null(form.QuerySelector("input[type=hidden][name=cercle]"));
        // One actor: the laboratory (circle 2, that theme, that action).
        Assert.Contains("1 acteur publié", page.QuerySelector("#acteurs-titre")!.ParentElement!.Text(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/territoires/departement/21?famille=inconnue&cercle=1", "La famille « inconnue » n'existe pas.")]
    [InlineData("/territoires/departement/21?theme=alchimie&cercle=1", "Le thème « alchimie » n'existe pas.")]
    [InlineData("/territoires/departement/21?cercle=9&cercle=1", "Le cercle « 9 » n'est pas reconnu·e.")]
    public async Task An_unknown_circle_family_or_theme_is_refused_in_French_and_the_rest_applies(string url, string message)
    {
        var (response, page) = await client.GetPageAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, page.QuerySelector("[role=alert]").Text(), StringComparison.Ordinal);
        Assert.Contains("1 acteur publié", page.QuerySelector("#acteurs-titre")!.ParentElement!.Text(), StringComparison.Ordinal);
        Assert.True(page.QuerySelector("form.territory-filters input[name=cercle][value='1']")?.HasAttribute("checked"));
    }

    [Fact]
    public async Task White_zones_open_on_circles_1_and_2_and_the_CSV_follows()
    {
        var (response, page) = await client.GetPageAsync("/territoires/departement/21/couverture?distance_km=10");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var form = page.QuerySelector("form.territory-filters");
        Assert.Equal("/territoires/departement/21/couverture", form?.GetAttribute("action"));
        Assert.True(form!.QuerySelector("input[name=cercle][value='1']")?.HasAttribute("checked"));
        Assert.True(form.QuerySelector("input[name=cercle][value='2']")?.HasAttribute("checked"));
        Assert.False(form.QuerySelector("input[name=cercle][value='3']")?.HasAttribute("checked"));
        Assert.Equal("10", form.QuerySelector("input[name=distance_km]")?.GetAttribute("value"));
        Assert.Contains("les cercles 1 et 2", page.QuerySelector("#acteurs-comptes").Text(), StringComparison.Ordinal);
        Assert.Contains(page.QuerySelectorAll("#acteurs-comptes a"), a => a.GetAttribute("href") == "/territoires/departement/21/couverture?cercle=1&cercle=2&cercle=3&distance_km=10");

        // Without « cercle », the CSV is that of circles 1–2; « cercle=1,2,3 » asks for every circle.
        var byDefault = await CsvCodesAsync("/territoires/departement/21/couverture.csv?distance_km=10");
        var oneTwo = await CsvCodesAsync("/territoires/departement/21/couverture.csv?distance_km=10&cercle=1,2");
        var all = await CsvCodesAsync("/territoires/departement/21/couverture.csv?distance_km=10&cercle=1,2,3");
        Assert.Equal(oneTwo, byDefault);
        Assert.True(all.Count < byDefault.Count, $"circle 3 covers Beaune and Agencourt: {all.Count} vs {byDefault.Count}");
        Assert.Contains("21054", byDefault);    // Beaune: only its fablab (circle 3) is near
        Assert.DoesNotContain("21054", all);
        Assert.StartsWith(Html.Squash(byDefault.Count.ToString("N0", French) + " sur "), Html.Squash(page.QuerySelector("#bilan dd")!.Text()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_white_zone_page_refuses_an_unknown_family_in_French()
    {
        var (response, page) = await client.GetPageAsync("/territoires/departement/21/couverture?famille=licorne");
        var csv = await client.GetAsync(new Uri("/territoires/departement/21/couverture.csv?famille=licorne", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("La famille « licorne » n'existe pas.", page.QuerySelector("[role=alert]").Text(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, csv.StatusCode);
    }

    [Theory]
    [InlineData("/territoires/departement/21/couverture?distance_km=10&page=0")]
    [InlineData("/territoires/departement/21/couverture?distance_km=10&page=-3")]
    public async Task A_white_zone_page_before_the_first_is_the_first(string url)
    {
        var (response, page) = await client.GetPageAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", page.QuerySelector("nav.pagination a[aria-current='page']").Text());
    }

    [Fact]
    public async Task A_white_zone_page_beyond_the_last_sends_to_the_last_with_the_filter()
    {
        var codes = await CsvCodesAsync("/territoires/departement/21/couverture.csv?distance_km=10");
        var last = (codes.Count + CoverageController.PageSize - 1) / CoverageController.PageSize;
        Assert.True(last > 1, $"{codes.Count} white communes");

        var response = await client.GetAsync(new Uri("/territoires/departement/21/couverture?distance_km=10&page=99999999999", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/territoires/departement/21/couverture?cercle=1&cercle=2&distance_km=10&page={last}", response.Headers.Location?.OriginalString);
        var (_, page) = await client.GetPageAsync(response.Headers.Location!.OriginalString);
        Assert.Equal(last.ToString("N0", French), page.QuerySelector("nav.pagination a[aria-current='page']").Text());
        Assert.Equal("Pages des communes en zone blanche", page.QuerySelector("nav.pagination")?.GetAttribute("aria-label"));
    }

    [Fact]
    public async Task Per_10000_inhabitants_is_only_given_from_5000_inhabitants_and_the_legend_says_so()
    {
        await using var connection = await fixture.Database.OpenAsync();
        var small = await connection.ExecuteScalarAsync<int>("select count(*) from commune where department_code = '21' and population < @min", new { min = Choropleth.MinPopulationForRate });

        var (_, page) = await client.GetPageAsync("/territoires/departement/21");

        // Agencourt (416 inhabitants, one library): no rate, a hatched class of its own, not the darkest.
        var agencourt = page.QuerySelectorAll("#sous-territoires tbody tr").Single(r => r.Children[1].Text() == "21001");
        Assert.Equal("1", agencourt.Children[3].Text());
        Assert.Equal("non calculé", agencourt.Children[4].Text());
        Assert.Equal(string.Empty, agencourt.Children[4].GetAttribute("data-sort"));
        Assert.Contains("choro-small", page.QuerySelector("figure.outline-map a[href='/territoires/commune/21001'] path")?.ClassName, StringComparison.Ordinal);
        var dijon = page.QuerySelectorAll("#sous-territoires tbody tr").Single(r => r.Children[1].Text() == "21231");
        Assert.Contains("choro-", page.QuerySelector("figure.outline-map a[href='/territoires/commune/21231'] path")?.ClassName, StringComparison.Ordinal);
        Assert.NotEqual("non calculé", dijon.Children[4].Text());

        var legend = page.QuerySelectorAll("#legende li").Select(li => (li.QuerySelector(".swatch")?.ClassName, Html.Squash(li.Text()))).ToList();
        Assert.Contains(("swatch choro-0", $"aucun acteur ({Html.Squash((await connection.ExecuteScalarAsync<int>("select count(*) from commune c where department_code = '21' and population >= 5000 and not exists (select 1 from actor a where a.commune_code = c.code)")).ToString("N0", French))})"), legend);
        Assert.Contains(("swatch choro-small", Html.Squash($"moins de 5 000 habitants : taux non calculé ({small.ToString("N0", French)})")), legend);
        Assert.Contains("au moins 5 000 habitants", Html.Squash(page.QuerySelector("#seuil").Text()), StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("figure.outline-map svg defs pattern#motif-petite-population"));
    }

    [Fact]
    public async Task An_unknown_population_has_its_own_legend_line_apart_from_no_actor()
    {
        await using var connection = await fixture.Database.OpenAsync();
        var unknown = await connection.ExecuteScalarAsync<int>("select count(*) from commune where department_code = '25' and population is null");
        Assert.True(unknown > 0);

        var (_, page) = await client.GetPageAsync("/territoires/departement/25");

        var legend = page.QuerySelectorAll("#legende li").ToList();
        var line = Assert.Single(legend, li => li.QuerySelector(".swatch.choro-unknown") is not null);
        Assert.Equal(Html.Squash($"population inconnue ({unknown.ToString("N0", French)})"), Html.Squash(line.Text()));
        Assert.Single(legend, li => li.QuerySelector(".swatch.choro-0") is not null && li.Text().Contains("aucun acteur", StringComparison.Ordinal));
        Assert.Equal(unknown, page.QuerySelectorAll("figure.outline-map path.choro-unknown").Length);
        Assert.Equal(unknown, page.QuerySelectorAll("#sous-territoires tbody td").Count(td => td.Text() == "population inconnue"));
    }

    [Fact]
    public void The_choropleth_keeps_no_actor_small_and_unknown_apart()
    {
        var choropleth = Choropleth.Build(ChoroplethMeasure.PerInhabitants, [
            new ChoroplethValue("a", 0),
            new ChoroplethValue("b", 2.5),
            new ChoroplethValue("c", null, MissingRate.SmallPopulation),
            new ChoroplethValue("d", null, MissingRate.UnknownPopulation),
            new ChoroplethValue("e", null),
        ]);

        Assert.Equal("choro-0", choropleth.Classes["a"]);
        Assert.Equal("choro-1", choropleth.Classes["b"]);
        Assert.Equal(Choropleth.SmallClass, choropleth.Classes["c"]);
        Assert.Equal(Choropleth.UnknownClass, choropleth.Classes["d"]);
        Assert.Equal("choro-0", choropleth.Classes["e"]);
        Assert.Equal(["choro-0", "choro-1", Choropleth.SmallClass, Choropleth.UnknownClass], choropleth.Legend.Select(l => l.CssClass));
        Assert.Equal([2, 1, 1, 1], choropleth.Legend.Select(l => l.Territories));
    }

    [Theory]
    [InlineData(3, null, MissingRate.UnknownPopulation)]
    [InlineData(3, 0, MissingRate.UnknownPopulation)]
    [InlineData(1, 416, MissingRate.SmallPopulation)]
    [InlineData(1, 4999, MissingRate.SmallPopulation)]
    [InlineData(1, 5000, MissingRate.None)]
    public void The_rate_needs_a_known_population_of_at_least_5000(long actors, int? population, MissingRate missing)
    {
        var (rate, why) = Choropleth.Rate(actors, population);

        Assert.Equal(missing, why);
        Assert.Equal(missing == MissingRate.None ? actors * 10_000.0 / population : null, rate);
    }

    [Fact]
    public async Task A_department_page_counts_its_intercommunalities_in_a_sortable_table()
    {
        await using var connection = await fixture.Database.OpenAsync();
        var dijonMetropole = await connection.QuerySingleAsync<(string Name, int Population)>("select name, population from epci where siren = '242100410'");

        var (_, page) = await client.GetPageAsync("/territoires/departement/21");

        var table = page.QuerySelector("table#intercommunalites[data-sortable]");
        Assert.NotNull(table);
        var row = table.QuerySelectorAll("tbody tr").Single(r => r.QuerySelector("a")?.GetAttribute("href") == "/territoires/epci/242100410");
        Assert.Equal(dijonMetropole.Name, row.Children[0].Text());
        Assert.Equal("3", row.Children[2].Text());    // muséum, laboratory, Chenôve's library
        Assert.Equal((3 * 10_000.0 / dijonMetropole.Population).ToString("N1", French), row.Children[3].Text());
        Assert.Equal((3 * 10_000.0 / dijonMetropole.Population).ToString("R", CultureInfo.InvariantCulture), row.Children[3].GetAttribute("data-sort"));
        Assert.NotNull(page.QuerySelector("table#sous-territoires[data-sortable]"));
        Assert.Contains(page.QuerySelectorAll("script[src]"), s => s.GetAttribute("src")!.StartsWith("/js/sortable-table.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/territoires/departement/21", "territoires")]
    [InlineData("/territoires/departement/21/couverture", "couverture")]
    [InlineData("/territoires/couverture", "couverture")]
    public async Task A_place_box_goes_to_another_territory(string url, string target)
    {
        var (_, page) = await client.GetPageAsync(url);

        var form = page.QuerySelector("form.place-box");
        Assert.Equal("/lieux", form?.GetAttribute("action"));
        Assert.Equal("get", form?.GetAttribute("method"));
        Assert.Equal(target, form!.QuerySelector("input[type=hidden][name=vers]")?.GetAttribute("value"));
        Assert.Equal(target, form.QuerySelector("input[type=search][name=q][data-place-search]")?.GetAttribute("data-place-target"));
    }

    private async Task<List<string>> CsvCodesAsync(string url)
    {
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF');
        return SimpleCsv.Parse(text, ';').Skip(1).Where(r => r.Count > 1).Select(r => r[0]).Order(StringComparer.Ordinal).ToList();
    }
}
