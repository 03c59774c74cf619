using System.Globalization;
using Microsoft.Playwright;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Territories;

/// <summary>
/// sortable-table.js in Debian's Chromium on the Côte-d'Or page: header buttons sort the rows (numbers in French
/// notation, names by the French collation), aria-sort follows, empty rates stay last, and the keyboard works.
/// </summary>
public sealed class SortableTableBrowserTests : IClassFixture<TerritoryControlsFixture>, IClassFixture<BrowserFixture>, IDisposable
{
    private readonly BrowserFixture browser;
    private readonly BrowserPortal portal;

    public SortableTableBrowserTests(TerritoryControlsFixture fixture, BrowserFixture browser)
    {
        this.browser = browser;
        portal = new BrowserPortal(fixture.Database.ConnectionString);
    }

    public void Dispose() => portal.Dispose();

    [Fact]
    public async Task Header_buttons_sort_the_communes_and_say_the_order()
    {
        await using var session = await browser.NewSessionAsync(portal);
        var page = session.Page;
        await page.GotoAsync("/territoires/departement/21");
        var table = page.Locator("#sous-territoires");
        var population = table.Locator("thead th").Nth(2);

        // Population, descending (two clicks): Dijon first.
        await population.GetByRole(AriaRole.Button).ClickAsync();
        Assert.Equal("ascending", await population.GetAttributeAsync("aria-sort"));
        await population.GetByRole(AriaRole.Button).ClickAsync();
        Assert.Equal("descending", await population.GetAttributeAsync("aria-sort"));
        Assert.Equal("Dijon", await table.Locator("tbody tr").First.Locator("th").InnerTextAsync());
        var populations = await ColumnAsync(table, 2, sortValue: true);
        var known = populations.Where(p => p.Length > 0).Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(known.OrderDescending(), known);
        Assert.Contains("ordre décroissant", await page.Locator("#sous-territoires ~ [role=status]").InnerTextAsync(), StringComparison.Ordinal);

        // Rate per 10,000 inhabitants, descending: communes without a rate (under 5,000 inhabitants) stay last.
        var rate = table.Locator("thead th").Nth(4);
        await rate.GetByRole(AriaRole.Button).ClickAsync();
        await rate.GetByRole(AriaRole.Button).ClickAsync();
        Assert.Equal("descending", await rate.GetAttributeAsync("aria-sort"));
        Assert.Null(await population.GetAttributeAsync("aria-sort"));
        var rates = await ColumnAsync(table, 4, sortValue: true);
        var firstEmpty = rates.FindIndex(r => r.Length == 0);
        Assert.True(firstEmpty > 0, "some communes have a rate");
        Assert.All(rates.Skip(firstEmpty), r => Assert.Equal(string.Empty, r));
        var values = rates.Take(firstEmpty).Select(r => double.Parse(r, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(values.OrderDescending(), values);

        // Names, by keyboard (focus on the button, Enter): French collation, accented initials among their letter.
        var name = table.Locator("thead th").First;
        await name.GetByRole(AriaRole.Button).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("ascending", await name.GetAttributeAsync("aria-sort"));
        var names = await ColumnAsync(table, 0, sortValue: false);
        Assert.Equal(names.Order(StringComparer.Create(CultureInfo.GetCultureInfo("fr-FR"), CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace)).ToList(), names);

        await session.ScreenshotAsync("territoire-tri");
        Assert.True(session.ConsoleMessages.IsEmpty && session.FailedResponses.IsEmpty && session.ForeignRequests.IsEmpty, session.Report());
    }

    [Fact]
    public async Task Without_JavaScript_the_table_is_a_plain_table()
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = portal.BaseAddress.ToString(), JavaScriptEnabled = false });
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/territoires/departement/21");

            Assert.Equal(0, await page.Locator("#sous-territoires thead button").CountAsync());
            Assert.Equal("Commune", (await page.Locator("#sous-territoires thead th").First.InnerTextAsync()).Trim());
            Assert.True(await page.Locator("#sous-territoires tbody tr").CountAsync() > 600);
        }
        finally
        {
            await context.DisposeAsync();
        }
    }

    private static async Task<List<string>> ColumnAsync(ILocator table, int column, bool sortValue) =>
        [.. await table.Locator("tbody tr").EvaluateAllAsync<string[]>(
            $"(rows) => rows.map(r => {{ const c = r.cells[{column}]; return {(sortValue ? "c.getAttribute('data-sort') ?? ''" : "c.textContent.trim()")}; }})")];
}
