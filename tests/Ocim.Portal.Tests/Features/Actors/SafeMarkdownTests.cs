using AngleSharp;
using AngleSharp.Dom;
using Ocim.Portal.Infrastructure;

namespace Ocim.Portal.Tests.Features.Actors;

public sealed class SafeMarkdownTests
{
    public static TheoryData<string> Payloads => new()
    {
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "\"><img src=x onerror=alert(1)>",
        "<svg onload=alert(1)><circle r=1 /></svg>",
        "<a href=\"javascript:alert(1)\">raw</a>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x]( javascript:alert(1) )",
        "[x](<java\tscript:alert(1)>)",
        "[x](&#106;avascript:alert(1))",
        "[x](javascript&#58;alert(1))",
        "[y](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[v](vbscript:msgbox(1))",
        "[f](file:///etc/passwd)",
        "![z](javascript:alert(1))",
        "![z](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "[r][1]\n\n[1]: javascript:alert(1)",
        "<javascript:alert(1)>",
        "[rel](/acteurs/1)",
        "[proto](//evil.example/x)",
        "[t](https://example.org \"\" onmouseover=\"alert(1))",
        "`<script>alert(1)</script>`",
        "    <script>alert(1)</script>",

        // An autolink followed by a refused link kept its javascript: destination (issue 15), and its neighbours.
        "A <javascript:alert(1)> [c](javascript:x)",
        "<JaVaScRiPt:alert(1)> [c](javascript:x)",
        "<javascript&#58;alert(1)> [c](vbscript:x)",
        "<java&#x73;cript:alert(1)> et <https://example.org>",
        "<data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==> [d](data:x)",
        "<vbscript:msgbox(1)> [v](VBScript:x)",
        "[w](<java\nscript:alert(1)>) <\tjavascript:alert(1)>",
        "[e](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))",
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task Renders_no_script_no_event_handler_and_no_dangerous_url(string markdown)
    {
        var html = SafeMarkdown.ToHtml("Texte avant.\n\n" + markdown + "\n\nTexte après.");
        var body = await ParseAsync(html);

        Assert.Empty(body.QuerySelectorAll("script, iframe, object, embed, svg, img, style, form"));
        Assert.All(body.QuerySelectorAll("*").SelectMany(e => e.Attributes), attribute =>
            Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"{attribute.Name} in {html}"));
        Assert.All(body.QuerySelectorAll("[href], [src]"), element =>
        {
            var url = element.GetAttribute("href") ?? element.GetAttribute("src")!;
            Assert.True(
                url.StartsWith("http://", StringComparison.Ordinal) || url.StartsWith("https://", StringComparison.Ordinal) || url.StartsWith("mailto:", StringComparison.Ordinal),
                $"{url} in {html}");
        });
        Assert.Contains("Texte après.", body.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<a href=\"JaVaScRiPt:alert(1)\">x</a>")]
    [InlineData("<a href=\"java&#9;script:alert(1)\">x</a>")]
    [InlineData("<a href=\" &#106;avascript:alert(1)\">x</a>")]
    [InlineData("<a href=\"data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;\">x</a>")]
    [InlineData("<a href=\"vbscript:msgbox(1)\">x</a>")]
    [InlineData("<a href=\"/gestion\">x</a>")]
    [InlineData("<a href=\"https://example.org\" onclick=\"alert(1)\" style=\"color:red\" class=\"x\">x</a>")]
    [InlineData("<p><img src=x onerror=alert(1)><script>alert(1)</script><iframe src=\"https://example.org\"></iframe>x</p>")]
    public async Task The_allow_list_pass_cleans_html_that_the_markdown_step_let_through(string html)
    {
        // The second line of defence on its own: HTML as a faulty Markdown step could have written it.
        var cleaned = SafeMarkdown.Clean(html);
        var body = await ParseAsync(cleaned);

        Assert.Empty(body.QuerySelectorAll("script, iframe, img, [style], [class]"));
        Assert.All(body.QuerySelectorAll("*").SelectMany(e => e.Attributes), attribute =>
            Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"{attribute.Name} in {cleaned}"));
        Assert.All(body.QuerySelectorAll("[href]"), a => Assert.StartsWith("https://", a.GetAttribute("href"), StringComparison.Ordinal));
        Assert.Contains("x", body.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Raw_html_is_shown_as_text()
    {
        var html = SafeMarkdown.ToHtml("<script>alert(1)</script> et <img src=x onerror=alert(1)>");

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_link_keeps_its_words_and_loses_its_destination()
    {
        var body = await ParseAsync(SafeMarkdown.ToHtml("Voir [notre *site*](javascript:alert(1)) ici."));

        Assert.Empty(body.QuerySelectorAll("a"));
        Assert.Equal("Voir notre site ici.", body.TextContent.Trim());
        Assert.NotNull(body.QuerySelector("em"));
    }

    [Fact]
    public async Task Http_https_and_mailto_links_survive_with_nofollow_noopener()
    {
        var body = await ParseAsync(SafeMarkdown.ToHtml(
            "[site](https://example.org/a?b=1&c=2), [vieux](http://example.org), [écrire](mailto:contact@example.org), " +
            "<https://example.net>, https://example.com/nu et <contact@example.fr>"));

        var links = body.QuerySelectorAll("a").ToList();
        Assert.Equal(
            ["https://example.org/a?b=1&c=2", "http://example.org", "mailto:contact@example.org", "https://example.net", "https://example.com/nu", "mailto:contact@example.fr"],
            links.Select(a => a.GetAttribute("href")).ToList());
        Assert.All(links, a => Assert.Equal("nofollow noopener", a.GetAttribute("rel")));
    }

    [Fact]
    public async Task An_image_becomes_a_link_to_it_so_that_nothing_loads_from_elsewhere()
    {
        var body = await ParseAsync(SafeMarkdown.ToHtml("![La façade](https://example.org/facade.jpg)"));

        Assert.Empty(body.QuerySelectorAll("img"));
        var link = Assert.Single(body.QuerySelectorAll("a"));
        Assert.Equal("https://example.org/facade.jpg", link.GetAttribute("href"));
        Assert.Equal("La façade", link.TextContent);
    }

    [Fact]
    public async Task Headings_start_below_the_page_headings()
    {
        var body = await ParseAsync(SafeMarkdown.ToHtml("# Titre\n\n## Sous-titre\n\n###### Petit"));

        Assert.Equal(["H3", "H4", "H6"], body.QuerySelectorAll("h1, h2, h3, h4, h5, h6").Select(h => h.TagName).ToList());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Nothing_renders_to_nothing(string? markdown) => Assert.Equal(string.Empty, SafeMarkdown.ToHtml(markdown));

    private static async Task<IElement> ParseAsync(string html)
    {
        var context = BrowsingContext.New(Configuration.Default);
        var document = await context.OpenAsync(request => request.Content("<!DOCTYPE html><html><body>" + html + "</body></html>"));
        return document.Body!;
    }
}
