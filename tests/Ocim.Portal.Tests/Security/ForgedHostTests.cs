using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Npgsql;
using Ocim.Portal.Data;
using Ocim.Portal.Features.Actors;
using Ocim.Portal.Features.MyData;
using Ocim.Portal.Tests.Features.Events;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Security;

/// <summary>
/// Issue 15, Host header poisoning: every absolute link comes from Portal:PublicUrl (https://localhost in the tests).
/// A request for a foreign host is refused before it can mail anything; a request for a host the portal does answer
/// (a loopback name, another port) still gets links to the public address: mails, canonical links, JSON-LD,
/// calendar UIDs and URLs, exports, invitations, campaign links.
/// </summary>
public sealed partial class ForgedHostTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private const string Public = "https://localhost";
    private readonly string suffix = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_request_for_a_foreign_host_gets_the_French_400_and_mails_nothing()
    {
        await using var factory = new PortalFactory(database.ConnectionString, new Dictionary<string, string?> { ["Mail:Outbox:Enabled"] = "false" });
        await using var connection = await database.OpenAsync();
        var email = $"victime-{suffix}@exemple.test";
        await RegisterAsync(connection, email);

        // The antiforgery token is fetched honestly; only the POST names another host, as the attack does.
        var cookies = new CookieContainerHandler();
        using var honest = factory.CreateDefaultClient(new Uri(Public), cookies);
        var token = await honest.TokenAsync("/mes-donnees");
        using var forged = factory.CreateDefaultClient(new Uri(Public), new CookieContainerHandler(cookies.Container), new HostRewriter("evil.example"));
        using var response = await forged.PostFormAsync("/mes-donnees", [new("Email", email)], token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Requête incorrecte", (await response.ReadPageAsync()).QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from outbox_message where lower(recipient) = lower(@email)", new { email }));
        Assert.Contains(factory.Logs, line => line.Contains("Refused a request for host evil.example", StringComparison.Ordinal));

        // The control: the same form for the portal's own host sends the link, to the public address.
        using var sent = await honest.PostFormAsync("/mes-donnees", [new("Email", email)], token);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.StartsWith(Public + "/mes-donnees/", LinkIn(await MailBodyAsync(connection, email, RequestMyDataLink.MailKind)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Links_name_the_public_address_whatever_host_the_request_named()
    {
        await using var factory = new PortalFactory(database.ConnectionString, new Dictionary<string, string?> { ["Mail:Outbox:Enabled"] = "false" });
        await using var connection = await database.OpenAsync();

        // 127.0.0.1 on another port: a host the portal answers for (loopback), but not its public address.
        var cookies = new CookieContainerHandler();
        using var client = factory.CreateDefaultClient(new Uri(Public), cookies, new HostRewriter("127.0.0.1:8443"));

        // « Mes données »: the mailed link.
        var email = $"camille-{suffix}@exemple.test";
        var (slug, _) = await RegisterAsync(connection, email);
        Assert.Equal(HttpStatusCode.OK, (await client.SubmitAsync("/mes-donnees", "/mes-donnees", ("Email", email))).StatusCode);
        Assert.StartsWith(Public + "/mes-donnees/", LinkIn(await MailBodyAsync(connection, email, RequestMyDataLink.MailKind)), StringComparison.Ordinal);

        // An event: canonical link, JSON-LD, and its calendar's UID and URL.
        var (_, eventPage) = await client.GetPageAsync("/evenements/" + slug);
        Assert.Equal($"{Public}/evenements/{slug}", eventPage.QuerySelector("link[rel=canonical]")!.GetAttribute("href"));
        Assert.Contains($"\"{Public}/evenements/{slug}\"", eventPage.QuerySelector("script[type='application/ld+json']")!.TextContent, StringComparison.Ordinal);
        var ics = await client.GetStringAsync(new Uri($"/evenements/{slug}.ics", UriKind.Relative));
        Assert.Matches(@"UID:session-\d+@localhost\r\n", ics);
        Assert.Contains($"URL:{Public}/evenements/{slug}", ics, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", ics, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", await client.GetStringAsync(new Uri("/evenements.ics", UriKind.Relative)), StringComparison.Ordinal);

        // A listing: canonical link; the exports of its family.
        var family = "liens-" + suffix;
        await connection.ExecuteAsync("insert into actor_family (slug, name, default_circle, sort_order) values (@family, @name, 1, 999)", new { family, name = "Famille " + suffix });
        var actor = await ActorRows.InsertAsync(connection, "Musée des liens " + suffix, 1, family, 5.0415, 47.322, "21231");
        await connection.ExecuteAsync("update actor set email = @email where id = @actor", new { email = $"musee-{suffix}@exemple.test", actor });
        var href = ActorLinks.Href(actor, "Musée des liens " + suffix);
        var (_, actorPage) = await client.GetPageAsync(href);
        Assert.Equal(Public + href, actorPage.QuerySelector("link[rel=canonical]")!.GetAttribute("href"));
        var csv = await client.GetStringAsync(new Uri("/acteurs.csv?famille=" + family, UriKind.Relative));
        Assert.Contains(Public + href, csv, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", csv, StringComparison.Ordinal);
        var geojson = await client.GetStringAsync(new Uri("/acteurs.geojson?famille=" + family, UriKind.Relative));
        Assert.Contains(Public + "/acteurs/", geojson, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", geojson, StringComparison.Ordinal);

        // A curator's invitation of the listing's contact, and a survey campaign's personal links.
        var curator = $"curatrice-{suffix}@exemple.test";
        await TestAccounts.CreateAsync(factory, curator, PortalRoles.Curator);
        Forms.AssertRedirect(await client.SubmitAsync("/connexion", "/connexion", ("Email", curator), ("Password", TestAccounts.Password)), "/compte");
        var invite = $"/gestion/acteurs/{actor}/inviter";
        Forms.AssertRedirect(await client.SubmitAsync(invite, invite, ("Email", $"contact-{suffix}@exemple.test")), invite);
        Assert.StartsWith(Public + "/invitation/", LinkIn(await MailBodyAsync(connection, $"contact-{suffix}@exemple.test", "invitation")), StringComparison.Ordinal);

        var today = DateTime.UtcNow.Date;
        var created = await client.SubmitAsync("/gestion/campagnes", "/gestion/campagnes",
            ("Title", "Enquête des liens " + suffix), ("Year", "2025"), ("Population", "/acteurs?famille=" + family),
            ("OpensOn", today.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("ClosesOn", today.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var campaign = created.Headers.Location!.OriginalString.Split('/').Last();
        Forms.AssertRedirect(await client.SubmitAsync("/gestion/campagnes/" + campaign, $"/gestion/campagnes/{campaign}/invitations"), "/gestion/campagnes/" + campaign);
        Assert.StartsWith(Public + "/questionnaire/", LinkIn(await MailBodyAsync(connection, $"musee-{suffix}@exemple.test", "campaign-invitation")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_without_a_public_address_refuses_to_start_with_a_clear_message()
    {
        await using var factory = new PortalFactory(database.ConnectionString, new Dictionary<string, string?> { ["Portal:PublicUrl"] = "" });

        var failure = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());
        Assert.Contains("Portal:PublicUrl is not set", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Portal__PublicUrl", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://portail.example/chemin")]
    [InlineData("ftp://portail.example")]
    [InlineData("https://moi:secret@portail.example")]
    [InlineData("portail.example")]
    public async Task A_public_address_that_is_not_a_bare_http_origin_is_refused_at_startup(string address)
    {
        await using var factory = new PortalFactory(database.ConnectionString, new Dictionary<string, string?> { ["Portal:PublicUrl"] = address });

        var failure = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());
        Assert.Contains("Portal:PublicUrl", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>An upcoming event with one session and <paramref name="email"/> confirmed on it (so that « Mes données » has data).</summary>
    private async Task<(string Slug, long Session)> RegisterAsync(NpgsqlConnection connection, string email)
    {
        var slug = "liens-" + suffix;
        if (await connection.ExecuteScalarAsync<long?>("select s.id from event_session s join event e on e.id = s.event_id where e.slug = @slug", new { slug }) is not { } session)
        {
            var (_, sessions) = await EventRows.InsertAsync(connection, slug, 10, [DateTimeOffset.UtcNow.AddDays(20)], title: "Atelier des liens " + suffix);
            session = sessions[0];
        }

        await connection.ExecuteAsync("""
            insert into registration (session_id, status, full_name, email, consent_at, idempotency_key, cancel_token_hash, created_at, confirmed_at)
            values (@session, 'confirmed', 'Camille Liens', @email, now(), @key, @hash, now(), now())
            """, new { session, email, key = Guid.NewGuid(), hash = Ocim.Portal.Features.Events.RegistrationTokens.Hash(Ocim.Portal.Features.Events.RegistrationTokens.NewToken()) });
        return (slug, session);
    }

    private static async Task<string> MailBodyAsync(NpgsqlConnection connection, string recipient, string kind) =>
        await connection.QuerySingleAsync<string>(
            "select body from outbox_message where kind = @kind and lower(recipient) = lower(@recipient) order by id desc limit 1", new { kind, recipient });

    private static string LinkIn(string body) => Url().Match(body) is { Success: true } match ? match.Value : throw new Xunit.Sdk.XunitException("no link in:\n" + body);

    [GeneratedRegex(@"https?://\S+/(mes-donnees|invitation|questionnaire)/[A-Za-z0-9_-]+")]
    private static partial Regex Url();

    /// <summary>Sends each request to another host than the one the cookies were set for: what a forged Host header does.</summary>
    private sealed class HostRewriter(string authority) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            request.RequestUri = new Uri($"{uri.Scheme}://{authority}{uri.PathAndQuery}");
            request.Headers.Host = authority;
            var response = await base.SendAsync(request, cancellationToken);

            // The cookie handler files Set-Cookie under the request's address: keep it the client's own.
            request.RequestUri = uri;
            return response;
        }
    }
}
