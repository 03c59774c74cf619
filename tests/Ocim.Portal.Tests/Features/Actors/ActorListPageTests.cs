using System.Net;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Actors;

public sealed class ActorListPageTests : IClassFixture<ActorSetFixture>, IDisposable
{
    private readonly PortalFactory factory;
    private readonly HttpClient client;

    public ActorListPageTests(ActorSetFixture actors)
    {
        factory = new PortalFactory(actors.Database.ConnectionString);
        client = factory.CreatePageClient();
    }

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }

    [Fact]
    public async Task The_list_shows_the_filtered_actors_with_links_to_their_pages()
    {
        var (response, page) = await client.GetPageAsync("/acteurs?departement=21&cercle=3");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2 acteurs", page.QuerySelector("#resultats-titre").Text());
        var links = page.QuerySelectorAll(".actor-card h3 a").Select(a => (a.Text(), a.GetAttribute("href"))).ToList();
        Assert.Equal(2, links.Count);
        Assert.Contains(links, l => l.Item1 == "Bibliothèque municipale de Chenôve" && l.Item2!.EndsWith("-bibliotheque-municipale-de-chenove", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_form_keeps_the_filters_so_that_the_page_works_without_JavaScript()
    {
        var (_, page) = await client.GetPageAsync("/acteurs?q=ecomusee&cercle=1&famille=musee&region=53&lat=48.1&lon=-1.6&rayon=25");

        var form = page.QuerySelector("form.filters");
        Assert.Equal("get", form?.GetAttribute("method"));
        Assert.Equal("ecomusee", page.QuerySelector("input#q")?.GetAttribute("value"));
        Assert.True(page.QuerySelector("input#cercle-1")?.HasAttribute("checked"));
        Assert.False(page.QuerySelector("input#cercle-2")?.HasAttribute("checked"));
        Assert.True(page.QuerySelector("input#famille-musee")?.HasAttribute("checked"));
        Assert.Equal("Bretagne", page.QuerySelector("input#territoire")?.GetAttribute("value"));
        Assert.Equal("53", page.QuerySelector("form.filters input[type=hidden][name=region]")?.GetAttribute("value"));
        Assert.Equal("25", page.QuerySelector("input#rayon")?.GetAttribute("value"));
        Assert.Equal("1 acteur", page.QuerySelector("#resultats-titre").Text());
    }

    [Fact]
    public async Task Facet_counts_are_shown_beside_each_circle()
    {
        var (_, page) = await client.GetPageAsync("/acteurs?departement=21&cercle=3");

        Assert.Contains("(2)", page.QuerySelector("label[for='cercle-1']").Text(), StringComparison.Ordinal);
        Assert.Contains("(1)", page.QuerySelector("label[for='famille-fablab']").Text(), StringComparison.Ordinal);
        Assert.Contains("(0)", page.QuerySelector("label[for='famille-museum']").Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_filter_gives_a_French_message_and_the_rest_still_applies()
    {
        var (response, page) = await client.GetPageAsync("/acteurs?cercle=9&departement=35");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Le cercle « 9 » n'est pas reconnu·e.", page.QuerySelector("[role=alert]").Text(), StringComparison.Ordinal);
        Assert.Equal("1 acteur", page.QuerySelector("#resultats-titre").Text());
    }

    [Fact]
    public async Task Pagination_links_keep_the_filter()
    {
        var (_, first) = await client.GetPageAsync("/acteurs?cercle=1&cercle=2&cercle=3&tri=nom");
        Assert.Equal("9 acteurs", first.QuerySelector("#resultats-titre").Text());
        Assert.Null(first.QuerySelector(".pagination"));

        var (_, exports) = await client.GetPageAsync("/acteurs?region=27");
        Assert.Contains(exports.QuerySelectorAll("a"), a => a.GetAttribute("href") == "/acteurs.csv?region=27");
        Assert.Contains(exports.QuerySelectorAll("a"), a => a.GetAttribute("href") == "/acteurs.geojson?region=27");
    }

    [Fact]
    public async Task Text_typed_by_a_visitor_is_encoded_never_interpreted()
    {
        var (response, page) = await client.GetPageAsync("/acteurs?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(page.QuerySelectorAll("script:not([src])"));
        Assert.Equal("<script>alert(1)</script>", page.QuerySelector("input#q")?.GetAttribute("value"));
    }
}
