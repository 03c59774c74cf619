using System.Text.RegularExpressions;
using AngleSharp;
using AngleSharp.Dom;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Quality;

/// <summary>
/// Every page template as served over HTTP: its status, valid HTML (Nu HTML Checker), French only (language, titles,
/// words, numbers and dates), the security headers and the link to the accessibility statement.
/// </summary>
public sealed partial class PageQualityTests(QualitySite site) : IClassFixture<QualitySite>
{
    /// <summary>
    /// English words of a web interface that have no place in the French one: whole words, case-sensitive, so that
    /// French words that contain them (« Filtrer », « Menu ») and proper nouns are left alone.
    /// </summary>
    internal static readonly string[] EnglishWords =
    [
        "Search", "Submit", "Next", "Previous", "Error", "Loading", "Page not found", "Not Found", "Bad Request",
        "Service Unavailable", "Internal Server Error", "The field", "is required", "is invalid", "is not valid",
        "must be", "Sign in", "Log in", "Log out", "Password", "Username", "Email", "Home", "Back", "Close", "Cancel",
        "Show more", "Read more", "Click here", "Download", "Filter", "Reset", "Results", "Skip to", "Zoom in",
        "Zoom out", "Toggle", "Invalid login attempt", "Passwords must", "the", "and",
    ];

    internal static readonly string[] EnglishDateWords =
    [
        "January", "February", "March", "April", "June", "July", "August", "September", "October", "November",
        "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "AM", "PM",
    ];

