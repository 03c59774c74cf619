using System.Net;
using System.Text.Json;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Places;

/// <summary>GET /lieux/suggestions (JSON for the place box) and GET /lieux (the same answer as a page, without JavaScript).</summary>
public sealed class PlaceSuggestionTests : IClassFixture<DatabaseFixture>, IDisposable
{
    private readonly PortalFactory factory;
    private readonly HttpClient client;

    public PlaceSuggestionTests(DatabaseFixture database)
    {
        factory = new PortalFactory(database.ConnectionString);
        client = factory.CreatePageClient();
    }

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }

    [Fact]
    public async Task Three_letters_suggest_Dijon_first_with_its_department_centre_and_box()
    {
        var places = await SuggestAsync("dij");

        var dijon = places[0];
        Assert.Equal("commune", dijon.GetProperty("kind").GetString());
        Assert.Equal("21231", dijon.GetProperty("code").GetString());
        Assert.Equal("Dijon", dijon.GetProperty("name").GetString());
        Assert.Equal("Dijon (21)", dijon.GetProperty("label").GetString());
        Assert.Equal("Côte-d'Or", dijon.GetProperty("context").GetString());
        Assert.InRange(dijon.GetProperty("lon").GetDouble(), 4.9, 5.2);
        Assert.InRange(dijon.GetProperty("lat").GetDouble(), 47.2, 47.4);
        Assert.Equal(4, dijon.GetProperty("bbox").GetArrayLength());
        Assert.True(dijon.GetProperty("population").GetInt32() > 150_000);
        Assert.True(places.Count <= 10);
    }

    [Theory]
    [InlineData("st denis")]
    [InlineData("Saint-Denis")]
    [InlineData("ST-DENIS")]
    [InlineData("saint denis")]
    public async Task Both_Saint_Denis_come_first_told_apart_by_their_department(string query)
    {
        var labels = (await SuggestAsync(query)).Select(p => p.GetProperty("label").GetString()).ToList();

        Assert.Equal(["Saint-Denis (93)", "Saint-Denis (974)"], labels.Take(2).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_department_number_after_the_name_narrows_homonyms()
    {
        var labels = (await SuggestAsync("saint denis 93")).Select(p => p.GetProperty("label").GetString()).ToList();

        Assert.Equal("Saint-Denis (93)", labels[0]);
        Assert.DoesNotContain("Saint-Denis (974)", labels);
    }

    [Theory]
    [InlineData("21000", "commune", "21231", "Dijon (21)")]
    [InlineData("2a", "departement", "2A", "Corse-du-Sud (2A)")]
    [InlineData("2B", "departement", "2B", "Haute-Corse (2B)")]
    [InlineData("974", "departement", "974", "La Réunion (974)")]
    [InlineData("21", "departement", "21", "Côte-d'Or (21)")]
    [InlineData("cote d'or", "departement", "21", "Côte-d'Or (21)")]
    [InlineData("bretagne", "region", "53", "Bretagne")]
    [InlineData("dijon metropole", "epci", "242100410", "Dijon Métropole")]
    [InlineData("reunion", "departement", "974", "La Réunion (974)")]
    [InlineData("rennnes", "commune", "35238", "Rennes (35)")]
    public async Task Postal_codes_numbers_names_and_typos_find_their_place(string query, string kind, string code, string label)
    {
        var first = (await SuggestAsync(query))[0];

        Assert.Equal((kind, code, label), (first.GetProperty("kind").GetString(), first.GetProperty("code").GetString(), first.GetProperty("label").GetString()));
    }

    [Fact]
    public async Task A_postal_code_prefix_suggests_the_communes_that_have_it()
    {
        var places = await SuggestAsync("2100");

        Assert.Equal("Dijon (21)", places[0].GetProperty("label").GetString());
        Assert.All(places, p => Assert.Equal("commune", p.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task One_kind_may_be_asked()
    {
        var places = await SuggestAsync("vienne", "&type=commune");

        Assert.All(places, p => Assert.Equal("commune", p.GetProperty("kind").GetString()));
        Assert.Equal("Vienne (38)", places[0].GetProperty("label").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("%20%20")]
    [InlineData("%00")]
    [InlineData("dij%0Aon")]
    [InlineData("--")]
    public async Task Bad_input_is_refused_with_a_French_message(string query)
    {
        var response = await client.GetAsync($"/lieux/suggestions?q={query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("erreur").GetString();
        Assert.Matches("^(Indiquez un lieu|Le lieu cherché)", message);
    }

    [Fact]
    public async Task Too_long_input_is_refused()
    {
        var response = await client.GetAsync($"/lieux/suggestions?q={new string('a', 101)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("100 caractères", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_JavaScript_the_results_page_links_each_place_to_the_destination_asked()
    {
        var (response, page) = await client.GetPageAsync("/lieux?q=st+denis&vers=carte");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var links = page.QuerySelectorAll(".place-results a").Select(a => (a.Text(), a.GetAttribute("href"))).ToList();
        Assert.Contains(("Saint-Denis (93)", "/carte?commune=93066"), links);
        Assert.Contains(("Saint-Denis (974)", "/carte?commune=97411"), links);

        var (_, territories) = await client.GetPageAsync("/lieux?q=2a&vers=territoires");
        Assert.Equal("/territoires/departement/2A", territories.QuerySelector(".place-results a")?.GetAttribute("href"));
        var (_, coverage) = await client.GetPageAsync("/lieux?q=bretagne&vers=couverture");
        Assert.Equal("/territoires/region/53/couverture", coverage.QuerySelector(".place-results a")?.GetAttribute("href"));
        var (_, actors) = await client.GetPageAsync("/lieux?q=21000");
        Assert.Equal("/acteurs?commune=21231", actors.QuerySelector(".place-results a")?.GetAttribute("href"));
        Assert.Equal("Dijon (21)", actors.QuerySelector(".place-results a").Text());
    }

    [Fact]
    public async Task The_results_page_refuses_bad_input_in_French_and_says_when_nothing_is_found()
    {
        var (response, page) = await client.GetPageAsync("/lieux?q=%00");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("caractères de contrôle", page.QuerySelector("[role=alert]").Text(), StringComparison.Ordinal);

        var (nothing, empty) = await client.GetPageAsync("/lieux?q=zzqqxxw");
        Assert.Equal(HttpStatusCode.OK, nothing.StatusCode);
        Assert.Equal("Aucun lieu trouvé", empty.QuerySelector("h2").Text());
    }

    private async Task<List<JsonElement>> SuggestAsync(string query, string extra = "")
    {
        var response = await client.GetAsync($"/lieux/suggestions?q={Uri.EscapeDataString(query)}{extra}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray()];
    }
}
