using AngleSharp.Html.Dom;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Listings;

/// <summary>The listing form as a browser would post it: every field of the page's form, with some changed.</summary>
public static class ListingForms
{
    /// <summary>The fields of the form posting to <paramref name="action"/> on <paramref name="pageUrl"/>, as a browser sends them.</summary>
    public static async Task<List<KeyValuePair<string, string>>> FieldsAsync(HttpClient client, string pageUrl, string action)
    {
        var (response, page) = await client.GetPageAsync(pageUrl);
        Assert.True(response.IsSuccessStatusCode, $"GET {pageUrl} answered {(int)response.StatusCode}");
        var form = page.QuerySelectorAll("form[method=post]").First(f => f.GetAttribute("action") == action);
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var element in form.QuerySelectorAll("input, textarea, select"))
        {
            var name = element.GetAttribute("name");
            if (name is null)
            {
                continue;
            }

            var type = element.GetAttribute("type");
            if (type is "checkbox" or "radio" && !element.HasAttribute("checked"))
            {
                continue;
            }

            fields.Add(new(name, element is IHtmlTextAreaElement area ? area.Value : element.GetAttribute("value") ?? string.Empty));
        }

        return fields;
    }

    public static List<KeyValuePair<string, string>> With(this List<KeyValuePair<string, string>> fields, params (string Name, string Value)[] changes)
    {
        var result = fields.Where(f => !changes.Any(c => c.Name == f.Key)).ToList();
        result.AddRange(changes.Select(c => new KeyValuePair<string, string>(c.Name, c.Value)));
        return result;
    }

    /// <summary>Opens the listing form of <paramref name="actorId"/>, changes some fields and posts it.</summary>
    public static async Task<HttpResponseMessage> ProposeAsync(HttpClient client, long actorId, params (string Name, string Value)[] changes)
    {
        var url = $"/compte/fiches/{actorId}/modifier";
        var fields = await FieldsAsync(client, url, url);
        return await client.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(fields.With(changes)));
    }
}
