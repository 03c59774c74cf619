using System.Net;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Actors;

/// <summary>The directory's pagination over SortNameFixture's 45 actors (three pages of 20).</summary>
public sealed class ActorPaginationTests : IClassFixture<SortNameFixture>, IDisposable
{
    private readonly PortalFactory factory;
    private readonly HttpClient client;

    public ActorPaginationTests(SortNameFixture actors)
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
    public async Task The_first_page_numbers_every_page_and_marks_the_current_one()
    {
        var (response, page) = await client.GetPageAsync("/acteurs?departement=21");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var nav = page.QuerySelector("nav.pagination[aria-label='Pages des résultats']");
        Assert.NotNull(nav);
        var links = nav.QuerySelectorAll("a").Select(a => (a.Text(), a.GetAttribute("href"))).ToList();
        Assert.Equal(
            [
                ("1", "/acteurs?departement=21&tri=nom&page=1"),
                ("2", "/acteurs?departement=21&tri=nom&page=2"),
                ("3", "/acteurs?departement=21&tri=nom&page=3"),
                ("Suivante ›", "/acteurs?departement=21&tri=nom&page=2"),
                ("Dernière »", "/acteurs?departement=21&tri=nom&page=3"),
            ],
            links);
        Assert.Equal("1", nav.QuerySelector("a[aria-current='page']").Text());
        Assert.Equal("page", nav.QuerySelector("a[href$='page=1']")?.GetAttribute("aria-current"));
        Assert.Equal("Page 1 sur 3", nav.QuerySelector(".pagination__status").Text());
        Assert.Equal("next", nav.QuerySelector("a[href$='page=2']:not([aria-label])")?.GetAttribute("rel"));
    }

    [Fact]
    public async Task A_middle_page_links_to_the_first_previous_next_and_last_with_the_filter()
    {
        var (_, page) = await client.GetPageAsync("/acteurs?cercle=1&cercle=3&tri=nom&page=2");

        var links = page.QuerySelectorAll("nav.pagination a").Select(a => (a.Text(), a.GetAttribute("href"))).ToList();
        Assert.Contains(("« Première", "/acteurs?cercle=1&cercle=3&tri=nom&page=1"), links);
        Assert.Contains(("‹ Précédente", "/acteurs?cercle=1&cercle=3&tri=nom&page=1"), links);
        Assert.Contains(("Suivante ›", "/acteurs?cercle=1&cercle=3&tri=nom&page=3"), links);
        Assert.Contains(("Dernière »", "/acteurs?cercle=1&cercle=3&tri=nom&page=3"), links);
        Assert.Equal("2", page.QuerySelector("nav.pagination a[aria-current='page']").Text());
        Assert.Equal("21", page.QuerySelector("ol.actor-list")?.GetAttribute("start"));
    }

    [Fact]
    public async Task The_last_page_has_no_next_link()
    {
        var (_, page) = await client.GetPageAsync("/acteurs?page=3");

        Assert.Equal(5, page.QuerySelectorAll(".actor-card").Length);
        Assert.Null(page.QuerySelector("nav.pagination a[rel=next]"));
        Assert.Equal("3", page.QuerySelector("nav.pagination a[aria-current='page']").Text());
    }

    [Theory]
    [InlineData("/acteurs?page=0")]
    [InlineData("/acteurs?page=-1")]
    [InlineData("/acteurs?page=abc")]
    [InlineData("/acteurs?page=")]
    public async Task A_page_before_the_first_or_not_a_number_is_the_first(string url)
    {
        var (response, page) = await client.GetPageAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", page.QuerySelector("nav.pagination a[aria-current='page']").Text());
        Assert.Equal("1", page.QuerySelector("ol.actor-list")?.GetAttribute("start"));
    }

    [Theory]
    [InlineData("/acteurs?departement=21&page=4", "/acteurs?departement=21&page=3")]
    [InlineData("/acteurs?departement=21&tri=nom&page=99999999999", "/acteurs?departement=21&tri=nom&page=3")]
    [InlineData("/acteurs?cercle=1&page=2", "/acteurs?cercle=1&page=1")]
    public async Task A_page_beyond_the_last_sends_to_the_last_page_with_the_same_filter(string url, string expected)
    {
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task An_empty_result_has_no_pagination_and_no_redirect()
    {
        var (response, page) = await client.GetPageAsync("/acteurs?departement=35&page=7");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(page.QuerySelector("nav.pagination"));
        Assert.Equal("Aucun acteur", page.QuerySelector("#resultats-titre").Text());
    }
}
