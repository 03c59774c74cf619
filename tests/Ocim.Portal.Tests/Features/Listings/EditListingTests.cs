using System.Net;
using Dapper;
using Ocim.Portal.Data;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Listings;

/// <summary>A representative edits their listing: pending revisions, mass assignment, IDOR, stale forms, trust (QUALITY S1, S2, S4).</summary>
public sealed class EditListingTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_representatives_change_waits_for_moderation_and_the_public_page_is_unchanged()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Muséum en attente", 1, "museum", 5.0415, 47.322);
        await TestAccounts.CreateAsync(factory, "rep-attente@exemple.test", PortalRoles.Representative, representedActor: actor);
        using var client = await TestAccounts.SignedInClientAsync(factory, "rep-attente@exemple.test");

        var response = await ListingForms.ProposeAsync(client, actor, ("Name", "Muséum renommé"), ("Phone", "03 80 00 00 00"));

        Forms.AssertRedirect(response, "/compte/fiches");
        Assert.Equal("Muséum en attente", await connection.ExecuteScalarAsync<string>("select name from actor where id = @actor", new { actor }));
        var fields = await connection.ExecuteScalarAsync<string>("select fields::text from actor_revision where actor_id = @actor and status = 'pending'", new { actor });
        Assert.Equal("""{"name": "Muséum renommé", "phone": "03 80 00 00 00"}""", fields);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from audit_log where entity_id = @actor", new { actor }));

        var (_, mine) = await client.GetPageAsync("/compte/fiches");
        Assert.Contains("en attente de relecture", mine.QuerySelector("table").Text(), StringComparison.Ordinal);
        using var visitor = factory.CreateClient();
        var (_, publicPage) = await visitor.GetPageAsync($"/acteurs/{actor}");
        Assert.Equal("Muséum en attente", publicPage.QuerySelector("h1").Text());
    }

    [Fact]
    public async Task Posted_status_circle_source_id_and_commune_bind_to_nothing_the_commune_comes_from_the_point()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Muséum assigné", 1, "museum", 5.0415, 47.322);
        var other = await ActorRows.InsertAsync(connection, "Autre acteur", 3, "fablab", 4.8357, 45.764);
        await TestAccounts.CreateAsync(factory, "rep-masse@exemple.test", PortalRoles.Representative, representedActor: actor);
        using var client = await TestAccounts.SignedInClientAsync(factory, "rep-masse@exemple.test");

        var response = await ListingForms.ProposeAsync(client, actor,
            ("Acronym", "MA"), ("Status", "archived"), ("Circle", "3"), ("FamilyId", "1"), ("Source", "pirate"), ("Id", other.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("ActorId", other.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("VerifiedAt", "2030-01-01"), ("CommuneCode", "69123"), ("status", "archived"), ("circle", "2"));

        Forms.AssertRedirect(response, "/compte/fiches");
        var revision = await connection.QuerySingleAsync<(long ActorId, string Fields)>("select actor_id, fields::text from actor_revision where actor_id in (@actor, @other)", new { actor, other });
        Assert.Equal(actor, revision.ActorId);
        Assert.Equal("""{"acronym": "MA"}""", revision.Fields);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from actor_revision where actor_id = @other", new { other }));
    }

    [Fact]
    public async Task Another_actors_id_and_its_neighbours_answer_404_and_write_nothing()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var mine = await ActorRows.InsertAsync(connection, "Mon muséum", 1, "museum", 5.0415, 47.322);
        var theirs = await ActorRows.InsertAsync(connection, "Leur fablab", 3, "fablab", 4.8357, 45.764);
        await TestAccounts.CreateAsync(factory, "rep-idor@exemple.test", PortalRoles.Representative, representedActor: mine);
        using var client = await TestAccounts.SignedInClientAsync(factory, "rep-idor@exemple.test");
        var token = await client.TokenAsync($"/compte/fiches/{mine}/modifier");

        foreach (var id in new[] { theirs, mine + 1000, mine - 1, 0, long.MaxValue })
        {
            var get = await client.GetAsync(new Uri($"/compte/fiches/{id}/modifier", UriKind.Relative));
            var post = await client.PostFormAsync($"/compte/fiches/{id}/modifier", [new("Name", "Piraté"), new("Location", "aucune"), new("BaseVersion", "0")], token);
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        }

        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from actor_revision where actor_id in (@mine, @theirs)", new { mine, theirs }));
        Assert.Equal("Leur fablab", await connection.ExecuteScalarAsync<string>("select name from actor where id = @theirs", new { theirs }));
    }

    [Fact]
    public async Task A_form_opened_before_the_listing_changed_is_refused_with_an_explanation()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Muséum périmé", 1, "museum", 5.0415, 47.322);
        await TestAccounts.CreateAsync(factory, "rep-perime@exemple.test", PortalRoles.Representative, representedActor: actor);
        using var client = await TestAccounts.SignedInClientAsync(factory, "rep-perime@exemple.test");
        var url = $"/compte/fiches/{actor}/modifier";
        var fields = await ListingForms.FieldsAsync(client, url, url);

        await connection.ExecuteAsync("update actor set phone = '01 02 03 04 05' where id = @actor", new { actor });
        var response = await client.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(fields.With(("Name", "Muséum modifié"))));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("a été modifiée depuis que vous avez ouvert ce formulaire", (await response.ReadPageAsync()).QuerySelector("[role=alert]").Text(), StringComparison.Ordinal);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from actor_revision where actor_id = @actor", new { actor }));
    }

    [Fact]
    public async Task Bad_values_are_refused_in_French_and_nothing_is_stored()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Muséum invalide", 1, "museum", 5.0415, 47.322);
        await TestAccounts.CreateAsync(factory, "rep-invalide@exemple.test", PortalRoles.Representative, representedActor: actor);
        using var client = await TestAccounts.SignedInClientAsync(factory, "rep-invalide@exemple.test");

        var outside = await ListingForms.ProposeAsync(client, actor, ("Latitude", "51.5"), ("Longitude", "-0.12"));
        var vocabulary = await ListingForms.ProposeAsync(client, actor, ("Themes", "piratage"));
        var badSiret = await ListingForms.ProposeAsync(client, actor, ("Siret", "123"), ("Website", "javascript:alert(1)"));
        var noName = await ListingForms.ProposeAsync(client, actor, ("Name", " "));
        var unknownCommune = await ListingForms.ProposeAsync(client, actor, ("Location", "commune"), ("CommuneCode", "99999"));

        foreach (var response in new[] { outside, vocabulary, badSiret, noName, unknownCommune })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.NotEmpty((await response.ReadPageAsync()).QuerySelector(".error-summary").Text());
        }

        Assert.Contains("aucune commune française", (await outside.ReadPageAsync()).QuerySelector(".error-summary").Text(), StringComparison.Ordinal);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from actor_revision where actor_id = @actor", new { actor }));
    }

    [Fact]
    public async Task A_trusted_representatives_change_is_published_at_once_with_the_location_from_the_commune_and_audited()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Muséum de confiance", 1, "museum", 5.0415, 47.322);
        var user = await TestAccounts.CreateAsync(factory, "rep-confiance@exemple.test", PortalRoles.Representative, representedActor: actor);
        await connection.ExecuteAsync("update actor_representative set trusted = true where account_id = @id", new { id = user.Id });
        using var client = await TestAccounts.SignedInClientAsync(factory, "rep-confiance@exemple.test");

        var response = await ListingForms.ProposeAsync(client, actor, ("Location", "commune"), ("CommuneCode", "69123"), ("ShortDescription", "Déménagé à Lyon"));

        Forms.AssertRedirect(response, "/compte/fiches");
        var row = await connection.QuerySingleAsync<(string Commune, bool Approximate, string Short, bool AtCentre)>(
            """
            select a.commune_code, a.location_approximate, a.short_description, st_equals(a.geom, c.centre)
            from actor a join commune c on c.code = a.commune_code where a.id = @actor
            """, new { actor });
        Assert.Equal(("69123", true, "Déménagé à Lyon", true), row);
        var audit = (await connection.QueryAsync<(string Action, long? AccountId)>("select action, account_id from audit_log where entity_id = @actor order by id", new { actor })).ToList();
        Assert.Equal([("actor.baseline.recorded", null), ("actor.revision.published", user.Id)], audit);
        Assert.Equal("approved", await connection.ExecuteScalarAsync<string>("select status from actor_revision where actor_id = @actor", new { actor }));
    }
}
