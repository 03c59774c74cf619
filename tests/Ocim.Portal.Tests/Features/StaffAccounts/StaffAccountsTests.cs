using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Ocim.Portal.Data;
using Ocim.Portal.Tests.Features.Listings;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.StaffAccounts;

/// <summary>Administrators invite staff with a scope, disable accounts (sessions end), and trust representatives.</summary>
public sealed partial class StaffAccountsTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly Dictionary<string, string?> CheckStampEveryRequest = new() { ["Portal:Accounts:StampCheckMinutes"] = "0" };

    [Fact]
    public async Task An_invited_department_curator_gets_the_role_and_the_scope_and_bad_scopes_are_refused()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        await TestAccounts.CreateAsync(factory, "admin-invite@exemple.test", PortalRoles.Administrator);
        using var admin = await TestAccounts.SignedInClientAsync(factory, "admin-invite@exemple.test");

        var unknown = await admin.SubmitAsync("/gestion/comptes", "/gestion/comptes/inviter", ("Email", "x@exemple.test"), ("Role", "curateur"), ("DepartmentCode", "99"));
        var scopedAdmin = await admin.SubmitAsync("/gestion/comptes", "/gestion/comptes/inviter", ("Email", "y@exemple.test"), ("Role", "administrateur"), ("DepartmentCode", "21"));
        var badRole = await admin.SubmitAsync("/gestion/comptes", "/gestion/comptes/inviter", ("Email", "z@exemple.test"), ("Role", "representant"));
        Assert.All([unknown, scopedAdmin, badRole], r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from invitation"));

        Forms.AssertRedirect(await admin.SubmitAsync("/gestion/comptes", "/gestion/comptes/inviter", ("Email", "dominique@ocim.test"), ("Role", "curateur"), ("DepartmentCode", "21")), "/gestion/comptes");
        var body = await connection.QuerySingleAsync<string>("select body from outbox_message where kind = 'invitation' and recipient = 'dominique@ocim.test'");
        var url = "/invitation/" + TokenInLink().Match(body).Groups[1].Value;
        using var invited = factory.CreatePageClient();
        var accepted = await invited.SubmitAsync(url, url, ("DisplayName", "Dominique"), ("Password", TestAccounts.Password), ("Confirm", TestAccounts.Password));

        Forms.AssertRedirect(accepted, "/gestion");
        var account = await connection.QuerySingleAsync<(string? Department, string Role)>(
            "select u.curator_department_code, r.name from account u join account_role ar on ar.user_id = u.id join role r on r.id = ar.role_id where u.email = 'dominique@ocim.test'");
        Assert.Equal(("21", "curateur"), account);
        Assert.Equal(HttpStatusCode.OK, (await invited.GetAsync(new Uri("/gestion/moderation", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await invited.GetAsync(new Uri("/gestion/comptes", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_disabled_account_loses_its_open_session_and_cannot_sign_in()
    {
        await using var factory = new PortalFactory(database.ConnectionString, CheckStampEveryRequest);
        await TestAccounts.CreateAsync(factory, "admin-desactive@exemple.test", PortalRoles.Administrator);
        var curator = await TestAccounts.CreateAsync(factory, "curatrice-desactivee@exemple.test", PortalRoles.Curator);
        using var admin = await TestAccounts.SignedInClientAsync(factory, "admin-desactive@exemple.test");
        using var session = await TestAccounts.SignedInClientAsync(factory, "curatrice-desactivee@exemple.test");
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync(new Uri("/gestion", UriKind.Relative))).StatusCode);

        var noConfirmation = await admin.PostFormAsync($"/gestion/comptes/{curator.Id}/desactiver", [], await admin.TokenAsync("/gestion/comptes"));
        Assert.Equal(HttpStatusCode.BadRequest, noConfirmation.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync(new Uri("/gestion", UriKind.Relative))).StatusCode);

        Forms.AssertRedirect(await admin.SubmitAsync("/gestion/comptes", $"/gestion/comptes/{curator.Id}/desactiver", ("confirmer", "oui")), "/gestion/comptes");

        var after = await session.GetAsync(new Uri("/gestion", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/connexion", after.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        using var again = factory.CreatePageClient();
        var signIn = await again.SubmitAsync("/connexion", "/connexion", ("Email", "curatrice-desactivee@exemple.test"), ("Password", TestAccounts.Password));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
    }

    [Fact]
    public async Task A_trusted_representative_publishes_at_once_and_untrusted_again_goes_through_moderation()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Muséum confié", 1, "museum", 5.0415, 47.322);
        var representative = await TestAccounts.CreateAsync(factory, "rep-confie@exemple.test", PortalRoles.Representative, representedActor: actor);
        await TestAccounts.CreateAsync(factory, "admin-confiance@exemple.test", PortalRoles.Administrator);
        using var admin = await TestAccounts.SignedInClientAsync(factory, "admin-confiance@exemple.test");
        using var client = await TestAccounts.SignedInClientAsync(factory, "rep-confie@exemple.test");
        var trust = $"/gestion/comptes/{representative.Id}/fiches/{actor}/confiance";

        Forms.AssertRedirect(await admin.SubmitAsync("/gestion/comptes", trust, ("confiance", "oui")), "/gestion/comptes");
        Forms.AssertRedirect(await ListingForms.ProposeAsync(client, actor, ("Acronym", "MC")), "/compte/fiches");
        Assert.Equal("MC", await connection.ExecuteScalarAsync<string>("select acronym from actor where id = @actor", new { actor }));

        Forms.AssertRedirect(await admin.SubmitAsync("/gestion/comptes", trust, ("confiance", "non")), "/gestion/comptes");
        Forms.AssertRedirect(await ListingForms.ProposeAsync(client, actor, ("Acronym", "MC2")), "/compte/fiches");
        Assert.Equal("MC", await connection.ExecuteScalarAsync<string>("select acronym from actor where id = @actor", new { actor }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("select count(*) from actor_revision where actor_id = @actor and status = 'pending'", new { actor }));
        var trail = (await connection.QueryAsync<string>("select action from audit_log where entity_id = @actor and action like 'actor.representative.%' order by id", new { actor })).ToList();
        Assert.Equal(["actor.representative.trusted", "actor.representative.untrusted"], trail);
    }

    [GeneratedRegex("/invitation/([A-Za-z0-9_-]{43})")]
    private static partial Regex TokenInLink();
}
