using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Ocim.Portal.Tests.Infrastructure;
using Ocim.Portal.Tests.Quality;

namespace Ocim.Portal.Tests.Features.Map;

/// <summary>
/// /carte as a map a visitor can read, in Debian's Chromium: place labels from the portal's own glyphs, clusters that
/// show their split by circle, actors drawn as themselves, the popup, the list and the map pointing at each other,
/// the focus ring, flying to a place, the narrow layout; and no request to another origin.
/// </summary>
public sealed class MapReadingBrowserTests : IClassFixture<MapActorSet>, IClassFixture<BrowserFixture>, IDisposable
{
    private const int Shares = 24;
    private const string FranceView = "#4.5/46.6/2.4";
    private const string DijonStreets = "#15/47.3213/5.0378";

    private static readonly string[] AxeTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

    private readonly MapActorSet actors;
    private readonly BrowserFixture browser;
    private readonly BrowserPortal portal;

    public MapReadingBrowserTests(MapActorSet actors, BrowserFixture browser)
    {
        this.actors = actors;
        this.browser = browser;
        portal = new BrowserPortal(actors.Database.ConnectionString);
    }

    public void Dispose() => portal.Dispose();

    [Fact]
    public async Task At_zoom_12_over_Dijon_a_label_reads_Dijon_and_every_request_stays_on_the_portal()
    {
        await using var session = await browser.NewSessionAsync(portal, 1440, 900);
        var page = session.Page;
        await page.GotoAsync("/carte#12/47.32/5.04");

        var names = await Eventually(
            async () => (await page.EvaluateAsync<string[]>("""
                () => {
                  const map = document.getElementById('carte').maplibre;
                  if (!map.loaded() || !map.areTilesLoaded()) return [];
                  return map.queryRenderedFeatures({ layers: ['labels-communes'] }).map(f => f.properties.name);
                }
                """)).ToList(),
            found => found.Contains("Dijon"));
        Assert.True(names.Contains("Dijon"), $"labels: {string.Join(", ", names)}. {session.Report()}");
        await session.ScreenshotAsync("carte-dijon-z12");

        var requests = await page.EvaluateAsync<string[]>("() => performance.getEntriesByType('resource').map(e => e.name)");
        Assert.Contains(requests, r => r.Contains("/carte/glyphes/", StringComparison.Ordinal));
        Assert.All(requests, r => Assert.StartsWith(portal.BaseAddress.GetLeftPart(UriPartial.Authority), r, StringComparison.Ordinal));
        Assert.True(session.ConsoleMessages.IsEmpty && session.FailedResponses.IsEmpty && session.ForeignRequests.IsEmpty, session.Report());
    }

