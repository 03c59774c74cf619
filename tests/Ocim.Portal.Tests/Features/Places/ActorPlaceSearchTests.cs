using System.Net;
using Dapper;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Places;

/// <summary>Museums in Dijon, Saint-Denis (93 and 974) and Rennes, one of Dijon's unpublished: the directory's text search reads places.</summary>
public sealed class PlaceSearchActorsFixture : IAsyncLifetime
{
    public DatabaseFixture Database { get; } = new();

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await using var connection = await Database.OpenAsync();
        await ActorRows.InsertAsync(connection, "Musée des Beaux-Arts de Dijon", 1, "musee", 5.0415, 47.3219);
        await ActorRows.InsertAsync(connection, "Musée Magnin", 1, "musee", 5.0400, 47.3210);
        await ActorRows.InsertAsync(connection, "Musée de la Vie bourguignonne", 1, "musee", 5.0390, 47.3180);
        await ActorRows.InsertAsync(connection, "Musée archéologique", 1, "musee", 5.0380, 47.3200, status: "draft");
        await ActorRows.InsertAsync(connection, "Bibliothèque patrimoniale", 3, "bibliotheque", 5.0420, 47.3230);
        // « Dijon » in its description, elsewhere: the place filter must not take it.
        await ActorRows.InsertAsync(connection, "Musée Léon Dierx", 1, "musee", 55.4522, -20.8789, shortDescription: "Prêts du musée de Dijon");
        await ActorRows.InsertAsync(connection, "Musée d'art et d'histoire de Saint-Denis", 1, "musee", 2.3590, 48.9362);
        await ActorRows.InsertAsync(connection, "Musée de Bretagne", 1, "musee", -1.6742, 48.1045);
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();
}

public sealed class ActorPlaceSearchTests : IClassFixture<PlaceSearchActorsFixture>, IDisposable
{
    private readonly PlaceSearchActorsFixture actors;
    private readonly PortalFactory factory;
    private readonly HttpClient client;

    public ActorPlaceSearchTests(PlaceSearchActorsFixture actors)
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
    public async Task Musee_Dijon_lists_exactly_the_published_museums_of_Dijon_and_shows_its_chip()
    {
        var redirect = await client.GetAsync("/acteurs?q=mus%C3%A9e+Dijon");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var location = redirect.Headers.Location!.OriginalString;
        Assert.Equal("/acteurs?q=mus%C3%A9e&commune=21231&lu=Dijon", location);

        var (response, page) = await client.GetPageAsync(location);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var connection = await actors.Database.OpenAsync();
        var expected = (await connection.QueryAsync<string>("""
            select a.name from actor a
            where a.status = 'published' and a.commune_code = '21231'
              and a.search @@ plainto_tsquery('french_unaccent', 'musée')
            """)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, expected.Count);
        var listed = page.QuerySelectorAll(".actor-card h3 a").Select(a => a.Text()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, listed);

        var chip = page.QuerySelector(".place-chip");
        Assert.Contains("Dijon (21)", chip.Text(), StringComparison.Ordinal);
        Assert.Contains("« Dijon » lu comme ce lieu. Ou bien : chercher « Dijon » comme un mot", Html.Squash(page.QuerySelector(".place-reading").Text()), StringComparison.Ordinal);
        // The text box shows the whole search again.
        Assert.Equal("musée Dijon", page.QuerySelector("input#q")?.GetAttribute("value"));
    }

    [Fact]
    public async Task Removing_the_chip_keeps_the_rest_of_the_search()
    {
        var (_, page) = await client.GetPageAsync("/acteurs?q=mus%C3%A9e&commune=21231&lu=Dijon&cercle=1");

        var remove = page.QuerySelector(".place-chip a")?.GetAttribute("href");
        Assert.Equal("/acteurs?q=mus%C3%A9e&cercle=1", remove);
        var (_, without) = await client.GetPageAsync(remove!);
        Assert.Null(without.QuerySelector(".place-chip"));
        Assert.Equal("6 acteurs", without.QuerySelector("#resultats-titre").Text());
    }

    [Fact]
    public async Task The_other_readings_are_one_click_away()
    {
        var redirect = await client.GetAsync("/acteurs?q=mus%C3%A9e+Saint-Denis");
        var location = redirect.Headers.Location!.OriginalString;
        Assert.Equal("/acteurs?q=mus%C3%A9e&commune=97411&lu=Saint-Denis", location);
        var (_, page) = await client.GetPageAsync(location);

        var readings = page.QuerySelectorAll(".place-reading a").Select(a => (Html.Squash(a.Text()), a.GetAttribute("href"))).ToList();
        Assert.Contains(("Saint-Denis (93) (commune)", "/acteurs?q=mus%C3%A9e&commune=93066&lu=Saint-Denis"), readings);
        var asText = readings.Single(r => r.Item1.StartsWith("chercher", StringComparison.Ordinal)).Item2!;
        Assert.Equal("/acteurs?q=mus%C3%A9e%20Saint-Denis&lieu=texte", asText);

        // As words, « Saint-Denis » finds the museum named so, and the actors of both communes of that name.
        var (response, words) = await client.GetPageAsync(asText);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(words.QuerySelector(".place-chip"));
        var names = words.QuerySelectorAll(".actor-card h3 a").Select(a => a.Text()).ToList();
        Assert.Contains("Musée d'art et d'histoire de Saint-Denis", names);
        Assert.Contains("Musée Léon Dierx", names);
    }

