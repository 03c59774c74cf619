using Microsoft.Playwright;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Quality;

/// <summary>
/// Small screens first (issue 14): at 375 × 812, a phone's viewport, no public page scrolls sideways and the site menu
/// fits behind one button; the « Filtres (n) » panels fold there and stay open, without their button, on wide screens.
/// </summary>
public sealed class SmallScreenTests : IClassFixture<QualitySite>, IClassFixture<BrowserFixture>, IDisposable
{
    private const string FilterPanel = """
        () => {
          const panel = document.createElement('details');
          panel.className = 'filter-panel';
          panel.dataset.filterPanel = '';
          panel.open = true;
          panel.innerHTML = '<summary class="filter-panel__summary">Filtres <span class="filter-panel__count">(2)</span></summary><form><label for="t">Texte</label><input id="t" name="q"></form>';
          const withError = panel.cloneNode(true);
          withError.id = 'avec-erreur';
          withError.querySelector('input').id = 't2';
          withError.querySelector('label').htmlFor = 't2';
          withError.querySelector('input').setAttribute('aria-invalid', 'true');
          document.querySelector('main').prepend(panel, withError);
        }
        """;

    private readonly QualitySite site;
    private readonly BrowserFixture browser;
    private readonly BrowserPortal portal;

    public SmallScreenTests(QualitySite site, BrowserFixture browser)
    {
        this.site = site;
        this.browser = browser;
        portal = new BrowserPortal(site.ConnectionString);
    }

    public void Dispose() => portal.Dispose();

    [Fact]
    public async Task No_public_page_scrolls_sideways_at_375_pixels()
    {
        await using var session = await browser.NewSessionAsync(portal, width: 375, height: 812);
        var listing = site.Pages.Single(p => p.Name == "Fiche d'un acteur").Path;
        var wide = new List<string>();
        foreach (var path in new[] { "/", "/acteurs", "/carte", listing, "/territoires", "/territoires/region/27", "/evenements", "/connexion" })
        {
            await session.Page.GotoAsync(path);
            var widths = await session.Page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            var (scroll, inner) = (widths[0], widths[1]);
            if (scroll > inner)
            {
                wide.Add($"{path}: {scroll} px wide in {inner}");
            }
        }

        Assert.True(wide.Count == 0, string.Join("\n", wide));
    }

    [Fact]
    public async Task The_menu_fits_behind_one_button_on_a_phone_and_opens_and_closes()
    {
        await using var session = await browser.NewSessionAsync(portal, width: 375, height: 812);
        var page = session.Page;
        await page.GotoAsync("/evenements");

        var button = page.Locator("summary.site-menu__button");
        var entries = page.Locator(".site-nav a");
        Assert.True(await button.IsVisibleAsync());
        Assert.False(await entries.First.IsVisibleAsync());
        var header = await page.Locator(".site-header").BoundingBoxAsync();
        Assert.True(header!.Height <= 80, $"header {header.Height} px high");

        await button.ClickAsync();
        foreach (var entry in await entries.AllAsync())
        {
            var box = await entry.BoundingBoxAsync();
            Assert.True(box is { X: >= 0 } && box.X + box.Width <= 375, await entry.InnerTextAsync());
        }

        Assert.Equal("page", await page.Locator(".site-nav a[href='/evenements']").GetAttributeAsync("aria-current"));
        await page.Keyboard.PressAsync("Escape");
        Assert.False(await entries.First.IsVisibleAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => document.activeElement.matches('summary.site-menu__button')"));
    }

    [Fact]
    public async Task On_a_wide_screen_the_menu_is_a_row_of_links_without_a_button()
    {
        await using var session = await browser.NewSessionAsync(portal, width: 1440, height: 900);
        await session.Page.GotoAsync("/");

        Assert.False(await session.Page.Locator("summary.site-menu__button").IsVisibleAsync());
        var tops = new HashSet<double>();
        foreach (var entry in await session.Page.Locator(".site-nav a").AllAsync())
        {
            Assert.True(await entry.IsVisibleAsync());
            tops.Add(Math.Round((await entry.BoundingBoxAsync())!.Y));
        }

        Assert.Single(tops);
    }

    [Fact]
    public async Task Filter_panels_fold_on_a_phone_unless_they_hold_an_error_and_stay_open_on_a_wide_screen()
    {
        await using var session = await browser.NewSessionAsync(portal, width: 1440, height: 900);
        var page = session.Page;
        await page.GotoAsync("/accessibilite");
        await page.EvaluateAsync(FilterPanel);

        // The layout script's handler runs on every resize across the breakpoint, and reads the panels then.
        await page.SetViewportSizeAsync(375, 812);
        await page.WaitForFunctionAsync("() => !document.querySelector('.filter-panel:not(#avec-erreur)').open");
        Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('#avec-erreur').open"));
        var summary = page.Locator(".filter-panel:not(#avec-erreur) > summary");
        Assert.True(await summary.IsVisibleAsync());
        Assert.Equal("Filtres (2)", Html.Squash(await summary.TextContentAsync() ?? string.Empty));
        await summary.ClickAsync();
        Assert.True(await page.Locator("#t").IsVisibleAsync());

        await page.SetViewportSizeAsync(1440, 900);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.filter-panel')].every(p => p.open)");
        Assert.False(await summary.IsVisibleAsync());
        Assert.Equal(string.Empty, await summary.GetAttributeAsync("inert"));
    }

    [Fact]
    public async Task Without_JavaScript_the_menu_and_the_panels_stay_open()
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = portal.BaseAddress.ToString(),
            JavaScriptEnabled = false,
            ViewportSize = new ViewportSize { Width = 375, Height = 812 },
        });
        await using var _ = context;
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");

        Assert.True(await page.Locator(".site-nav a[href='/acteurs']").IsVisibleAsync());
    }
}