    [Fact]
    public async Task Clusters_show_their_split_by_circle_and_a_lone_actor_is_drawn_as_itself()
    {
        await using var session = await browser.NewSessionAsync(portal);
        var page = session.Page;
        await page.GotoAsync("/carte" + FranceView);

        var drawn = await Eventually(
            () => page.EvaluateAsync<JsonElement>("""
                () => {
                  const map = document.getElementById('carte').maplibre;
                  if (!map.loaded() || !map.areTilesLoaded()) return [];
                  const image = (f) => { const v = f.layer.layout['icon-image']; return typeof v === 'string' ? v : (v?.name ?? String(v)); };
                  return map.queryRenderedFeatures({ layers: ['actor-clusters', 'actor-points'] }).map(f => ({
                    layer: f.layer.id, count: f.properties.count, c1: f.properties.c1 ?? 0, c2: f.properties.c2 ?? 0, c3: f.properties.c3 ?? 0,
                    actor: f.properties.actor ?? null, family: f.properties.family ?? null, image: image(f), has: map.hasImage(image(f)) }));
                }
                """),
            found => found.GetArrayLength() > 0 && found.EnumerateArray().Sum(f => f.GetProperty("count").GetInt32()) == 10);
        var features = drawn.EnumerateArray().ToList();
        Assert.Equal(10, features.Sum(f => f.GetProperty("count").GetInt32()));

        var clusters = features.Where(f => f.GetProperty("layer").GetString() == "actor-clusters").ToList();
        Assert.NotEmpty(clusters);
        foreach (var cluster in clusters)
        {
            var (count, c1, c2, c3) = (cluster.GetProperty("count").GetInt32(), cluster.GetProperty("c1").GetInt32(), cluster.GetProperty("c2").GetInt32(), cluster.GetProperty("c3").GetInt32());
            Assert.True(count > 1);
            Assert.Equal(count, c1 + c2 + c3);
            Assert.Equal($"cluster-{count}-{Share(c1, count)}-{Share(c2, count)}-{Share(c3, count)}", cluster.GetProperty("image").GetString());
            Assert.True(cluster.GetProperty("has").GetBoolean(), "the donut was drawn");
        }

        // Lyon's four actors of three circles: a donut of three segments.
        Assert.Contains(clusters, c => c.GetProperty("c1").GetInt32() > 0 && c.GetProperty("c2").GetInt32() > 0 && c.GetProperty("c3").GetInt32() > 0);

        // Marseille's planetarium is alone in its cluster: drawn as the actor, by circle and family, not as « 1 ».
        var marseille = Assert.Single(features, f => f.GetProperty("family").GetString() == "planetarium");
        Assert.Equal("actor-points", marseille.GetProperty("layer").GetString());
        Assert.Equal("actor-1-planetarium", marseille.GetProperty("image").GetString());
        await using (var connection = await actors.Database.OpenAsync())
        {
            await using var command = new Npgsql.NpgsqlCommand("select id from actor where name = 'Planétarium de Marseille'", connection);
            Assert.Equal((long)(await command.ExecuteScalarAsync())!, marseille.GetProperty("actor").GetInt64());
        }

        // The legend names the circles with the markers' colours.
        var legend = await page.Locator(".map-legend__circles li").AllInnerTextsAsync();
        Assert.Equal(["Cercle 1", "Cercle 2", "Cercle 3"], legend.Take(3).Select(t => t.Trim()));
        Assert.Contains(legend, t => t.Contains("part de chaque cercle", StringComparison.Ordinal));
        await session.ScreenshotAsync("carte-donuts");
        Assert.True(session.ConsoleMessages.IsEmpty && session.FailedResponses.IsEmpty && session.ForeignRequests.IsEmpty, session.Report());
    }

    [Fact]
    public async Task The_list_and_the_markers_point_at_each_other_and_the_popup_gives_the_commune_and_the_listing()
    {
        await using var session = await browser.NewSessionAsync(portal);
        var page = session.Page;
        await page.GotoAsync("/carte" + DijonStreets);
        var markers = await MarkersAsync(page, 3);
        Assert.Equal(3, markers.Count);

        // Hovering an entry rings its marker.
        var first = markers[0];
        await page.Locator($"#carte-liste li[data-id='{first.Id}'] h3 a").HoverAsync();
        Assert.Equal(first.Id, await HighlightedAsync(page, first.Id));
        await session.ScreenshotAsync("carte-liste-survol");

        // Focusing another entry (keyboard) rings that one.
        var second = markers[1];
        await page.Locator($"#carte-liste li[data-id='{second.Id}'] h3 a").FocusAsync();
        Assert.Equal(second.Id, await HighlightedAsync(page, second.Id));
        var focusedViolations = await RunAxeAsync(page);
        Assert.True(focusedViolations.Count == 0, string.Join("\n", focusedViolations));

        // Hovering a marker marks its entry.
        var canvas = await page.Locator("#carte canvas").BoundingBoxAsync();
        var third = markers[2];
        await page.Mouse.MoveAsync(canvas!.X + third.X, canvas.Y + third.Y);
        await page.WaitForFunctionAsync($"() => document.querySelector(\"#carte-liste li[data-id='{third.Id}']\")?.classList.contains('is-highlighted')");
        Assert.Equal(1, await page.Locator("#carte-liste li.is-highlighted").CountAsync());

        // The popup: name, family · circle, commune, and « Voir la fiche ».
        await page.Mouse.ClickAsync(canvas.X + third.X, canvas.Y + third.Y);
        var popup = page.Locator(".maplibregl-popup");
        await popup.Locator(".map-popup__commune").WaitForAsync();
        Assert.Equal("Dijon (21)", await popup.Locator(".map-popup__commune").InnerTextAsync());
        Assert.Equal(third.Name, await popup.Locator(".map-popup__title").InnerTextAsync());
        var more = popup.GetByRole(AriaRole.Link, new() { Name = "Voir la fiche", Exact = false });
        Assert.Equal(third.Url.Split('-')[0], (await more.GetAttributeAsync("href"))!.Split('-')[0]);
        Assert.Equal("Voir la fiche", await more.InnerTextAsync());
        await session.ScreenshotAsync("carte-popup-details");
        var popupViolations = await RunAxeAsync(page);
        Assert.True(popupViolations.Count == 0, string.Join("\n", popupViolations));
        Assert.True(session.ConsoleMessages.IsEmpty && session.FailedResponses.IsEmpty && session.ForeignRequests.IsEmpty, session.Report());
    }

