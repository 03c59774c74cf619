using System.Net;
using Dapper;
using Ocim.Portal.Data;
using Ocim.Portal.Tests.Features.Listings;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Moderation;

/// <summary>The moderation queue: diff, approve and reject, races, stale revisions, curators' scope, history and restore (QUALITY S1, S3, S13).</summary>
public sealed class ModerationTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_curator_sees_the_diff_approves_the_listing_changes_with_an_audit_row_and_the_representative_is_told()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var (actor, revision, _) = await PendingRevisionAsync(factory, connection, "approuve", ("Name", "Nouveau nom"), ("Phone", "03 80 11 22 33"));
        await TestAccounts.CreateAsync(factory, "curatrice-approuve@exemple.test", PortalRoles.Curator);
        using var curator = await TestAccounts.SignedInClientAsync(factory, "curatrice-approuve@exemple.test");

        var (_, queue) = await curator.GetPageAsync("/gestion/moderation");
        Assert.Contains($"/gestion/moderation/modifications/{revision}", queue.QuerySelectorAll("table a").Select(a => a.GetAttribute("href")));
        var (_, page) = await curator.GetPageAsync($"/gestion/moderation/modifications/{revision}");
        var rows = page.QuerySelectorAll("table.diff tbody tr").Select(r => string.Join(" | ", r.Children.Select(c => c.Text()))).ToList();
        Assert.Equal(["Nom | Muséum approuve | Nouveau nom", "Téléphone | (vide) | 03 80 11 22 33"], rows);

        var action = $"/gestion/moderation/modifications/{revision}/approuver";
        var response = await curator.SubmitAsync($"/gestion/moderation/modifications/{revision}", action, ("Version", "1"), ("Message", "Merci !"));

        Forms.AssertRedirect(response, "/gestion/moderation");
        Assert.Equal(("Nouveau nom", "03 80 11 22 33"), await connection.QuerySingleAsync<(string, string)>("select name, phone from actor where id = @actor", new { actor }));
        var audit = await connection.QuerySingleAsync<(string Changes, string Name)>(
            "select changes::text, snapshot->>'name' from audit_log where entity = 'actor' and entity_id = @actor and action = 'actor.revision.approved'", new { actor });
        Assert.Equal("""{"name": {"new": "Nouveau nom", "old": "Muséum approuve"}, "phone": {"new": "03 80 11 22 33", "old": null}}""", audit.Changes);
        Assert.Equal("Nouveau nom", audit.Name);
        var mail = await connection.QuerySingleAsync<(string Recipient, string Body)>("select recipient, body from outbox_message where kind = 'revision-approved' and recipient = 'rep-approuve@exemple.test'");
        Assert.Equal("rep-approuve@exemple.test", mail.Recipient);
        Assert.Contains("Merci !", mail.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_curators_approving_at_once_make_one_transition_and_one_audit_row_the_other_gets_a_French_409()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var (actor, revision, _) = await PendingRevisionAsync(factory, connection, "course", ("Acronym", "MC"));
        await TestAccounts.CreateAsync(factory, "curatrice-1@exemple.test", PortalRoles.Curator);
        await TestAccounts.CreateAsync(factory, "curatrice-2@exemple.test", PortalRoles.Curator);
        using var first = await TestAccounts.SignedInClientAsync(factory, "curatrice-1@exemple.test");
        using var second = await TestAccounts.SignedInClientAsync(factory, "curatrice-2@exemple.test");
        var page = $"/gestion/moderation/modifications/{revision}";
        var action = page + "/approuver";
        var tokens = await Task.WhenAll(first.TokenAsync(page, action), second.TokenAsync(page, action));

        var responses = await Task.WhenAll(
            first.PostFormAsync(action, [new("Version", "1")], tokens[0]),
            second.PostFormAsync(action, [new("Version", "1")], tokens[1]));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Redirect);
        var refused = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Conflict);
        Assert.Contains("déjà été traitée : approuvée par curatrice-", (await refused.ReadPageAsync()).QuerySelector("[role=alert]").Text(), StringComparison.Ordinal);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("select count(*) from audit_log where entity_id = @actor and action = 'actor.revision.approved'", new { actor }));
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("select version from actor_revision where id = @revision", new { revision }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("select count(*) from outbox_message where kind = 'revision-approved' and recipient = 'rep-course@exemple.test'"));
    }

    [Fact]
    public async Task A_revision_based_on_an_older_version_of_the_listing_is_refused_and_stays_pending()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var (actor, revision, _) = await PendingRevisionAsync(factory, connection, "perime", ("Name", "Nom proposé"));
        await connection.ExecuteAsync("update actor set phone = '04 00 00 00 00' where id = @actor", new { actor });
        await TestAccounts.CreateAsync(factory, "curatrice-perime@exemple.test", PortalRoles.Curator);
        using var curator = await TestAccounts.SignedInClientAsync(factory, "curatrice-perime@exemple.test");

        var (_, page) = await curator.GetPageAsync($"/gestion/moderation/modifications/{revision}");
        Assert.Contains("La fiche a changé depuis cette proposition", page.QuerySelector("[role=alert]").Text(), StringComparison.Ordinal);
        var response = await curator.SubmitAsync($"/gestion/moderation/modifications/{revision}", $"/gestion/moderation/modifications/{revision}/approuver", ("Version", "1"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("La fiche a été modifiée depuis que cette proposition a été faite", (await response.ReadPageAsync()).QuerySelector("[role=alert]").Text(), StringComparison.Ordinal);
        Assert.Equal("Muséum perime", await connection.ExecuteScalarAsync<string>("select name from actor where id = @actor", new { actor }));
        Assert.Equal(("pending", 1), await connection.QuerySingleAsync<(string, int)>("select status, version from actor_revision where id = @revision", new { revision }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from audit_log where entity_id = @actor", new { actor }));
    }

    [Fact]
    public async Task A_department_curator_sees_and_decides_only_the_listings_of_their_department()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var (actor, revision, _) = await PendingRevisionAsync(factory, connection, "perimetre", ("Acronym", "MP"));   // in Dijon (21)
        await TestAccounts.CreateAsync(factory, "curatrice-rhone@exemple.test", PortalRoles.Curator, departmentScope: "69");
        await TestAccounts.CreateAsync(factory, "curatrice-cote-d-or@exemple.test", PortalRoles.Curator, departmentScope: "21");
        using var outside = await TestAccounts.SignedInClientAsync(factory, "curatrice-rhone@exemple.test");
        using var inside = await TestAccounts.SignedInClientAsync(factory, "curatrice-cote-d-or@exemple.test");
        var page = $"/gestion/moderation/modifications/{revision}";

        var (_, outsideQueue) = await outside.GetPageAsync("/gestion/moderation");
        var (_, insideQueue) = await inside.GetPageAsync("/gestion/moderation");
        Assert.DoesNotContain(page, outsideQueue.QuerySelectorAll("a").Select(a => a.GetAttribute("href")));
        Assert.Contains(page, insideQueue.QuerySelectorAll("a").Select(a => a.GetAttribute("href")));
        Assert.Equal(HttpStatusCode.NotFound, (await outside.GetAsync(new Uri(page, UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outside.GetAsync(new Uri($"/gestion/acteurs/{actor}/historique", UriKind.Relative))).StatusCode);
        var token = await outside.TokenAsync("/compte");
        Assert.Equal(HttpStatusCode.NotFound, (await outside.PostFormAsync(page + "/approuver", [new("Version", "1")], token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outside.PostFormAsync(page + "/rejeter", [new("Version", "1"), new("Message", "non")], token)).StatusCode);
        Assert.Equal("pending", await connection.ExecuteScalarAsync<string>("select status from actor_revision where id = @revision", new { revision }));

        var approved = await inside.SubmitAsync(page, page + "/approuver", ("Version", "1"));
        Forms.AssertRedirect(approved, "/gestion/moderation");
    }

    [Fact]
    public async Task A_rejection_needs_a_message_which_the_representative_receives_and_the_listing_is_unchanged()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var (actor, revision, representative) = await PendingRevisionAsync(factory, connection, "refus", ("Name", "Nom refusé"));
        await TestAccounts.CreateAsync(factory, "curatrice-refus@exemple.test", PortalRoles.Curator);
        using var curator = await TestAccounts.SignedInClientAsync(factory, "curatrice-refus@exemple.test");
        var page = $"/gestion/moderation/modifications/{revision}";

        var empty = await curator.SubmitAsync(page, page + "/rejeter", ("Version", "1"), ("Message", "  "));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("Expliquez en quelques mots", (await empty.ReadPageAsync()).QuerySelector(".error-summary").Text(), StringComparison.Ordinal);
        Assert.Equal("pending", await connection.ExecuteScalarAsync<string>("select status from actor_revision where id = @revision", new { revision }));

        var rejected = await curator.SubmitAsync(page, page + "/rejeter", ("Version", "1"), ("Message", "Le nom officiel reste celui du SIRET."));

        Forms.AssertRedirect(rejected, "/gestion/moderation");
        Assert.Equal("Muséum refus", await connection.ExecuteScalarAsync<string>("select name from actor where id = @actor", new { actor }));
        Assert.Contains("Le nom officiel reste celui du SIRET.", await connection.ExecuteScalarAsync<string>("select body from outbox_message where kind = 'revision-rejected' and recipient = 'rep-refus@exemple.test'"), StringComparison.Ordinal);
        var (_, mine) = await representative.GetPageAsync("/compte/fiches");
        Assert.Contains("non retenue", mine.QuerySelector("table").Text(), StringComparison.Ordinal);
        Assert.Contains("Le nom officiel reste celui du SIRET.", mine.QuerySelector("table").Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_history_lists_each_change_and_restoring_a_version_writes_it_back_as_a_new_audited_change()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var (actor, revision, _) = await PendingRevisionAsync(factory, connection, "historique", ("Name", "Nom approuvé"));
        await TestAccounts.CreateAsync(factory, "curatrice-historique@exemple.test", PortalRoles.Curator);
        using var curator = await TestAccounts.SignedInClientAsync(factory, "curatrice-historique@exemple.test");
        var page = $"/gestion/moderation/modifications/{revision}";
        Forms.AssertRedirect(await curator.SubmitAsync(page, page + "/approuver", ("Version", "1")), "/gestion/moderation");
        var baseline = await connection.ExecuteScalarAsync<long>("select id from audit_log where entity_id = @actor and action = 'actor.baseline.recorded'", new { actor });

        var history = $"/gestion/acteurs/{actor}/historique";
        var (_, before) = await curator.GetPageAsync(history);
        Assert.Equal(2, before.QuerySelectorAll("section.history-entry").Length);
        Assert.Contains("Muséum historique", before.QuerySelector("table.diff").Text(), StringComparison.Ordinal);
        var restore = $"{history}/{baseline}/restaurer";
        var response = await curator.SubmitAsync(history, restore, ("Version", await VersionOf(connection, actor)));

        Forms.AssertRedirect(response, history);
        Assert.Equal("Muséum historique", await connection.ExecuteScalarAsync<string>("select name from actor where id = @actor", new { actor }));
        var actions = (await connection.QueryAsync<string>("select action from audit_log where entity_id = @actor order by id", new { actor })).ToList();
        Assert.Equal(["actor.baseline.recorded", "actor.revision.approved", "actor.restored"], actions);

        // An outdated page (the version moved) restores nothing.
        var stale = await curator.SubmitAsync(history, restore, ("Version", "1"));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(3, await connection.ExecuteScalarAsync<long>("select count(*) from audit_log where entity_id = @actor", new { actor }));
    }

    private static async Task<string> VersionOf(Npgsql.NpgsqlConnection connection, long actor) =>
        (await connection.ExecuteScalarAsync<long>("select xmin::text::bigint from actor where id = @actor", new { actor })).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An actor in Dijon, its representative (signed in), and one pending revision proposed through the form.</summary>
    private static async Task<(long Actor, long Revision, HttpClient Representative)> PendingRevisionAsync(PortalFactory factory, Npgsql.NpgsqlConnection connection, string name, params (string Name, string Value)[] changes)
    {
        var actor = await ActorRows.InsertAsync(connection, $"Muséum {name}", 1, "museum", 5.0415, 47.322);
        await TestAccounts.CreateAsync(factory, $"rep-{name}@exemple.test", PortalRoles.Representative, representedActor: actor);
        var client = await TestAccounts.SignedInClientAsync(factory, $"rep-{name}@exemple.test");
        Forms.AssertRedirect(await ListingForms.ProposeAsync(client, actor, changes), "/compte/fiches");
        var revision = await connection.ExecuteScalarAsync<long>("select id from actor_revision where actor_id = @actor and status = 'pending'", new { actor });
        return (actor, revision, client);
    }
}
