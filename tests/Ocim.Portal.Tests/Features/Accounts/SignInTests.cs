using System.Net;
using Dapper;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Ocim.Portal.Data;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Accounts;

/// <summary>Sign-in, lockout, rate limit, passphrases, hashing and sessions (QUALITY S9, S10, S11).</summary>
public sealed class SignInTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly Dictionary<string, string?> CheckStampEveryRequest = new() { ["Portal:Accounts:StampCheckMinutes"] = "0" };

    [Fact]
    public async Task The_right_passphrase_opens_the_account_page_with_a_Host_cookie_that_is_Secure_HttpOnly_and_SameSite()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await TestAccounts.CreateAsync(factory, "alice@exemple.test", PortalRoles.Curator);
        using var client = factory.CreatePageClient();

        var response = await client.SubmitAsync("/connexion", "/connexion", ("Email", "ALICE@exemple.test"), ("Password", TestAccounts.Password));

        Forms.AssertRedirect(response, "/compte");
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-ocim=", StringComparison.Ordinal));
        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", cookie, StringComparison.OrdinalIgnoreCase);

        var (page, document) = await client.GetPageAsync("/compte");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("alice@exemple.test", document.QuerySelector("main").Text(), StringComparison.Ordinal);
        Assert.True(page.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_address_get_the_same_French_answer()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await TestAccounts.CreateAsync(factory, "bob@exemple.test", PortalRoles.Representative);
        using var client = factory.CreatePageClient();

        var wrong = await client.SubmitAsync("/connexion", "/connexion", ("Email", "bob@exemple.test"), ("Password", "pas le bon mot de passe du tout"));
        var unknown = await client.SubmitAsync("/connexion", "/connexion", ("Email", "personne@exemple.test"), ("Password", "pas le bon mot de passe du tout"));

        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        var wrongSummary = (await wrong.ReadPageAsync()).QuerySelector(".error-summary").Text();
        var unknownSummary = (await unknown.ReadPageAsync()).QuerySelector(".error-summary").Text();
        Assert.Equal(wrongSummary, unknownSummary);
        Assert.Contains("mot de passe incorrect", wrongSummary, StringComparison.Ordinal);
        Assert.False(wrong.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("__Host-ocim=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_sixth_attempt_after_five_failures_is_refused_even_with_the_right_password()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        var user = await TestAccounts.CreateAsync(factory, "carole@exemple.test", PortalRoles.Curator);
        using var client = factory.CreatePageClient();

        for (var i = 0; i < 5; i++)
        {
            var failed = await client.SubmitAsync("/connexion", "/connexion", ("Email", "carole@exemple.test"), ("Password", $"mauvaise phrase numéro {i}"));
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        }

        var right = await client.SubmitAsync("/connexion", "/connexion", ("Email", "carole@exemple.test"), ("Password", TestAccounts.Password));

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("verrouillé", (await right.ReadPageAsync()).QuerySelector(".error-summary").Text(), StringComparison.Ordinal);
        await using var connection = await database.OpenAsync();
        var lockoutEnd = await connection.ExecuteScalarAsync<DateTime?>("select lockout_end from account where id = @id", new { id = user.Id });
        Assert.NotNull(lockoutEnd);
        Assert.True(lockoutEnd > DateTime.UtcNow.AddMinutes(14));
        Assert.Contains(factory.Logs, l => l.Contains($"Account {user.Id} locked out", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sign_in_attempts_past_the_limit_get_a_French_429_with_Retry_After()
    {
        await using var factory = new PortalFactory(database.ConnectionString, new Dictionary<string, string?> { ["Portal:RateLimits:connexion:PerMinute"] = "3" });
        using var client = factory.CreatePageClient();
        var token = await client.TokenAsync("/connexion");
        var fields = new Dictionary<string, string> { ["Email"] = "x@exemple.test", ["Password"] = "quinze caractères au moins" };

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 4; i++)
        {
            var response = await client.PostFormAsync("/connexion", fields, token);
            statuses.Add(response.StatusCode);
            refused = response;
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(int.Parse(refused!.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
        Assert.Equal("Trop de requêtes", (await refused.ReadPageAsync()).QuerySelector("h1").Text());
        // Reading pages is not limited.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/connexion", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("Password123!", false)]
    [InlineData("court", false)]
    [InlineData("motdepasse motdepasse", false)]
    [InlineData("aaaaaaaaaaaaaaaaaaaa", false)]
    [InlineData("dana@exemple.test et encore", false)]
    [InlineData("ornithorynquebleu", true)]
    [InlineData("le héron pêche au bord de l'étang", true)]
    public async Task Passphrases_need_length_not_composition_and_not_a_well_known_one(string password, bool accepted)
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var email = $"dana{Guid.NewGuid():N}@exemple.test".Replace("dana", "dana", StringComparison.Ordinal);
        var user = new PortalUser { DisplayName = "Dana", Email = email, UserName = email };
        if (password.Contains("dana@exemple.test", StringComparison.Ordinal))
        {
            password = password.Replace("dana@exemple.test", email, StringComparison.Ordinal);
        }

        var result = await users.CreateAsync(user, password);

        Assert.Equal(accepted, result.Succeeded);
        foreach (var error in result.Errors)
        {
            Assert.DoesNotContain("Passwords", error.Description, StringComparison.Ordinal);
            Assert.Matches("[éèàù]|mot de passe", error.Description);
        }
    }

    [Fact]
    public async Task A_64_character_password_is_accepted_and_stored_with_at_least_210000_PBKDF2_iterations()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { DisplayName = "Eve", Email = "eve@exemple.test", UserName = "eve@exemple.test" };
        var password = string.Concat(Enumerable.Repeat("Zèbre-7 ", 8));

        Assert.True((await users.CreateAsync(user, password)).Succeeded);

        await using var connection = await database.OpenAsync();
        var hash = Convert.FromBase64String(await connection.ExecuteScalarAsync<string>("select password_hash from account where id = @id", new { id = user.Id }) ?? "");
        Assert.Equal(0x01, hash[0]); // Identity V3 format: PBKDF2
        Assert.Equal(2u, ReadUInt32(hash, 1)); // HMAC-SHA512
        Assert.True(ReadUInt32(hash, 5) >= 210_000, $"iterations: {ReadUInt32(hash, 5)}");
    }

    [Fact]
    public async Task A_return_address_outside_the_portal_is_ignored()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await TestAccounts.CreateAsync(factory, "fred@exemple.test", PortalRoles.Curator);
        using var client = factory.CreatePageClient();

        var response = await client.SubmitAsync("/connexion?retour=https%3A%2F%2Fevil.example%2F", "/connexion",
            ("Email", "fred@exemple.test"), ("Password", TestAccounts.Password), ("Retour", "//evil.example/"));

        Forms.AssertRedirect(response, "/compte");
    }

    [Fact]
    public async Task A_cookie_replayed_after_sign_out_no_longer_opens_the_account()
    {
        await using var factory = new PortalFactory(database.ConnectionString, CheckStampEveryRequest);
        await TestAccounts.CreateAsync(factory, "gina@exemple.test", PortalRoles.Representative);
        using var client = factory.CreatePageClient();
        var signIn = await client.SubmitAsync("/connexion", "/connexion", ("Email", "gina@exemple.test"), ("Password", TestAccounts.Password));
        var cookie = SessionCookie(signIn);

        var signOut = await client.SubmitAsync("/compte", "/deconnexion");
        Forms.AssertRedirect(signOut, "/");

        using var thief = factory.CreatePageClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/compte");
        request.Headers.Add("Cookie", cookie);
        var replay = await thief.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, replay.StatusCode);
        Assert.StartsWith("https://localhost/connexion?retour=", replay.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_the_password_ends_the_other_sessions_and_keeps_this_one()
    {
        await using var factory = new PortalFactory(database.ConnectionString, CheckStampEveryRequest);
        await TestAccounts.CreateAsync(factory, "hugo@exemple.test", PortalRoles.Curator);
        using var laptop = await TestAccounts.SignedInClientAsync(factory, "hugo@exemple.test");
        using var phone = await TestAccounts.SignedInClientAsync(factory, "hugo@exemple.test");

        var mismatch = await laptop.SubmitAsync("/compte", "/compte/mot-de-passe",
            ("Current", TestAccounts.Password), ("New", "une toute nouvelle phrase"), ("Confirm", "une autre phrase encore"));
        Assert.Equal(HttpStatusCode.OK, mismatch.StatusCode);
        Assert.Contains("diffèrent", (await mismatch.ReadPageAsync()).QuerySelector(".error-summary").Text(), StringComparison.Ordinal);

        var changed = await laptop.SubmitAsync("/compte", "/compte/mot-de-passe",
            ("Current", TestAccounts.Password), ("New", "une toute nouvelle phrase"), ("Confirm", "une toute nouvelle phrase"));
        Forms.AssertRedirect(changed, "/compte");

        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync(new Uri("/compte", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.GetAsync(new Uri("/compte", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_session_ends_after_30_idle_minutes_and_after_12_hours_even_when_used()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var factory = new PortalFactory(database.ConnectionString) { TestServices = services => services.AddSingleton<TimeProvider>(clock) };
        await TestAccounts.CreateAsync(factory, "ines@exemple.test", PortalRoles.Curator);

        using var idle = await TestAccounts.SignedInClientAsync(factory, "ines@exemple.test");
        clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(HttpStatusCode.Redirect, (await idle.GetAsync(new Uri("/gestion", UriKind.Relative))).StatusCode);

        using var busy = await TestAccounts.SignedInClientAsync(factory, "ines@exemple.test");
        var elapsed = TimeSpan.Zero;
        while (elapsed < TimeSpan.FromHours(11.5))
        {
            clock.Advance(TimeSpan.FromMinutes(20));
            elapsed += TimeSpan.FromMinutes(20);
            Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync(new Uri("/gestion", UriKind.Relative))).StatusCode);
        }

        clock.Advance(TimeSpan.FromMinutes(40));
        Assert.Equal(HttpStatusCode.Redirect, (await busy.GetAsync(new Uri("/gestion", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Staff_pages_send_anonymous_visitors_to_sign_in_and_refuse_representatives_in_French()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await TestAccounts.CreateAsync(factory, "jade@exemple.test", PortalRoles.Representative);
        using var anonymous = factory.CreatePageClient();
        using var representative = await TestAccounts.SignedInClientAsync(factory, "jade@exemple.test");

        var redirected = await anonymous.GetAsync(new Uri("/gestion", UriKind.Relative));
        var (refused, page) = await representative.GetPageAsync("/gestion");

        Assert.Equal("https://localhost/connexion?retour=%2Fgestion", redirected.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("Accès refusé", page.QuerySelector("h1").Text());
    }

    private static string SessionCookie(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__Host-ocim=", StringComparison.Ordinal)).Split(';')[0];

    private static uint ReadUInt32(byte[] bytes, int offset) =>
        (uint)(bytes[offset] << 24 | bytes[offset + 1] << 16 | bytes[offset + 2] << 8 | bytes[offset + 3]);
}