    [Fact]
    public async Task The_skip_link_takes_the_keyboard_past_the_filters_to_the_map_whose_focus_ring_is_whole()
    {
        await using var session = await browser.NewSessionAsync(portal);
        var page = session.Page;
        await page.GotoAsync("/carte" + FranceView);
        await page.WaitForFunctionAsync("() => document.getElementById('carte').dataset.listState === 'ready'");

        await page.Locator("#passer-filtres").FocusAsync();
        Assert.Equal("Passer les filtres", await page.Locator("#passer-filtres").InnerTextAsync());
        await page.Keyboard.PressAsync("Enter");
        var ring = await page.EvaluateAsync<JsonElement>("""
            () => {
              const canvas = document.activeElement;
              const style = getComputedStyle(canvas);
              const box = canvas.getBoundingClientRect();
              const clip = canvas.closest('.maplibregl-map').getBoundingClientRect();
              const width = parseFloat(style.outlineWidth), offset = parseFloat(style.outlineOffset);
              // The ring's outer edge: the box grown by offset + width on each side.
              const grow = offset + width;
              return { canvas: canvas.classList.contains('maplibregl-canvas'), style: style.outlineStyle, width, offset,
                       inside: box.left - grow >= clip.left - 0.5 && box.top - grow >= clip.top - 0.5
                               && box.right + grow <= clip.right + 0.5 && box.bottom + grow <= clip.bottom + 0.5 };
            }
            """);
        Assert.True(ring.GetProperty("canvas").GetBoolean(), "the map's canvas has the focus");
        Assert.NotEqual("none", ring.GetProperty("style").GetString());
        Assert.True(ring.GetProperty("width").GetDouble() >= 2, ring.ToString());
        Assert.True(ring.GetProperty("inside").GetBoolean(), $"the ring is clipped by the map's overflow: {ring}");
        await session.ScreenshotAsync("carte-focus");

        // The arrows then move the map.
        var before = await page.EvaluateAsync<double>("() => document.getElementById('carte').maplibre.getCenter().lng");
        await page.Keyboard.PressAsync("ArrowRight");
        await page.WaitForFunctionAsync($"() => document.getElementById('carte').maplibre.getCenter().lng > {before.ToString(CultureInfo.InvariantCulture)} + 0.01");
    }

