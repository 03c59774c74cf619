using System.Net;
using Dapper;
using Ocim.Portal.Data;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Listings;

/// <summary>« C'est ma structure »: the request, its honeypot and rate limit, and the curator's answer (an invitation or a polite e-mail).</summary>
public sealed class ClaimListingTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_request_lands_in_the_queue_and_approving_it_sends_one_invitation_to_the_address_given()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Muséum revendiqué", 1, "museum", 5.0415, 47.322);
        using var visitor = factory.CreatePageClient();
        var url = $"/acteurs/{actor}/c-est-ma-structure";

        var sent = await visitor.SubmitAsync(url, url, ("Name", "Sam Directrice"), ("Email", "sam@museum.test"), ("Role", "Directrice"), ("Message", "Bonjour"));

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("votre demande est transmise", (await sent.ReadPageAsync()).QuerySelector("[role=status]").Text(), StringComparison.Ordinal);
        var claim = await connection.ExecuteScalarAsync<long>("select id from actor_claim where actor_id = @actor", new { actor });

        await TestAccounts.CreateAsync(factory, "curatrice-revendication@exemple.test", PortalRoles.Curator);
        using var curator = await TestAccounts.SignedInClientAsync(factory, "curatrice-revendication@exemple.test");
        var (_, queue) = await curator.GetPageAsync("/gestion/moderation?type=revendication");
        Assert.Contains($"/gestion/moderation/revendications/{claim}", queue.QuerySelectorAll("table a").Select(a => a.GetAttribute("href")));
        var page = $"/gestion/moderation/revendications/{claim}";
        var approved = await curator.SubmitAsync(page, page + "/approuver");
        var twice = await curator.PostFormAsync(page + "/approuver", [], await curator.TokenAsync("/compte"));

        Forms.AssertRedirect(approved, "/gestion/moderation");
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("select count(*) from invitation where actor_id = @actor and email = 'sam@museum.test' and purpose = 'representative'", new { actor }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("select count(*) from outbox_message where kind = 'invitation' and recipient = 'sam@museum.test'"));
        Assert.Equal("approved", await connection.ExecuteScalarAsync<string>("select status from actor_claim where id = @claim", new { claim }));
        // The audit trail outlives the request (deleted after its retention): it names the request, never the person.
        var audit = (await connection.QueryAsync<string>("select row_to_json(a)::text from audit_log a where entity_id = @actor", new { actor })).ToList();
        Assert.Contains(audit, row => row.Contains("actor.claim.approved", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, row => row.Contains("sam@museum.test", StringComparison.Ordinal) || row.Contains("Sam Directrice", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rejected_request_gets_a_polite_e_mail_and_a_honeypot_or_a_bad_address_writes_nothing()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Muséum refusé", 1, "museum", 5.0415, 47.322);
        using var visitor = factory.CreatePageClient();
        var url = $"/acteurs/{actor}/c-est-ma-structure";

        var robot = await visitor.SubmitAsync(url, url, ("Name", "Robot"), ("Email", "robot@spam.test"), ("Role", "Robot"), ("Website", "http://spam.test"));
        var bad = await visitor.SubmitAsync(url, url, ("Name", "Sam"), ("Email", "pas une adresse"), ("Role", "Directrice"));
        Assert.Equal(HttpStatusCode.OK, robot.StatusCode);
        Assert.Contains("votre demande est transmise", (await robot.ReadPageAsync()).QuerySelector("[role=status]").Text(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from actor_claim where actor_id = @actor", new { actor }));

        await visitor.SubmitAsync(url, url, ("Name", "Alex"), ("Email", "alex@ailleurs.test"), ("Role", "Bénévole"));
        var claim = await connection.ExecuteScalarAsync<long>("select id from actor_claim where actor_id = @actor", new { actor });
        await TestAccounts.CreateAsync(factory, "curatrice-refus-revendication@exemple.test", PortalRoles.Curator);
        using var curator = await TestAccounts.SignedInClientAsync(factory, "curatrice-refus-revendication@exemple.test");
        var page = $"/gestion/moderation/revendications/{claim}";
        Forms.AssertRedirect(await curator.SubmitAsync(page, page + "/rejeter", ("Message", "Écrivez-nous depuis l'adresse du muséum.")), "/gestion/moderation");

        var body = await connection.ExecuteScalarAsync<string>("select body from outbox_message where kind = 'claim-rejected' and recipient = 'alex@ailleurs.test'");
        Assert.Contains("Écrivez-nous depuis l'adresse du muséum.", body, StringComparison.Ordinal);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from invitation where actor_id = @actor", new { actor }));
        var audit = (await connection.QueryAsync<string>("select row_to_json(a)::text from audit_log a where entity_id = @actor", new { actor })).ToList();
        Assert.Contains(audit, row => row.Contains("actor.claim.rejected", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, row => row.Contains("alex@ailleurs.test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Requests_beyond_the_rate_limit_get_429_with_Retry_After()
    {
        await using var factory = new PortalFactory(database.ConnectionString, new Dictionary<string, string?> { ["Portal:RateLimits:revendication:PerMinute"] = "2" });
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Muséum limité", 1, "museum", 5.0415, 47.322);
        using var visitor = factory.CreatePageClient();
        var url = $"/acteurs/{actor}/c-est-ma-structure";
        var token = await visitor.TokenAsync(url, url);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 3; i++)
        {
            last = await visitor.PostFormAsync(url, [new("Name", "Sam"), new("Email", $"sam{i}@museum.test"), new("Role", "Directrice")], token);
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(int.Parse(last.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("select count(*) from actor_claim where actor_id = @actor", new { actor }));
    }
}
