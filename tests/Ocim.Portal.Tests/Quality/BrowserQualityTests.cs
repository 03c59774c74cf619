using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Quality;

/// <summary>
/// Every page template in Debian's Chromium: axe-core (WCAG 2.0/2.1, A and AA) finds no serious or critical
/// violation; the skip link is the first stop and leads to the content; every stop of the keyboard shows its focus;
/// nothing scrolls sideways at 320 px (RGAA 10.11); no English once the scripts have run.
/// </summary>
public sealed class BrowserQualityTests : IClassFixture<QualitySite>, IClassFixture<BrowserFixture>, IDisposable
{
    private static readonly string[] AxeTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

    /// <summary>How many Tab presses a page gets in the focus test (the map page's filters alone take dozens).</summary>
    private const int MaxStops = 60;

    private readonly QualitySite site;
    private readonly BrowserFixture browser;
    private readonly BrowserPortal portal;
    private readonly HashSet<(BrowserSession, string)> signedIn = [];

    public BrowserQualityTests(QualitySite site, BrowserFixture browser)
    {
        this.site = site;
        this.browser = browser;
        portal = new BrowserPortal(site.ConnectionString);
    }

    public void Dispose() => portal.Dispose();

    [Fact]
    public async Task No_page_has_a_serious_or_critical_axe_violation()
    {
        await using var session = await browser.NewSessionAsync(portal);
        var violations = new List<string>();

        foreach (var page in site.Pages)
        {
            await OpenAsync(session, page);
            foreach (var violation in await RunAxeAsync(session.Page))
            {
                violations.Add($"{page}: {violation}");
            }
        }

        Assert.True(violations.Count == 0, $"{violations.Count} axe violations:\n" + string.Join("\n", violations));
    }