    [Fact]
    public async Task Choosing_a_place_flies_the_map_there_instead_of_opening_the_results_page()
    {
        await using var session = await browser.NewSessionAsync(portal);
        var page = session.Page;
        await page.GotoAsync("/carte" + FranceView);
        await page.WaitForFunctionAsync("() => document.getElementById('carte').dataset.listState === 'ready'");
        var form = page.Locator("form#carte-lieu");
        Assert.Equal("/lieux", await form.GetAttributeAsync("action"));
        Assert.Equal("carte", await form.Locator("input[name='vers']").InputValueAsync());
        Assert.Equal("carte", await form.Locator("input[data-place-search]").GetAttributeAsync("data-place-target"));

        // A commune without a box: its centre, at street-and-district zoom.
        var prevented = await page.EvaluateAsync<bool>("""
            () => {
              const input = document.querySelector('#carte-lieu input[data-place-search]');
              const event = new CustomEvent('place:select', { bubbles: true, cancelable: true,
                detail: { kind: 'commune', code: '35238', name: 'Rennes', label: 'Rennes (35)', lon: -1.68, lat: 48.11, bbox: null, population: 230000 } });
              input.dispatchEvent(event);
              return event.defaultPrevented;
            }
            """);
        Assert.True(prevented, "the map handles the choice, the component does not navigate");
        await page.WaitForFunctionAsync("""
            () => { const m = document.getElementById('carte').maplibre;
                    return !m.isMoving() && Math.abs(m.getZoom() - 12) < 0.01 && Math.abs(m.getCenter().lng + 1.68) < 0.001 && Math.abs(m.getCenter().lat - 48.11) < 0.001; }
            """, null, new PageWaitForFunctionOptions { Timeout = 15_000 });
        Assert.EndsWith("/carte", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);

        // A department with a box: the map fits it.
        await page.EvaluateAsync("""
            () => document.querySelector('#carte-lieu input[data-place-search]').dispatchEvent(new CustomEvent('place:select', { bubbles: true, cancelable: true,
                detail: { kind: 'departement', code: '21', name: "Côte-d'Or", label: "Côte-d'Or (21)", lon: 4.77, lat: 47.42, bbox: [4.07, 46.90, 5.52, 48.03], population: 530000 } }))
            """);
        await page.WaitForFunctionAsync("""
            () => { const m = document.getElementById('carte').maplibre; if (m.isMoving()) return false;
                    const b = m.getBounds(); return b.getWest() <= 4.07 && b.getEast() >= 5.52 && b.getSouth() <= 46.90 && b.getNorth() >= 48.03 && m.getZoom() > 6; }
            """, null, new PageWaitForFunctionOptions { Timeout = 15_000 });
        Assert.True(session.ConsoleMessages.IsEmpty && session.FailedResponses.IsEmpty && session.ForeignRequests.IsEmpty, session.Report());
    }

    [Fact]
    public async Task At_375_pixels_the_map_comes_first_the_filters_fold_and_nothing_scrolls_sideways()
    {
        await using var session = await browser.NewSessionAsync(portal, 375, 812);
        var page = session.Page;
        await page.GotoAsync("/carte#12/47.32/5.04");
        await page.WaitForFunctionAsync("() => document.getElementById('carte').dataset.listState === 'ready'");

        var layout = await page.EvaluateAsync<JsonElement>("""
            () => {
              const top = (selector) => document.querySelector(selector).getBoundingClientRect().top + window.scrollY;
              return { map: top('#carte'), filters: top('[data-filter-panel]'), list: top('.map-list'),
                       width: document.documentElement.scrollWidth,
                       summary: document.querySelector('[data-filter-panel] > summary').textContent.replace(/\s+/g, ' ').trim() };
            }
            """);
        Assert.True(layout.GetProperty("map").GetDouble() < 700, $"the map starts at {layout.GetProperty("map").GetDouble()} px");
        Assert.True(layout.GetProperty("map").GetDouble() < layout.GetProperty("filters").GetDouble(), "the map comes before the filters");
        Assert.True(layout.GetProperty("filters").GetDouble() < layout.GetProperty("list").GetDouble(), "the filters before the list");
        Assert.True(layout.GetProperty("width").GetDouble() <= 375, $"horizontal scroll: {layout.GetProperty("width").GetDouble()} px");
        Assert.Equal("Filtres (0)", layout.GetProperty("summary").GetString());
        await session.ScreenshotAsync("carte-375");
        Assert.True(session.ConsoleMessages.IsEmpty && session.FailedResponses.IsEmpty && session.ForeignRequests.IsEmpty, session.Report());
    }

