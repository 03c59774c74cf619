using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Map;

/// <summary>
/// /carte in Debian's Chromium against the app on Kestrel: the clusters drawn from the actor tiles, the filter, and the
/// list beside the map, which must hold exactly the actors of the filter in view (the accessible equivalent of the map).
/// </summary>
public sealed class MapBrowserTests : IClassFixture<MapActorSet>, IClassFixture<BrowserFixture>, IDisposable
{
    // The national view: every metropolitan actor of MapActorSet inside, La Réunion outside.
    private const string FranceView = "#4.5/46.6/2.4";

    private readonly MapActorSet actors;
    private readonly BrowserFixture browser;
    private readonly BrowserPortal portal;

    public MapBrowserTests(MapActorSet actors, BrowserFixture browser)
    {
        this.actors = actors;
        this.browser = browser;
        portal = new BrowserPortal(actors.Database.ConnectionString);
    }

    public void Dispose() => portal.Dispose();

    [Fact]
    public async Task The_map_draws_clusters_and_the_list_holds_exactly_the_actors_in_view_through_filter_and_moves()
    {
        await using var session = await browser.NewSessionAsync(portal);
        var page = session.Page;
        await page.GotoAsync("/carte" + FranceView);

        // National view: one cluster per city, their counts add up to the list's total, which is SQL's count in the box.
        var bbox = await WaitForListAsync(page, query => true);
        var expected = await actors.IdsInAsync(bbox);
        Assert.Equal(10, expected.Count);
        await AssertListAsync(page, expected, session);
        var clusters = await WaitForClustersAsync(page, expected.Count);
        Assert.True(clusters.Count >= 3, $"Rennes, Marseille and Burgundy–Lyon are far apart at this zoom: {clusters.Count} clusters. {session.Report()}");
        Assert.Equal(expected.Count, clusters.Sum());
        Assert.Equal("10 acteurs dans la vue", await page.Locator("#carte-compte").InnerTextAsync());
        await session.ScreenshotAsync("carte-france");

        // Filter by circle: map, list and address follow, without a page load.
        await page.EvaluateAsync<bool>("() => (window.samePage = true)");
        await page.Locator("#cercle-1").CheckAsync();
        bbox = await WaitForListAsync(page, query => query.Contains("cercle=1", StringComparison.Ordinal));
        expected = await actors.IdsInAsync(bbox, circle: 1);
        Assert.Equal(5, expected.Count);
        await AssertListAsync(page, expected, session);
        clusters = await WaitForClustersAsync(page, expected.Count);
        Assert.Equal(expected.Count, clusters.Sum());
        var address = new Uri(page.Url);
        Assert.Equal("?cercle=1", address.Query);
        Assert.StartsWith("#4.5/", address.Fragment, StringComparison.Ordinal);
        Assert.True(await page.EvaluateAsync<bool>("() => window.samePage === true"), "the page was reloaded");

        // Move the map to Dijon: the list follows the view (the filter still applies).
        await page.EvaluateAsync<bool>("() => { document.getElementById('carte').maplibre.jumpTo({ center: [5.038, 47.321], zoom: 11 }); return true; }");
        bbox = await WaitForListAsync(page, query => query.Contains("bbox=4.", StringComparison.Ordinal));
        expected = await actors.IdsInAsync(bbox, circle: 1);
        Assert.Equal(2, expected.Count);
        await AssertListAsync(page, expected, session);
        Assert.Equal(expected.Count, (await WaitForClustersAsync(page, expected.Count)).Sum());
        Assert.StartsWith("#11/", new Uri(page.Url).Fragment, StringComparison.Ordinal);

        Assert.True(session.ConsoleMessages.IsEmpty && session.FailedResponses.IsEmpty && session.ForeignRequests.IsEmpty, session.Report());
    }

    [Fact]
    public async Task At_street_level_each_actor_is_a_marker_whose_popup_links_to_its_listing()
    {
        await using var session = await browser.NewSessionAsync(portal);
        var page = session.Page;
        await page.GotoAsync("/carte#15/47.3213/5.0378");
        var bbox = await WaitForListAsync(page, query => true);
        var expected = await actors.IdsInAsync(bbox);
        Assert.Equal(3, expected.Count);
        await AssertListAsync(page, expected, session);

        var markers = await Eventually(
            () => page.EvaluateAsync<JsonElement>("""
                () => {
                  const map = document.getElementById('carte').maplibre;
                  return map.queryRenderedFeatures({ layers: ['actor-points'] }).map(f => {
                    const p = map.project(f.geometry.coordinates);
                    return { id: f.properties.id, name: f.properties.name, url: f.properties.url, x: p.x, y: p.y };
                  });
                }
                """),
            found => found.GetArrayLength() == expected.Count);
        Assert.Equal(expected, markers.EnumerateArray().Select(m => m.GetProperty("id").GetInt64()).Order().ToList());

        await session.ScreenshotAsync("carte-dijon-rue");
        var marker = markers.EnumerateArray().First();
        var canvas = await page.Locator("#carte canvas").BoundingBoxAsync();
        await page.Mouse.ClickAsync(canvas!.X + marker.GetProperty("x").GetSingle(), canvas.Y + marker.GetProperty("y").GetSingle());
        var link = page.Locator(".maplibregl-popup .map-popup__title a");
        Assert.Equal(marker.GetProperty("name").GetString(), await link.InnerTextAsync());
        await session.ScreenshotAsync("carte-popup");
        // The tile's short address at first, the listing's own address (with its slug) once the details are in.
        await page.Locator(".maplibregl-popup .map-popup__commune").WaitForAsync();
        Assert.StartsWith(marker.GetProperty("url").GetString() + "-", await link.GetAttributeAsync("href"), StringComparison.Ordinal);
        var listed = page.Locator($"#carte-liste li[data-id='{marker.GetProperty("id").GetInt64()}'] h3 a");
        Assert.Equal(marker.GetProperty("name").GetString(), await listed.InnerTextAsync());
        Assert.True(session.ConsoleMessages.IsEmpty && session.FailedResponses.IsEmpty && session.ForeignRequests.IsEmpty, session.Report());
    }