    [Fact]
    public async Task The_axe_check_reports_violations_with_rule_and_target()
    {
        await using var session = await browser.NewSessionAsync(portal);
        await session.Page.SetContentAsync(
            "<!DOCTYPE html><html lang=\"fr\"><head><title>t</title></head><body><main><img src=\"/favicon.svg\">" +
            "<p style=\"color:#bbb;background:#fff\">texte pâle</p><input id=\"sans-etiquette\"></main></body></html>");

        var violations = await RunAxeAsync(session.Page);

        Assert.Contains(violations, v => v.StartsWith("image-alt (critical)", StringComparison.Ordinal) && v.Contains("img", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("label (critical)", StringComparison.Ordinal) && v.Contains("#sans-etiquette", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("color-contrast (serious)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_skip_link_is_the_first_stop_and_takes_the_focus_to_the_content()
    {
        await using var session = await browser.NewSessionAsync(portal);
        var problems = new List<string>();

        foreach (var page in site.FullPages)
        {
            await OpenAsync(session, page);
            await session.Page.Keyboard.PressAsync("Tab");
            var first = await FocusedAsync(session.Page);
            if (first is not { Tag: "a", Text: "Aller au contenu" } || !first.Visible)
            {
                problems.Add($"{page}: first stop {first}");
                continue;
            }

            await session.Page.Keyboard.PressAsync("Enter");
            var target = await session.Page.EvaluateAsync<string?>("() => document.activeElement && document.activeElement.id");
            if (target != "contenu")
            {
                problems.Add($"{page}: the skip link leaves the focus on « {target} », not on main#contenu");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Every_keyboard_stop_shows_a_visible_focus()
    {
        await using var session = await browser.NewSessionAsync(portal);
        var problems = new List<string>();
        var checkedStops = 0;

        foreach (var page in site.FullPages)
        {
            await OpenAsync(session, page);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < MaxStops; i++)
            {
                await session.Page.Keyboard.PressAsync("Tab");
                var focused = await FocusedAsync(session.Page);
                if (focused is null || !seen.Add(focused.Path))
                {
                    break;
                }

                checkedStops++;
                if (!focused.Visible)
                {
                    problems.Add($"{page}: no visible focus on {focused}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(checkedStops > site.FullPages.Count() * 5, $"only {checkedStops} stops were reached");
    }

    [Fact]
    public async Task The_focus_check_sees_an_element_without_focus_indicator()
    {
        await using var session = await browser.NewSessionAsync(portal);
        await session.Page.SetContentAsync(
            "<!DOCTYPE html><html lang=\"fr\"><head><title>t</title><style>a:focus{outline:none}</style></head>" +
            "<body><a href=\"#x\">lien sans anneau</a><button>bouton</button></body></html>");

        await session.Page.Keyboard.PressAsync("Tab");
        var link = await FocusedAsync(session.Page);
        await session.Page.Keyboard.PressAsync("Tab");
        var button = await FocusedAsync(session.Page);

        Assert.False(link!.Visible);
        Assert.True(button!.Visible, "Chromium's own focus ring on the button");
    }

    [Fact]
    public async Task Pages_reflow_at_320_pixels_without_horizontal_scrolling()
    {
        await using var session = await browser.NewSessionAsync(portal, width: 320, height: 256);
        var problems = new List<string>();

        foreach (var page in site.FullPages)
        {
            await OpenAsync(session, page);
            var widths = await session.Page.EvaluateAsync<JsonElement>("""
                () => {
                  const width = document.documentElement.scrollWidth;
                  const wide = [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest('.table-scroll'))
                    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''));
                  return { width, wide };
                }
                """);
            var width = widths.GetProperty("width").GetInt32();
            if (width > 320)
            {
                problems.Add($"{page}: {width} px wide ({string.Join(", ", widths.GetProperty("wide").EnumerateArray().Select(e => e.GetString()))})");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task No_English_once_the_scripts_have_run()
    {
        await using var session = await browser.NewSessionAsync(portal);
        var found = new List<string>();

        foreach (var page in site.FullPages)
        {
            await OpenAsync(session, page);
            var text = await session.Page.EvaluateAsync<string>("""
                () => [document.title, document.body.innerText,
                  ...[...document.querySelectorAll('[aria-label], [title], [alt], [placeholder]')]
                    .flatMap(e => ['aria-label', 'title', 'alt', 'placeholder'].map(a => e.getAttribute(a) || ''))].join(' | ')
                """);
            foreach (var word in PageQualityTests.EnglishWords.Concat(PageQualityTests.EnglishDateWords))
            {
                if (Regex.IsMatch(text, $@"(?<![\p{{L}}\-]){Regex.Escape(word)}(?![\p{{L}}\-])", RegexOptions.CultureInvariant))
                {
                    found.Add($"{page}: « {word} »");
                }
            }
        }

        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    /// <summary>Opens a page and lets its scripts settle; a fragment is shown inside the layout, in place of main's content.</summary>
    private async Task OpenAsync(BrowserSession session, QualityPage page)
    {
        if (page.Fragment)
        {
            using var client = new HttpClient { BaseAddress = portal.BaseAddress };
            var html = await client.GetStringAsync(new Uri(page.Path, UriKind.Relative));
            await session.Page.GotoAsync("/accessibilite");
            await session.Page.EvaluateAsync("html => { document.querySelector('main').innerHTML = html; }", html);
            return;
        }

        if (page.Account is not null && signedIn.Add((session, page.Account)))
        {
            await session.Page.GotoAsync("/connexion");
            await session.Page.FillAsync("form[action='/connexion'] [name='Email']", page.Account);
            await session.Page.FillAsync("form[action='/connexion'] [name='Password']", TestAccounts.Password);
            await session.Page.ClickAsync("form[action='/connexion'] [type='submit']");
            await session.Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/compte");
        }

        var response = await session.Page.GotoAsync(page.Path);
        if (page.Form is { } form)
        {
            var selector = $"form[action='{form.Action}']";
            foreach (var (name, value) in form.Fields)
            {
                await session.Page.FillAsync($"{selector} [name='{name}']", value);
            }

            // submit(), not a click: it skips the browser's own validation, as a request without JavaScript would.
            response = await session.Page.RunAndWaitForResponseAsync(
                () => session.Page.EvaluateAsync("s => document.querySelector(s).submit()", selector),
                r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == form.Action);
            await session.Page.WaitForLoadStateAsync(LoadState.Load);
        }

        Assert.True(response?.Status == page.Status, $"{page}: {response?.Status}. {session.Report()}");
        try
        {
            await session.Page.WaitForLoadStateAsync(LoadState.NetworkIdle, new PageWaitForLoadStateOptions { Timeout = 10_000 });
        }
        catch (TimeoutException)
        {
            // A page that keeps loading (map tiles) is checked as it stands.
        }

        // Nothing still loading (the list beside the map is dimmed while aria-busy).
        await session.Page.WaitForFunctionAsync("() => !document.querySelector('[aria-busy=\"true\"]')", null, new PageWaitForFunctionOptions { Timeout = 10_000 });
    }

    /// <summary>axe-core's serious and critical violations, one line each: rule (impact): help; targets.</summary>
    private static async Task<List<string>> RunAxeAsync(IPage page)
    {
        // Evaluated through the DevTools protocol, which the page's CSP (script-src 'self') does not restrict.
        await page.EvaluateAsync(await File.ReadAllTextAsync(QualityTools.AxeScript));
        var result = await page.EvaluateAsync<JsonElement>("""
            async tags => {
              const results = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
              return results.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' ')).slice(0, 8) }));
            }
            """, AxeTags);
        return [.. result.EnumerateArray().Select(v =>
            $"{v.GetProperty("id").GetString()} ({v.GetProperty("impact").GetString()}): {v.GetProperty("help").GetString()}; " +
            string.Join(", ", v.GetProperty("targets").EnumerateArray().Select(t => t.GetString())))];
    }

    private static async Task<FocusedElement?> FocusedAsync(IPage page)
    {
        var focused = await page.EvaluateAsync<JsonElement?>("""
            () => {
              const e = document.activeElement;
              if (!e || e === document.body || e === document.documentElement) return null;
              const s = getComputedStyle(e);
              const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
              const shadow = !!s.boxShadow && s.boxShadow !== 'none';
              const path = [];
              for (let n = e; n && n !== document.body; n = n.parentElement) path.unshift(n.tagName + ':' + [...n.parentElement.children].indexOf(n));
              return { tag: e.tagName.toLowerCase(), id: e.id || '', text: (e.innerText || e.getAttribute('aria-label') || e.value || '').trim().slice(0, 40),
                       visible: outline || shadow, path: path.join('/') };
            }
            """);
        return focused is { ValueKind: JsonValueKind.Object } f
            ? new FocusedElement(f.GetProperty("tag").GetString()!, f.GetProperty("id").GetString()!, f.GetProperty("text").GetString()!, f.GetProperty("visible").GetBoolean(), f.GetProperty("path").GetString()!)
            : null;
    }

    private sealed record FocusedElement(string Tag, string Id, string Text, bool Visible, string Path)
    {
        public override string ToString() => $"<{Tag}{(Id.Length > 0 ? " id=" + Id : string.Empty)}> « {Text} »";
    }
}