    [Fact]
    public async Task A_commune_name_in_the_text_finds_the_actors_of_that_commune_when_read_as_words()
    {
        var (_, page) = await client.GetPageAsync("/acteurs?q=biblioth%C3%A8que+dijon&lieu=texte");

        Assert.Equal(["Bibliothèque patrimoniale"], page.QuerySelectorAll(".actor-card h3 a").Select(a => a.Text()));
    }

    [Fact]
    public async Task A_department_number_and_a_region_name_become_their_filter()
    {
        var department = await client.GetAsync("/acteurs?q=mus%C3%A9es+21");
        Assert.Equal("/acteurs?q=mus%C3%A9es&departement=21&lu=21", department.Headers.Location!.OriginalString);
        var region = await client.GetAsync("/acteurs?q=mus%C3%A9e+en+Bretagne");
        Assert.Equal("/acteurs?q=mus%C3%A9e&region=53&lu=Bretagne", region.Headers.Location!.OriginalString);
        var (_, page) = await client.GetPageAsync(region.Headers.Location.OriginalString);
        Assert.Equal(["Musée de Bretagne"], page.QuerySelectorAll(".actor-card h3 a").Select(a => a.Text()));
    }

    [Fact]
    public async Task The_map_reads_places_in_its_text_and_form_as_the_directory_does()
    {
        var text = await client.GetAsync("/carte?q=mus%C3%A9e+Dijon");
        Assert.Equal(HttpStatusCode.Redirect, text.StatusCode);
        Assert.Equal("/carte?q=mus%C3%A9e&commune=21231&lu=Dijon", text.Headers.Location!.OriginalString);

        var typed = await client.GetAsync("/carte?territoire=21000&autour-lieu=&cercle=1");
        Assert.Equal("/carte?cercle=1&commune=21231", typed.Headers.Location!.OriginalString);

        // An explicit filter is served as it is, its place named in the box.
        var (response, page) = await client.GetPageAsync("/carte?q=mus%C3%A9e&commune=21231&lu=Dijon");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Dijon (21)", page.QuerySelector("input#territoire")?.GetAttribute("value"));
        var listed = page.QuerySelectorAll("#carte-liste .actor-card h3 a").Select(a => a.Text()).Order(StringComparer.Ordinal);
        Assert.Equal(["Musée Magnin", "Musée de la Vie bourguignonne", "Musée des Beaux-Arts de Dijon"], listed);
    }

    [Fact]
    public async Task A_place_typed_by_name_in_the_filter_form_becomes_its_code_and_shows_by_name()
    {
        var redirect = await client.GetAsync("/acteurs?q=&territoire=21000&autour-lieu=&cercle=1");
        Assert.Equal("/acteurs?cercle=1&commune=21231", redirect.Headers.Location!.OriginalString);

        var (_, page) = await client.GetPageAsync("/acteurs?commune=21231&autour=35238&rayon=10");
        Assert.Equal("Dijon (21)", page.QuerySelector("input#territoire")?.GetAttribute("value"));
        Assert.Equal("Rennes (35)", page.QuerySelector("input#autour-lieu")?.GetAttribute("value"));
        Assert.Equal("21231", page.QuerySelector("input[type=hidden][name=commune]")?.GetAttribute("value"));

        // The label unchanged keeps the code; an emptied box drops it.
        var same = await client.GetAsync("/acteurs?territoire=Dijon+%2821%29&commune=21231");
        Assert.Equal("/acteurs?commune=21231", same.Headers.Location!.OriginalString);
        var emptied = await client.GetAsync("/acteurs?territoire=&commune=21231&cercle=1");
        Assert.Equal("/acteurs?cercle=1", emptied.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_filters_fold_into_a_panel_that_counts_them_and_the_search_box_comes_first()
    {
        var (_, page) = await client.GetPageAsync("/acteurs?q=mus%C3%A9e&commune=21231&cercle=1");

        var panel = page.QuerySelector("details.filter-panel[data-filter-panel]");
        Assert.NotNull(panel);
        Assert.Equal("(2)", panel.QuerySelector(".filter-panel__count").Text());
        Assert.NotNull(panel.QuerySelector("form.filters"));
        var search = page.QuerySelector("form.text-search input#q");
        Assert.NotNull(search);
        Assert.True(search.CompareDocumentPosition(panel).HasFlag(AngleSharp.Dom.DocumentPositions.Following));
        Assert.Equal("#resultats-titre", page.QuerySelector("a.skip-filters")?.GetAttribute("href"));
    }
}
