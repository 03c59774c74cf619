using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Ocim.Portal.Data;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Listings;

/// <summary>Invitation links: GET changes nothing, POST consumes once (also under concurrency), expiry, hash-only storage (QUALITY S3).</summary>
public sealed partial class InvitationTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_curator_invites_the_contact_who_opens_the_link_without_effect_then_accepts_it_once_and_becomes_representative()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Muséum invité", 1, "museum", 5.0415, 47.322);
        var token = await InviteAsync(factory, actor, "contact-invite@exemple.test", "curatrice-invite@exemple.test");
        using var visitor = factory.CreatePageClient();

        var (opened, page) = await visitor.GetPageAsync($"/invitation/{token}");
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Contains("représenter « Muséum invité »", page.QuerySelector("main").Text(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", opened.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(opened.Headers.CacheControl?.NoStore);
        await visitor.GetAsync(new Uri($"/invitation/{token}", UriKind.Relative));
        Assert.Null(await connection.ExecuteScalarAsync<DateTime?>("select used_at from invitation where actor_id = @actor", new { actor }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from account where email = 'contact-invite@exemple.test'"));

        var accepted = await visitor.SubmitAsync($"/invitation/{token}", $"/invitation/{token}",
            ("DisplayName", "Claire Contact"), ("Password", TestAccounts.Password), ("Confirm", TestAccounts.Password), ("Email", "autre@exemple.test"));

        Forms.AssertRedirect(accepted, "/compte/fiches");
        var account = await connection.QuerySingleAsync<(long Id, string Name)>("select id, display_name from account where email = 'contact-invite@exemple.test'");
        Assert.Equal("Claire Contact", account.Name);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from account where email = 'autre@exemple.test'"));
        Assert.True(await connection.ExecuteScalarAsync<bool>("select exists (select from actor_representative where account_id = @id and actor_id = @actor)", new { id = account.Id, actor }));
        Assert.Equal("representant", await connection.ExecuteScalarAsync<string>("select r.name from account_role ar join role r on r.id = ar.role_id where ar.user_id = @id", new { id = account.Id }));
        var (mine, _) = await visitor.GetPageAsync($"/compte/fiches/{actor}/modifier");
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);

        using var again = factory.CreatePageClient();
        var (reopened, gone) = await again.GetPageAsync($"/invitation/{token}");
        Assert.Equal(HttpStatusCode.Gone, reopened.StatusCode);
        Assert.Contains("déjà été utilisée", gone.QuerySelector("h1").Text(), StringComparison.Ordinal);

        // The token itself is only in the e-mail: the database keeps its hash, the logs never show it.
        foreach (var table in await connection.QueryAsync<string>("select tablename from pg_tables where schemaname = 'public' and tablename <> 'outbox_message'"))
        {
#pragma warning disable CA2100 // table names from the catalog
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>($"select count(*) from \"{table}\" t where t::text like '%' || @token || '%'", new { token }));
#pragma warning restore CA2100
        }

        Assert.DoesNotContain(factory.Logs, l => l.Contains(token, StringComparison.Ordinal));
        Assert.Contains(factory.Logs, l => l.Contains("/invitation/***", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_simultaneous_acceptances_create_exactly_one_account()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Muséum concurrent", 1, "museum", 5.0415, 47.322);
        var token = await InviteAsync(factory, actor, "contact-course@exemple.test", "curatrice-course@exemple.test");
        using var first = factory.CreatePageClient();
        using var second = factory.CreatePageClient();
        var url = $"/invitation/{token}";
        var tokens = await Task.WhenAll(first.TokenAsync(url, url), second.TokenAsync(url, url));
        KeyValuePair<string, string>[] fields = [new("DisplayName", "Double"), new("Password", TestAccounts.Password), new("Confirm", TestAccounts.Password)];

        var responses = await Task.WhenAll(first.PostFormAsync(url, fields, tokens[0]), second.PostFormAsync(url, fields, tokens[1]));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Redirect);
        Assert.Single(responses, r => r.StatusCode is HttpStatusCode.Gone or HttpStatusCode.OK);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("select count(*) from account where email = 'contact-course@exemple.test'"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("select count(*) from actor_representative where actor_id = @actor", new { actor }));
    }

    [Fact]
    public async Task An_expired_link_gets_a_French_410_and_consumes_nothing_and_unknown_links_a_404()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var factory = new PortalFactory(database.ConnectionString) { TestServices = s => s.AddSingleton<TimeProvider>(clock) };
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Muséum expiré", 1, "museum", 5.0415, 47.322);
        var token = await InviteAsync(factory, actor, "contact-expire@exemple.test", "curatrice-expire@exemple.test");
        using var visitor = factory.CreatePageClient();
        var form = await visitor.TokenAsync($"/invitation/{token}");

        clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        var (opened, page) = await visitor.GetPageAsync($"/invitation/{token}");
        var posted = await visitor.PostFormAsync($"/invitation/{token}", [new("DisplayName", "Tard"), new("Password", TestAccounts.Password), new("Confirm", TestAccounts.Password)], form);

        Assert.Equal(HttpStatusCode.Gone, opened.StatusCode);
        Assert.Contains("a expiré", page.QuerySelector("h1").Text(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, posted.StatusCode);
        Assert.Null(await connection.ExecuteScalarAsync<DateTime?>("select used_at from invitation where actor_id = @actor", new { actor }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from account where email = 'contact-expire@exemple.test'"));

        var (unknown, unknownPage) = await visitor.GetPageAsync("/invitation/" + new string('A', 43));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("Invitation introuvable", unknownPage.QuerySelector("h1").Text(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync(new Uri("/invitation/pas-un-jeton", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_weak_passphrase_is_refused_and_leaves_the_link_usable_and_a_signed_in_account_with_the_address_is_linked()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Muséum lié", 1, "museum", 5.0415, 47.322);
        var token = await InviteAsync(factory, actor, "deja-inscrit@exemple.test", "curatrice-lien@exemple.test");
        using var visitor = factory.CreatePageClient();
        var url = $"/invitation/{token}";

        var weak = await visitor.SubmitAsync(url, url, ("DisplayName", "Court"), ("Password", "court"), ("Confirm", "court"));
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Null(await connection.ExecuteScalarAsync<DateTime?>("select used_at from invitation where actor_id = @actor", new { actor }));

        var existing = await TestAccounts.CreateAsync(factory, "deja-inscrit@exemple.test", null);
        using var signedIn = await TestAccounts.SignedInClientAsync(factory, "deja-inscrit@exemple.test");
        var linked = await signedIn.SubmitAsync(url, url);

        Forms.AssertRedirect(linked, "/compte/fiches");
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("select count(*) from account where email = 'deja-inscrit@exemple.test'"));
        Assert.True(await connection.ExecuteScalarAsync<bool>("select exists (select from actor_representative where account_id = @id and actor_id = @actor)", new { id = existing.Id, actor }));
    }

    /// <summary>A curator invites <paramref name="email"/> from the listing; returns the token read from the e-mail in the outbox.</summary>
    private async Task<string> InviteAsync(PortalFactory factory, long actor, string email, string curatorEmail)
    {
        await TestAccounts.CreateAsync(factory, curatorEmail, PortalRoles.Curator);
        using var curator = await TestAccounts.SignedInClientAsync(factory, curatorEmail);
        var url = $"/gestion/acteurs/{actor}/inviter";
        var form = await curator.GetAsync(new Uri(url, UriKind.Relative));
        Assert.True(form.IsSuccessStatusCode, string.Join("\n", factory.Logs.Where(l => l.StartsWith("Error", StringComparison.Ordinal))));
        Forms.AssertRedirect(await curator.SubmitAsync(url, url, ("Email", email)), url);
        await using var connection = await database.OpenAsync();
        var body = await connection.QuerySingleAsync<string>("select body from outbox_message where kind = 'invitation' and recipient = @email", new { email });
        return TokenInLink().Match(body).Groups[1].Value;
    }

    [GeneratedRegex("/invitation/([A-Za-z0-9_-]{43})")]
    private static partial Regex TokenInLink();
}
