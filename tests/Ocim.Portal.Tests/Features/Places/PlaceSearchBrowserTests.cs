using System.Text.Json;
using Microsoft.Playwright;
using Ocim.Portal.Tests.Infrastructure;
using Ocim.Portal.Tests.Quality;

namespace Ocim.Portal.Tests.Features.Places;

/// <summary>
/// The place box (wwwroot/js/place-search.js) in Debian's Chromium: suggestions as one types, the keyboard, the
/// « place:select » event, axe with the list open; and /acteurs at 375 px, results first.
/// </summary>
public sealed class PlaceSearchBrowserTests : IClassFixture<PlaceSearchActorsFixture>, IClassFixture<BrowserFixture>, IDisposable
{
    private static readonly string[] AxeTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
    private readonly BrowserFixture browser;
    private readonly BrowserPortal portal;

    public PlaceSearchBrowserTests(PlaceSearchActorsFixture actors, BrowserFixture browser)
    {
        this.browser = browser;
        portal = new BrowserPortal(actors.Database.ConnectionString);
    }

    public void Dispose() => portal.Dispose();

    [Fact]
    public async Task Typing_dij_suggests_Dijon_first_and_the_keyboard_opens_it()
    {
        await using var session = await browser.NewSessionAsync(portal);
        var page = session.Page;
        await page.GotoAsync("/lieux?vers=acteurs");

        await page.Locator("#lieu-q").PressSequentiallyAsync("dij");
        var first = page.Locator("#lieu-q-suggestions [role=option]").First;
        await first.WaitForAsync();
        Assert.StartsWith("Dijon (21)", await first.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("true", await page.GetAttributeAsync("#lieu-q", "aria-expanded"));
        Assert.Matches("lieux? proposés?", await page.Locator(".place-search [role=status]").InnerTextAsync());

        await page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal("lieu-q-option-0", await page.GetAttributeAsync("#lieu-q", "aria-activedescendant"));
        Assert.Equal("true", await first.GetAttributeAsync("aria-selected"));
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/acteurs");
        Assert.Equal("/acteurs?commune=21231", new Uri(page.Url).PathAndQuery);
        Assert.True(session.ForeignRequests.IsEmpty, session.Report());
    }

    [Fact]
    public async Task St_denis_offers_both_Saint_Denis_and_Escape_closes_the_list()
    {
        await using var session = await browser.NewSessionAsync(portal);
        var page = session.Page;
        await page.GotoAsync("/lieux?vers=carte");

        await page.Locator("#lieu-q").PressSequentiallyAsync("st denis");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#lieu-q-suggestions [role=option]').length >= 2 && document.querySelector('#lieu-q-suggestions').textContent.includes('(93)')");
        var labels = await page.Locator("#lieu-q-suggestions .place-search__label").AllInnerTextsAsync();
        Assert.Equal(["Saint-Denis (93)", "Saint-Denis (974)"], labels.Take(2).Order(StringComparer.Ordinal));

        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowUp");
        Assert.Equal("lieu-q-option-0", await page.GetAttributeAsync("#lieu-q", "aria-activedescendant"));
        await page.Keyboard.PressAsync("Escape");
        Assert.Equal("false", await page.GetAttributeAsync("#lieu-q", "aria-expanded"));
        Assert.True(await page.Locator("#lieu-q-suggestions").IsHiddenAsync());
    }

    [Fact]
    public async Task In_the_filter_form_a_chosen_place_fills_the_hidden_code_and_says_so_by_event()
    {
        await using var session = await browser.NewSessionAsync(portal);
        var page = session.Page;
        await page.GotoAsync("/acteurs");
        await page.EvaluateAsync("() => { document.querySelector('details.filter-panel').open = true; for (const d of document.querySelectorAll('form.filters details')) d.open = true; window.placeEvents = []; document.addEventListener('place:select', e => window.placeEvents.push(e.detail)); }");

        await page.Locator("#territoire").PressSequentiallyAsync("21000");
        await page.Locator("#territoire-suggestions [role=option]").First.WaitForAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("Enter");

        Assert.Equal("Dijon (21)", await page.InputValueAsync("#territoire"));
        Assert.Equal("21231", await page.InputValueAsync("form.filters input[type=hidden][name=commune]"));
        var detail = await page.EvaluateAsync<JsonElement>("() => window.placeEvents[0]");
        Assert.Equal("commune", detail.GetProperty("kind").GetString());
        Assert.Equal("Dijon (21)", detail.GetProperty("label").GetString());
        Assert.Equal(4, detail.GetProperty("bbox").GetArrayLength());

        await page.Locator("form.filters button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("commune=21231", StringComparison.Ordinal) && !url.Contains("territoire=", StringComparison.Ordinal));
        Assert.Contains("Dijon (21)", await page.Locator(".place-chip").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Axe_finds_no_serious_violation_with_the_suggestion_list_open()
    {
        await using var session = await browser.NewSessionAsync(portal);
        var page = session.Page;
        var violations = new List<string>();
        foreach (var (path, input) in new[] { ("/lieux", "#lieu-q"), ("/acteurs?q=mus%C3%A9e+Dijon", "#territoire") })
        {
            await page.GotoAsync(path);
            await page.EvaluateAsync("() => { for (const d of document.querySelectorAll('details')) d.open = true; }");
            await page.Locator(input).FillAsync(string.Empty);
            await page.Locator(input).PressSequentiallyAsync("st denis");
            await page.Locator($"{input}-suggestions [role=option]").First.WaitForAsync();
            await page.Keyboard.PressAsync("ArrowDown");
            violations.AddRange((await RunAxeAsync(page)).Select(v => $"{path}: {v}"));
        }

        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public async Task At_375_pixels_the_first_result_starts_within_700_pixels_and_nothing_scrolls_sideways()
    {
        // Assumes the filter panel stays open (the layout script that closes it on narrow screens comes with the
        // « front » work): the results must come first even so, or the panel is closed here as that script would.
        await using var session = await browser.NewSessionAsync(portal, 375, 812);
        var page = session.Page;
        await page.GotoAsync("/acteurs?q=mus%C3%A9e+Dijon");
        await page.EvaluateAsync("() => { if (window.matchMedia('(max-width: 40rem)').matches) for (const d of document.querySelectorAll('[data-filter-panel]')) d.open = false; }");

        var top = await page.EvaluateAsync<double>("() => document.querySelector('.actor-card').getBoundingClientRect().top + window.scrollY");
        Assert.True(top <= 700, $"the first result starts at {top} px");
        var overflow = await page.EvaluateAsync<double>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"the page scrolls {overflow} px sideways");
    }

    private static async Task<List<string>> RunAxeAsync(IPage page)
    {
        await page.EvaluateAsync(await File.ReadAllTextAsync(QualityTools.AxeScript));
        var result = await page.EvaluateAsync<JsonElement>("""
            async tags => {
              const results = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
              return results.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', '));
            }
            """, AxeTags);
        return [.. result.EnumerateArray().Select(v => v.GetString()!)];
    }
}