    [Fact]
    public async Task Every_page_answers_its_expected_status()
    {
        var pages = await site.FetchAllAsync();

        var wrong = pages.Where(p => p.Status != p.Page.Status).Select(p => $"{p.Page}: {p.Status} instead of {p.Page.Status}").ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task Every_page_is_valid_HTML_for_the_Nu_HTML_checker()
    {
        var pages = await site.FetchAllAsync();

        var errors = await QualityTools.ValidateHtmlAsync([.. pages.Select(p => (p.Page.ToString(), p.Document))]);

        Assert.True(errors.Count == 0, $"{errors.Count} HTML errors:\n" + string.Join("\n", errors));
    }

    [Fact]
    public async Task The_HTML_check_sees_an_invalid_page()
    {
        // The gate above is worth something only if the checker reports what it should.
        var errors = await QualityTools.ValidateHtmlAsync(
        [
            ("valid", "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>t</title></head><body><p>ok</p></body></html>"),
            ("invalid", "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>t</title></head><body><ul><p>x</p></ul><a href=\"/\" id=\"a\"></a><a id=\"a\"></a></body></html>"),
        ]);

        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.StartsWith("invalid:", e, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_page_is_in_French_with_a_unique_title()
    {
        var pages = await site.FetchAllAsync();
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();

        foreach (var page in pages.Where(p => !p.Page.Fragment))
        {
            var document = await ParseAsync(page.Html);
            if (document.DocumentElement.GetAttribute("lang") != "fr")
            {
                problems.Add($"{page.Page}: <html lang=\"{document.DocumentElement.GetAttribute("lang")}\">");
            }

            var title = Html.Squash(document.Title ?? string.Empty);
            if (!title.EndsWith(" · Portail Ocim", StringComparison.Ordinal) || title.Length <= " · Portail Ocim".Length)
            {
                problems.Add($"{page.Page}: title « {title} »");
            }
            else if (!titles.TryAdd(title, page.Page.ToString()) && !SameTemplate(titles[title], page.Page.ToString()))
            {
                problems.Add($"{page.Page}: the same title as {titles[title]} (« {title} »)");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task No_page_shows_English_words()
    {
        var pages = await site.FetchAllAsync();
        var found = new List<string>();

        foreach (var page in pages)
        {
            var text = await VisibleTextAsync(page.Document);
            foreach (var word in EnglishWords.Concat(EnglishDateWords))
            {
                var match = Regex.Match(text, $@"(?<![\p{{L}}\-]){Regex.Escape(word)}(?![\p{{L}}\-])", RegexOptions.CultureInvariant);
                if (match.Success)
                {
                    found.Add($"{page.Page}: « {word} » in « …{Around(text, match.Index)}… »");
                }
            }
        }

        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    [Fact]
    public async Task The_English_check_finds_English()
    {
        var text = await VisibleTextAsync("<!DOCTYPE html><html lang=\"fr\"><head><title>x</title></head><body><button aria-label=\"Close\">×</button><p>Rechercher</p></body></html>");

        Assert.Contains(EnglishWords, w => Regex.IsMatch(text, $@"(?<![\p{{L}}\-]){Regex.Escape(w)}(?![\p{{L}}\-])", RegexOptions.CultureInvariant));
    }

    [Fact]
    public async Task Numbers_and_dates_are_written_the_French_way()
    {
        var pages = await site.FetchAllAsync();
        var problems = new List<string>();
        var frenchGrouping = 0;
        var frenchDates = 0;

        foreach (var page in pages)
        {
            // Text node by text node: the cells of a table row are not one number.
            foreach (var text in await TextNodesAsync(page.Document))
            {
                // 1,234 or 1.234.567 (English or German thousands), 3.5 (a decimal point), 12/31/2026 (month first);
                // « WCAG 2.1 » and « critère 10.11 » are numbers of versions and criteria, not decimals.
                foreach (Match match in EnglishNumber().Matches(text))
                {
                    problems.Add($"{page.Page}: « {match.Value} » in « {Around(text, match.Index)} »");
                }

                // Thousands are grouped with a narrow no-break space (U+202F), as .NET's fr-FR writes them: never a
                // plain space, which lets a number break across lines.
                foreach (Match match in PlainSpaceGrouping().Matches(text))
                {
                    problems.Add($"{page.Page}: « {match.Value} » grouped with a breaking space, in « {Around(text, match.Index)} »");
                }

                frenchGrouping += FrenchGrouping().Count(text);
                frenchDates += FrenchDate().Count(text);
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // The territory pages show populations of thousands, the statement and the listing show dates.
        Assert.True(frenchGrouping > 0, "no number grouped the French way on any page");
        Assert.True(frenchDates > 0, "no date written the French way on any page");
    }

    [Fact]
    public async Task Every_page_carries_the_security_headers()
    {
        var pages = await site.FetchAllAsync();
        var problems = new List<string>();

        foreach (var page in pages)
        {
            var csp = page.Headers.GetValueOrDefault("Content-Security-Policy") ?? string.Empty;
            if (!csp.Contains("script-src 'self'", StringComparison.Ordinal) || csp.Contains("unsafe-inline", StringComparison.Ordinal)
                || !csp.Contains("frame-ancestors 'none'", StringComparison.Ordinal) || !csp.Contains("object-src 'none'", StringComparison.Ordinal))
            {
                problems.Add($"{page.Page}: CSP « {csp} »");
            }

            if (page.Headers.GetValueOrDefault("X-Content-Type-Options") != "nosniff")
            {
                problems.Add($"{page.Page}: no nosniff");
            }

            if (page.Headers.GetValueOrDefault("Referrer-Policy") is not { Length: > 0 })
            {
                problems.Add($"{page.Page}: no Referrer-Policy");
            }

            var type = page.Headers.GetValueOrDefault("Content-Type") ?? string.Empty;
            if (!type.StartsWith("text/html", StringComparison.Ordinal))
            {
                problems.Add($"{page.Page}: Content-Type « {type} »");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Every_page_links_to_the_accessibility_statement_with_its_conformity_status()
    {
        var pages = await site.FetchAllAsync();
        var missing = new List<string>();

        foreach (var page in pages.Where(p => !p.Page.Fragment))
        {
            var document = await ParseAsync(page.Html);
            var link = document.QuerySelectorAll("footer a[href='/accessibilite']").SingleOrDefault();
            if (link is null || !Html.Squash(link.TextContent).StartsWith("Accessibilité : non conforme", StringComparison.Ordinal))
            {
                missing.Add($"{page.Page}: « {link?.TextContent} »");
            }
        }

        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public async Task The_accessibility_statement_follows_the_RGAA_model()
    {
        var statement = (await site.FetchAllAsync()).Single(p => p.Page.Path == "/accessibilite");
        var document = await ParseAsync(statement.Html);
        var headings = document.QuerySelectorAll("h2").Select(h => h.Text()).ToList();
        var text = Html.Squash(document.QuerySelector("main")!.TextContent);

        Assert.Equal("Déclaration d'accessibilité", document.QuerySelector("h1").Text());
        Assert.Equal(
            ["État de conformité", "Résultats des tests", "Contenus non accessibles", "Établissement de cette déclaration", "Retour d'information et contact", "Voies de recours"],
            headings);
        Assert.Contains("est non conforme avec le référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1.2", text, StringComparison.Ordinal);
        Assert.Contains("ne peuvent pas être atteints au clavier", text, StringComparison.Ordinal);
        Assert.Contains("Cette déclaration a été établie le 21 novembre 2026.", text, StringComparison.Ordinal);
        Assert.Contains("Défenseur des droits", text, StringComparison.Ordinal);
        Assert.Contains("75342 Paris CEDEX 07", text, StringComparison.Ordinal);
        // No contact configured: the page says so rather than showing an address nobody reads.
        Assert.Empty(document.QuerySelectorAll("#contact ~ p a[href^='mailto:']"));
        Assert.Contains("L'adresse de contact de ce service n'est pas encore publiée", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_statement_shows_the_configured_accessibility_contact()
    {
        await using var factory = new PortalFactory(site.ConnectionString, new Dictionary<string, string?> { ["Portal:AccessibilityContact"] = "accessibilite@example.org" });
        using var client = factory.CreatePageClient();

        var (_, page) = await client.GetPageAsync("/accessibilite");

        Assert.Equal("mailto:accessibilite@example.org", page.QuerySelector("a[href^='mailto:']")?.GetAttribute("href"));
        Assert.DoesNotContain("n'est pas encore publiée", page.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
    }

    /// <summary>The notices a form may link to: the portal's, and the events' (which ends with the same sections).</summary>
    internal static readonly string[] PersonalDataNotices = ["/donnees-personnelles", "/evenements/donnees-personnelles"];

    /// <summary>QUALITY.md P7: the sections every personal-data notice names, as the headings of its sections.</summary>
    internal static readonly (string Topic, string Heading)[] NoticeSections =
    [
        ("legal basis", "Base légale"),
        ("retention", "Durée de conservation"),
        ("rights", "Vos droits"),
        ("data protection officer", "Délégué à la protection des données"),
        ("CNIL complaint", "Réclamation auprès de la CNIL"),
    ];

    [Fact]
    public async Task Every_form_collecting_personal_data_links_to_a_notice_naming_basis_retention_rights_DPO_and_CNIL()
    {
        var pages = await site.FetchAllAsync();
        var collecting = new List<string>();
        var missing = new List<string>();

        foreach (var page in pages.Where(p => !p.Page.Fragment))
        {
            var document = await ParseAsync(page.Html);
            if (!CollectsPersonalData(document))
            {
                continue;
            }

            collecting.Add(page.Page.Path);
            if (!LinksToNotice(document))
            {
                missing.Add(page.Page.ToString());
            }
        }

        Assert.True(missing.Count == 0, "forms without a link to « Données personnelles » in their page:\n" + string.Join("\n", missing));
        // The gate is worth something only if it sees the public forms that collect personal data.
        Assert.Contains(collecting, p => p.EndsWith("/c-est-ma-structure", StringComparison.Ordinal));
        Assert.Contains(collecting, p => p.EndsWith("/signaler", StringComparison.Ordinal));
        Assert.Contains(collecting, p => p.EndsWith("/inscription", StringComparison.Ordinal));
        Assert.Contains(collecting, p => p.StartsWith("/questionnaire/", StringComparison.Ordinal));

        foreach (var path in PersonalDataNotices)
        {
            var notice = pages.Single(p => p.Page.Path == path && p.Page.Form is null);
            var headings = (await ParseAsync(notice.Html)).QuerySelectorAll("main h2").Select(h => Html.Squash(h.TextContent)).ToList();
            var absent = NoticeSections.Where(s => !headings.Contains(s.Heading)).Select(s => s.Topic).ToList();
            Assert.True(absent.Count == 0, $"{path} has no section for: {string.Join(", ", absent)} (headings: {string.Join(" | ", headings)})");
        }
    }

    [Fact]
    public async Task The_personal_data_gate_sees_a_form_without_its_notice()
    {
        var withoutLink = await ParseAsync("<!DOCTYPE html><html lang=\"fr\"><head><title>t</title></head><body><main><form><input type=\"email\" name=\"Adresse\"></form></main><footer><a href=\"/donnees-personnelles\">Données personnelles</a></footer></body></html>");
        var withLink = await ParseAsync("<!DOCTYPE html><html lang=\"fr\"><head><title>t</title></head><body><main><form><input name=\"Nom\" autocomplete=\"name\"></form><p><a href=\"/donnees-personnelles\">Données personnelles</a></p></main></body></html>");
        var search = await ParseAsync("<!DOCTYPE html><html lang=\"fr\"><head><title>t</title></head><body><main><form><input type=\"search\" name=\"q\"></form></main></body></html>");

        Assert.True(CollectsPersonalData(withoutLink));
        Assert.False(LinksToNotice(withoutLink), "the footer's link does not count: the form's page must say it");
        Assert.True(CollectsPersonalData(withLink));
        Assert.True(LinksToNotice(withLink));
        Assert.False(CollectsPersonalData(search));
    }

    /// <summary>A form with a field for an address, a telephone number or a person's name.</summary>
    private static bool CollectsPersonalData(IDocument document) =>
        document.QuerySelectorAll("main form input, main form textarea").Any(field =>
            field.GetAttribute("type") is "email" or "tel"
            || field.GetAttribute("autocomplete") is "name" or "email" or "tel" or "username" or "given-name" or "family-name"
            || field.GetAttribute("name") is "Email" or "FullName" or "Phone" or "DisplayName");

    /// <summary>A link to a notice in the page's own content (the footer's link, on every page, does not count).</summary>
    private static bool LinksToNotice(IDocument document) =>
        document.QuerySelectorAll("main a[href]").Any(a => PersonalDataNotices.Contains(a.GetAttribute("href")));

    /// <summary>The text a person reads or hears: text nodes outside script and style, plus the attributes read aloud or shown.</summary>
    internal static async Task<string> VisibleTextAsync(string html)
    {
        var document = await ParseAsync(html);
        foreach (var hidden in document.QuerySelectorAll("script, style, template, noscript").ToList())
        {
            hidden.Remove();
        }

        var parts = new List<string> { document.Title ?? string.Empty, document.Body?.TextContent ?? string.Empty };
        foreach (var element in document.QuerySelectorAll("[aria-label], [title], [alt], [placeholder], input[type=submit][value], input[type=button][value]"))
        {
            foreach (var attribute in new[] { "aria-label", "title", "alt", "placeholder" })
            {
                parts.Add(element.GetAttribute(attribute) ?? string.Empty);
            }

            if (element.GetAttribute("type") is "submit" or "button")
            {
                parts.Add(element.GetAttribute("value") ?? string.Empty);
            }
        }

        return string.Join(" | ", parts.Select(p => string.Join(' ', p.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))));
    }

    /// <summary>Each visible text node, its ASCII white space collapsed (no-break spaces kept as they are).</summary>
    private static async Task<List<string>> TextNodesAsync(string html)
    {
        var document = await ParseAsync(html);
        var texts = new List<string>();
        foreach (var node in document.Body!.Descendants<IText>())
        {
            if (node.ParentElement?.Closest("script, style, template, noscript") is null && AsciiSpaces().Replace(node.Data, " ").Trim() is { Length: > 0 } text)
            {
                texts.Add(text);
            }
        }

        return texts;
    }

    private static async Task<IDocument> ParseAsync(string html) =>
        await BrowsingContext.New(Configuration.Default).OpenAsync(request => request.Content(html));

    private static string Around(string text, int index) =>
        text.Substring(Math.Max(0, index - 40), Math.Min(text.Length - Math.Max(0, index - 40), 100));

    /// <summary>Two entries of one template (a list and the same list filtered) may share a title.</summary>
    private static bool SameTemplate(string first, string second) =>
        string.Equals(first.Split(' ')[0].TrimEnd(','), second.Split(' ')[0].TrimEnd(','), StringComparison.Ordinal);

    [GeneratedRegex(@"(?<![\d.,/]|(WCAG|RGAA|critère|critères|version) )(\d{1,3}(,\d{3})+|\d{1,3}(\.\d{3}){2,}|\d+\.\d+|(0?[1-9]|1[0-2])/(1[3-9]|2\d|3[01])/\d{4})(?![\d.,/])", RegexOptions.CultureInvariant)]
    private static partial Regex EnglishNumber();

    [GeneratedRegex(@"(?<!\d ?)\d{1,3}( \d{3})+(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex PlainSpaceGrouping();

    [GeneratedRegex(@"[ \t\r\n]+", RegexOptions.CultureInvariant)]
    private static partial Regex AsciiSpaces();

    [GeneratedRegex(@"\d\u202F\d{3}", RegexOptions.CultureInvariant)]
    private static partial Regex FrenchGrouping();

    [GeneratedRegex(@"\b\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}\b", RegexOptions.CultureInvariant)]
    private static partial Regex FrenchDate();
}
