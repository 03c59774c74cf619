using AngleSharp;
using AngleSharp.Dom;

namespace Ocim.Portal.Tests.Infrastructure;

/// <summary>Reads pages the way a browser would, with AngleSharp, rather than with regular expressions.</summary>
public static class Html
{
    public static async Task<IDocument> ParseAsync(HttpResponseMessage response)
    {
        var content = await response.Content.ReadAsStringAsync();
        var context = BrowsingContext.New(Configuration.Default);
        return await context.OpenAsync(request => request.Content(content).Address(response.RequestMessage?.RequestUri?.ToString() ?? "http://localhost/"));
    }

    public static async Task<IDocument> ParseAsync(string content)
    {
        var context = BrowsingContext.New(Configuration.Default);
        return await context.OpenAsync(request => request.Content(content).Address("http://localhost/"));
    }

    public static async Task<(HttpResponseMessage Response, IDocument Document)> GetPageAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        return (response, await ParseAsync(response));
    }

    public static string Text(this IElement? element) => element?.TextContent.Trim() ?? string.Empty;

    /// <summary>Collapses runs of white space (including the narrow no-break space of French numbers) to one space.</summary>
    public static string Squash(string text) =>
        string.Join(' ', text.Replace('\u202F', ' ').Replace('\u00A0', ' ').Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