    [Fact]
    public async Task The_map_controls_work_from_the_keyboard_with_French_names()
    {
        await using var session = await browser.NewSessionAsync(portal);
        var page = session.Page;
        await page.GotoAsync("/carte" + FranceView);
        await WaitForListAsync(page, query => true);

        Assert.Equal("Carte des acteurs", await page.Locator("#carte canvas").GetAttributeAsync("aria-label"));
        var zoomIn = page.GetByRole(AriaRole.Button, new() { Name = "Zoomer", Exact = true });
        await zoomIn.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("() => location.hash.startsWith('#5.5/')");
        await WaitForListAsync(page, query => true);

        // The canvas itself takes the arrow keys.
        await page.Locator("#carte canvas").FocusAsync();
        await page.Keyboard.PressAsync("Minus");
        await page.WaitForFunctionAsync("() => location.hash.startsWith('#4.5/')");
        Assert.True(await page.GetByRole(AriaRole.Button, new() { Name = "Dézoomer", Exact = true }).IsVisibleAsync());
    }

    [Fact]
    public async Task The_territories_can_be_coloured_by_actors_per_inhabitant_with_a_legend_in_words()
    {
        await using var session = await browser.NewSessionAsync(portal);
        var page = session.Page;
        await page.GotoAsync("/carte" + FranceView);
        await WaitForListAsync(page, query => true);

        await page.GetByLabel("Colorer les territoires").SelectOptionAsync("per10k");

        Assert.Contains("Acteurs pour 10\u202F000 habitants", await page.Locator("#carte-legende").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(6, await page.Locator("#carte-legende li").CountAsync());
        var coloured = await Eventually(
            () => page.EvaluateAsync<int>("""
                () => {
                  const map = document.getElementById('carte').maplibre;
                  return map.getLayoutProperty('choro-regions', 'visibility') === 'visible' && map.areTilesLoaded()
                    ? map.queryRenderedFeatures({ layers: ['choro-regions'] }).length : 0;
                }
                """),
            count => count > 0);
        Assert.True(coloured > 0, session.Report());
        await session.ScreenshotAsync("carte-choroplethe");

        await page.GetByLabel("Colorer les territoires").SelectOptionAsync(string.Empty);
        Assert.Equal(0, await page.Locator("#carte-legende li").CountAsync());
        Assert.True(session.ConsoleMessages.IsEmpty && session.FailedResponses.IsEmpty && session.ForeignRequests.IsEmpty, session.Report());
    }

    /// <summary>Waits until the list shows a query accepted by <paramref name="accept"/>; returns the box it was computed for.</summary>
    private static async Task<string> WaitForListAsync(IPage page, Func<string, bool> accept)
    {
        var query = await Eventually(
            () => page.EvaluateAsync<string?>("() => { const c = document.getElementById('carte'); return c.dataset.listState === 'ready' ? c.dataset.listQuery : null; }"),
            q => q is not null && accept(q));
        Assert.NotNull(query);
        return await page.Locator("#carte").GetAttributeAsync("data-list-bbox") ?? throw new InvalidOperationException("no box");
    }

    private static async Task AssertListAsync(IPage page, List<long> expected, BrowserSession session)
    {
        var ids = (await page.Locator("#carte-liste li[data-id]").EvaluateAllAsync<long[]>("items => items.map(i => Number(i.dataset.id))")).Order().ToList();
        Assert.True(expected.SequenceEqual(ids), $"list [{string.Join(',', ids)}] ≠ SQL [{string.Join(',', expected)}]. {session.Report()}");
        var total = await page.Locator("#carte-liste [data-total]").GetAttributeAsync("data-total");
        Assert.Equal(expected.Count.ToString(CultureInfo.InvariantCulture), total);
    }

    /// <summary>The counts of the clusters drawn, once the tiles are in and they add up to <paramref name="expected"/> (or at the time limit).</summary>
    private static async Task<List<int>> WaitForClustersAsync(IPage page, int expected) =>
        await Eventually(
            async () => (await page.EvaluateAsync<int[]>("""
                () => {
                  const map = document.getElementById('carte').maplibre;
                  if (!map.loaded() || !map.areTilesLoaded()) return [];
                  return map.queryRenderedFeatures({ layers: ['actor-clusters', 'actor-points'] }).map(f => f.properties.count);
                }
                """)).ToList(),
            counts => counts.Sum() == expected);

    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            value = await read();
        }

        return value;
    }
}
