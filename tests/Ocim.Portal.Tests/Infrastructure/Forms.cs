using System.Net;
using AngleSharp.Dom;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Ocim.Portal.Data;

namespace Ocim.Portal.Tests.Infrastructure;

/// <summary>
/// Forms as a browser submits them: GET the page, take the antiforgery token from the form, POST the fields. The
/// client keeps cookies (the antiforgery cookie, the session), so one client is one visitor.
/// </summary>
public static class Forms
{
    public const string TokenField = "__RequestVerificationToken";

    /// <summary>The antiforgery token of the first form on the page at <paramref name="pageUrl"/> (or the one posting to <paramref name="action"/>).</summary>
    public static async Task<string> TokenAsync(this HttpClient client, string pageUrl, string? action = null)
    {
        var (response, page) = await client.GetPageAsync(pageUrl);
        Assert.True(response.IsSuccessStatusCode, $"GET {pageUrl} answered {(int)response.StatusCode}");
        var forms = page.QuerySelectorAll("form[method=post]");
        var form = action is null ? (forms.Length > 0 ? forms[0] : null) : forms.FirstOrDefault(f => f.GetAttribute("action") == action);
        var token = form?.QuerySelector($"input[name={TokenField}]")?.GetAttribute("value");
        Assert.False(string.IsNullOrEmpty(token), $"no antiforgery token in a form of {pageUrl}");
        return token!;
    }

    public static Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string url, IEnumerable<KeyValuePair<string, string>> fields, string? token)
    {
        var all = fields.ToList();
        if (token is not null)
        {
            all.Add(new(TokenField, token));
        }

        return client.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(all));
    }

    /// <summary>GETs <paramref name="pageUrl"/>, then POSTs its form to <paramref name="action"/> with the fields given.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(this HttpClient client, string pageUrl, string action, params (string Name, string Value)[] fields)
    {
        var token = await client.TokenAsync(pageUrl, action);
        return await client.PostFormAsync(action, fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)), token);
    }

    public static async Task<IDocument> ReadPageAsync(this HttpResponseMessage response) => await Html.ParseAsync(response);

    public static void AssertRedirect(HttpResponseMessage response, string location)
    {
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.Found,
            $"expected a redirect to {location}, got {(int)response.StatusCode}");
        Assert.Equal(location, response.Headers.Location?.OriginalString);
    }
}

/// <summary>Accounts made for a test, through the app's own UserManager (so hashing and stamps are the real ones).</summary>
public static class TestAccounts
{
    public const string Password = "une phrase de passe assez longue";

    public static async Task<PortalUser> CreateAsync(PortalFactory factory, string email, string? role, long? representedActor = null, string? regionScope = null, string? departmentScope = null)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser
        {
            DisplayName = email.Split('@')[0],
            Email = email,
            UserName = email,
            EmailConfirmed = true,
            CuratorRegionCode = regionScope,
            CuratorDepartmentCode = departmentScope,
        };
        var created = await users.CreateAsync(user, Password);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        if (role is not null)
        {
            Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        }

        if (representedActor is { } actorId)
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            db.ActorRepresentatives.Add(new ActorRepresentative { AccountId = user.Id, ActorId = actorId });
            await db.SaveChangesAsync();
        }

        return user;
    }

    /// <summary>A client signed in as <paramref name="email"/> (asserts that the sign-in worked).</summary>
    public static async Task<HttpClient> SignedInClientAsync(PortalFactory factory, string email, string password = Password)
    {
        var client = factory.CreatePageClient();
        var response = await client.SubmitAsync("/connexion", "/connexion", ("Email", email), ("Password", password));
        Forms.AssertRedirect(response, "/compte");
        return client;
    }
}
