using System.Net;
using AngleSharp.Dom;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Events;

/// <summary>
/// One visitor with their own cookies: opens the registration form (antiforgery cookie and token, the form's key),
/// then posts it, as a browser would.
/// </summary>
public sealed class Visitor(HttpClient client) : IDisposable
{
    private Dictionary<string, string> fields = new(StringComparer.Ordinal);
    private string action = string.Empty;

    public HttpClient Client { get; } = client;

    public string Key => fields["Key"];

    public async Task OpenFormAsync(string slug, long? session = null)
    {
        var (response, page) = await Client.GetPageAsync($"/evenements/{slug}/inscription" + (session is null ? string.Empty : $"?seance={session}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var form = page.QuerySelector("form.registration-form") ?? throw new InvalidOperationException("No registration form on the page:\n" + page.Body?.TextContent);
        action = form.GetAttribute("action")!;
        fields = form.QuerySelectorAll<IElement>("input[type=hidden]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? string.Empty, StringComparer.Ordinal);
        var chosen = form.QuerySelector("input[name=Session][checked]") ?? form.QuerySelector("input[name=Session]");
        fields["Session"] = session?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? chosen!.GetAttribute("value")!;
    }

    public Task<HttpResponseMessage> SubmitAsync(string fullName, string email, bool consent = true, string? website = null, string? organisation = null)
    {
        var values = new Dictionary<string, string>(fields, StringComparer.Ordinal)
        {
            ["FullName"] = fullName,
            ["Email"] = email,
            ["Organisation"] = organisation ?? string.Empty,
            ["Role"] = "Médiatrice",
            ["AccessibilityNeeds"] = string.Empty,
            ["Website"] = website ?? string.Empty,
        };
        if (consent)
        {
            values["Consent"] = "true";
        }

        return Client.PostAsync(new Uri(action, UriKind.Relative), new FormUrlEncodedContent(values));
    }

    public void Dispose() => Client.Dispose();
}
