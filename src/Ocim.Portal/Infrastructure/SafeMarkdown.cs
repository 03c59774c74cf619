using Ganss.Xss;
using Markdig;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Ocim.Portal.Infrastructure;

/// <summary>
/// Markdown written by actors and staff (descriptions, event pages), rendered to HTML that is safe to emit with
/// <c>Html.Raw</c>: raw HTML is escaped (Markdig's <c>DisableHtml</c>), and, because Markdig still writes
/// <c>javascript:</c> and <c>data:</c> destinations as live links (measured, see QUALITY.md), every link and image is
/// checked on the syntax tree before rendering: only http, https and mailto destinations survive. The rendered HTML then
/// goes through HtmlSanitizer under an allow-list of the elements and attributes Markdown produces, so that a slip of
/// the tree walk (an autolink before a refused link once kept its javascript: destination) cannot reach the page.
/// </summary>
public static class SafeMarkdown
{
    private static readonly string[] AllowedPrefixes = ["http://", "https://", "mailto:"];

    // Thread-safe once configured (it keeps no state between calls): one instance for the whole process.
    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    // Immutable and thread-safe once built: one pipeline for the whole process.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseAutoLinks()
        .Build();

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "rel", "start" },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href" },
            AllowedCssProperties = new HashSet<string>(),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
            AllowedClasses = new HashSet<string>(),
        });

        // HtmlSanitizer keeps relative URLs; a description has no business linking inside the portal (IsAllowedUrl).
        sanitizer.FilterUrl += (_, e) =>
        {
            if (!IsAllowedUrl(e.OriginalUrl))
            {
                e.SanitizedUrl = null;
            }
        };
        return sanitizer;
    }

    /// <summary>
    /// Renders Markdown to HTML. <paramref name="topHeadingLevel"/> is the level a "# Titre" of the text becomes, so
    /// that a description under the page's h2 does not break the page's heading outline.
    /// </summary>
    public static string ToHtml(string? markdown, int topHeadingLevel = 3)
    {
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return string.Empty;
        }

        var document = Markdown.Parse(markdown, Pipeline);
        Neutralise(document, Math.Clamp(topHeadingLevel, 1, 6));
        return Clean(Markdown.ToHtml(document, Pipeline));
    }

    /// <summary>
    /// The allow-list pass over rendered HTML: Markdown's elements only, no style, no class, no event handler, and
    /// href only with an http, https or mailto scheme (a refused destination loses its href, the words stay).
    /// </summary>
    internal static string Clean(string html) => Sanitizer.Sanitize(html);

    /// <summary>
    /// Whether a destination may be rendered as a link. The check runs on the URL as a browser would read it:
    /// the WHATWG URL parser drops tabs and line breaks anywhere and control characters and spaces at the ends, so
    /// "java&#9;script:" is "javascript:". Relative URLs are refused too: a description has no business linking
    /// inside the portal, and refusing them leaves no room for scheme tricks.
    /// </summary>
    public static bool IsAllowedUrl(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return false;
        }

        var compact = new string(url.Where(c => c > ' ' && c != '\u007F').ToArray());
        return AllowedPrefixes.Any(prefix => compact.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            && compact.Length > compact.IndexOf(':', StringComparison.Ordinal) + 1;
    }

    private static void Neutralise(MarkdownDocument document, int topHeadingLevel)
    {
        foreach (var heading in document.Descendants<HeadingBlock>())
        {
            heading.Level = Math.Min(6, heading.Level + topHeadingLevel - 1);
        }

        // Both lists materialised before any edit: unwrapping a link once hid an autolink before it from a later walk.
        var links = document.Descendants<LinkInline>().ToList();
        var autolinks = document.Descendants<AutolinkInline>().ToList();
        foreach (var link in links)
        {
            var url = link.GetDynamicUrl?.Invoke() ?? link.Url;
            link.GetDynamicUrl = null;
            if (!IsAllowedUrl(url))
            {
                Unwrap(link);
                continue;
            }

            link.Url = url;
            if (link.IsImage)
            {
                // An image would be fetched from a third party when the page opens (privacy, and the CSP allows
                // images from this site only): it becomes a link to the image, labelled with its text.
                link.IsImage = false;
                if (link.FirstChild is null)
                {
                    link.AppendChild(new LiteralInline(url!));
                }
            }

            link.GetAttributes().AddPropertyIfNotExist("rel", "nofollow noopener");
        }

        foreach (var autolink in autolinks)
        {
            if (autolink.IsEmail ? !IsAllowedUrl("mailto:" + autolink.Url) : !IsAllowedUrl(autolink.Url))
            {
                autolink.ReplaceBy(new LiteralInline(autolink.Url));
                continue;
            }

            autolink.GetAttributes().AddPropertyIfNotExist("rel", "nofollow noopener");
        }
    }

    /// <summary>Replaces a link (or image) by its text: the words stay, the destination goes.</summary>
    private static void Unwrap(LinkInline link)
    {
        var child = link.FirstChild;
        while (child is not null)
        {
            var next = child.NextSibling;
            child.Remove();
            link.InsertBefore(child);
            child = next;
        }

        link.Remove();
    }
}