    [Fact]
    public async Task On_a_phone_the_map_s_first_screen_over_Dijon_costs_at_most_300_KB()
    {
        await using var session = await browser.NewSessionAsync(portal, 375, 812);
        var page = session.Page;
        // Over HTTPS a browser offers Brotli; over the tests' plain HTTP Chromium offers gzip only: ask as HTTPS would.
        await page.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["Accept-Encoding"] = "br, gzip" });
        var sizes = new System.Collections.Concurrent.ConcurrentBag<Task<(string Url, long Bytes)>>();
        page.RequestFinished += (_, request) => sizes.Add(Task.Run(async () =>
        {
            var measured = await request.SizesAsync();
            return (request.Url, (long)measured.ResponseBodySize + measured.ResponseHeadersSize);
        }));
        await page.GotoAsync("/carte#12/47.32/5.04");
        await page.WaitForFunctionAsync("""
            () => { const m = document.getElementById('carte').maplibre;
                    return m && m.loaded() && m.areTilesLoaded() && document.getElementById('carte').dataset.listState === 'ready'; }
            """, null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var responses = (await Task.WhenAll(sizes)).OrderByDescending(r => r.Bytes).ToList();
        var total = responses.Sum(r => r.Bytes);
        var report = string.Join("; ", responses.Select(r => $"{r.Bytes / 1024.0:0.0} KB {new Uri(r.Url).PathAndQuery}"));
        // The map library, its glyphs, the tiles and the list all came (the sum is not of a half-drawn map)…
        Assert.Contains(responses, r => r.Url.Contains("/lib/maplibre-gl/", StringComparison.Ordinal));
        Assert.Contains(responses, r => r.Url.Contains("/carte/glyphes/", StringComparison.Ordinal));
        Assert.Contains(responses, r => r.Url.Contains("/tiles/actors/12/", StringComparison.Ordinal));
        Assert.Contains(responses, r => r.Url.Contains("/carte/liste", StringComparison.Ordinal));
        // … and together they weigh at most 300 KB as sent (docs/decisions/0034-one-maplibre-bundle.md).
        Assert.True(total <= 300 * 1024, $"{total / 1024.0:0.0} KB: {report}");
        Assert.True(session.ConsoleMessages.IsEmpty && session.FailedResponses.IsEmpty && session.ForeignRequests.IsEmpty, session.Report());
    }

    private static int Share(int part, int count) => part == 0 ? 0 : Math.Max(1, (int)Math.Round(part * (double)Shares / count, MidpointRounding.AwayFromZero));

    private sealed record Marker(long Id, string Name, string Url, float X, float Y);

    private static async Task<List<Marker>> MarkersAsync(IPage page, int expected)
    {
        var found = await Eventually(
            () => page.EvaluateAsync<JsonElement>("""
                () => {
                  const c = document.getElementById('carte');
                  const map = c.maplibre;
                  if (c.dataset.listState !== 'ready' || !map.loaded() || !map.areTilesLoaded()) return [];
                  return map.queryRenderedFeatures({ layers: ['actor-points'] }).map(f => {
                    const p = map.project(f.geometry.coordinates);
                    return { id: f.properties.id, name: f.properties.name, url: f.properties.url, x: p.x, y: p.y };
                  });
                }
                """),
            markers => markers.GetArrayLength() == expected);
        return [.. found.EnumerateArray()
            .Select(m => new Marker(m.GetProperty("id").GetInt64(), m.GetProperty("name").GetString()!, m.GetProperty("url").GetString()!, m.GetProperty("x").GetSingle(), m.GetProperty("y").GetSingle()))
            .OrderBy(m => m.Id)];
    }

    /// <summary>The id of the actor the highlight layer draws, once it is <paramref name="expected"/> (or at the time limit).</summary>
    private static async Task<long?> HighlightedAsync(IPage page, long expected) =>
        await Eventually(
            () => page.EvaluateAsync<long?>("""
                () => {
                  const map = document.getElementById('carte').maplibre;
                  const ring = map.queryRenderedFeatures({ layers: ['actor-highlight'] });
                  return ring.length === 1 ? ring[0].properties.id : null;
                }
                """),
            id => id == expected);

    /// <summary>axe-core's serious and critical violations, one line each.</summary>
    private static async Task<List<string>> RunAxeAsync(IPage page)
    {
        await page.EvaluateAsync(await File.ReadAllTextAsync(QualityTools.AxeScript));
        var result = await page.EvaluateAsync<JsonElement>("""
            async tags => {
              const results = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
              return results.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ' (' + v.impact + '): ' + v.help + '; ' + v.nodes.map(n => n.target.join(' ')).slice(0, 8).join(', '));
            }
            """, AxeTags);
        return [.. result.EnumerateArray().Select(v => v.GetString()!)];
    }

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
