using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Testing;
using Ocim.Portal.Data;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Quality;

/// <summary>A form and its target, added to the app by the tests only: the antiforgery token of a real form.</summary>
public sealed class AntiforgeryProbeController(IAntiforgery antiforgery) : Controller
{
    [HttpGet("/test/formulaire")]
    public IActionResult Form() => Content(antiforgery.GetAndStoreTokens(HttpContext).RequestToken!, "text/plain");

    // Checked by the app's global AutoValidateAntiforgeryToken filter, as every form of the portal is.
    [HttpPost("/test/formulaire")]
    public IActionResult Submit() => Content("reçu", "text/plain");
}

/// <summary>
/// Data Protection keys persisted in Portal:KeysDirectory: a form opened before a restart is still accepted after it,
/// and a person signed in stays signed in (the restart is a second instance of the app on the same keys); with other
/// keys, both are refused.
/// </summary>
public sealed class DataProtectionTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>, IDisposable
{
    private readonly string keys = Directory.CreateTempSubdirectory("ocim-keys-").FullName;
    private readonly string otherKeys = Directory.CreateTempSubdirectory("ocim-keys-").FullName;

    public void Dispose()
    {
        Directory.Delete(keys, recursive: true);
        Directory.Delete(otherKeys, recursive: true);
    }

    [Fact]
    public async Task A_form_opened_before_a_restart_is_accepted_after_it_and_refused_by_an_app_with_other_keys()
    {
        string token;
        string cookie;
        await using (var before = Instance(keys))
        {
            using var client = before.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri("https://localhost") });
            var form = await client.GetAsync(new Uri("/test/formulaire", UriKind.Relative));
            token = await form.Content.ReadAsStringAsync();
            Assert.True(form.IsSuccessStatusCode, string.Join("\n", before.Logs));
            cookie = Assert.Single(form.Headers.GetValues("Set-Cookie")).Split(';')[0];
        }

        Assert.NotEmpty(Directory.GetFiles(keys, "key-*.xml"));

        await using (var restarted = Instance(keys))
        {
            var response = await PostAsync(restarted, token, cookie);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("reçu", await response.Content.ReadAsStringAsync());
        }

        await using (var elsewhere = Instance(otherKeys))
        {
            var response = await PostAsync(elsewhere, token, cookie);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_person_signed_in_before_a_restart_is_still_signed_in_after_it_but_not_on_an_app_with_other_keys()
    {
        string session;
        await using (var before = Instance(keys))
        {
            await TestAccounts.CreateAsync(before, "restart@exemple.test", PortalRoles.Curator);
            using var client = before.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri("https://localhost") });
            var form = await client.GetAsync(new Uri("/connexion", UriKind.Relative));
            var token = (await Html.ParseAsync(form)).QuerySelector("form[action='/connexion'] input[name='__RequestVerificationToken']")!.GetAttribute("value")!;
            using var post = new HttpRequestMessage(HttpMethod.Post, new Uri("/connexion", UriKind.Relative))
            {
                Content = new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("Email", "restart@exemple.test"), new("Password", TestAccounts.Password)]),
            };
            post.Headers.Add("Cookie", string.Join("; ", form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));
            var signedIn = await client.SendAsync(post);
            Forms.AssertRedirect(signedIn, "/compte");
            session = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__Host-ocim=", StringComparison.Ordinal)).Split(';')[0];
        }

        await using (var restarted = Instance(keys))
        {
            var account = await GetWithCookieAsync(restarted, "/compte", session);
            Assert.Equal(HttpStatusCode.OK, account.StatusCode);
            Assert.Contains("restart@exemple.test", await account.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await using (var elsewhere = Instance(otherKeys))
        {
            var account = await GetWithCookieAsync(elsewhere, "/compte", session);
            Assert.Equal(HttpStatusCode.Redirect, account.StatusCode);
            Assert.Equal("/connexion", account.Headers.Location?.AbsolutePath);
        }
    }

    [Fact]
    public async Task A_form_posted_without_its_token_is_refused()
    {
        await using var app = Instance(keys);
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri("https://localhost") });

        var response = await client.PostAsync(new Uri("/test/formulaire", UriKind.Relative), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private PortalFactory Instance(string keysDirectory) =>
        new(database.ConnectionString, new Dictionary<string, string?> { ["Portal:KeysDirectory"] = keysDirectory });

    private static async Task<HttpResponseMessage> GetWithCookieAsync(PortalFactory app, string url, string cookie)
    {
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri("https://localhost") });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static async Task<HttpResponseMessage> PostAsync(PortalFactory app, string token, string cookie)
    {
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri("https://localhost") });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/test/formulaire", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]),
        };
        request.Headers.Add("Cookie", cookie);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
