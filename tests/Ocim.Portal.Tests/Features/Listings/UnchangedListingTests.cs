using Dapper;
using Ocim.Portal.Data;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Listings;

/// <summary>
/// The listing form posted back as it was opened is no proposal: themes come back in the form's order and the point
/// to six decimals, and neither counts as a change (issue 15).
/// </summary>
public sealed class UnchangedListingTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_form_posted_back_unchanged_says_nothing_was_modified_and_creates_no_revision()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var actor = await ListingAsync(connection, "Muséum inchangé");
        await TestAccounts.CreateAsync(factory, "rep-inchange@exemple.test", PortalRoles.Representative, representedActor: actor);
        using var client = await TestAccounts.SignedInClientAsync(factory, "rep-inchange@exemple.test");

        var response = await ListingForms.ProposeAsync(client, actor);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Vous n'avez rien modifié", (await response.ReadPageAsync()).Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from actor_revision where actor_id = @actor", new { actor }));
    }

    [Fact]
    public async Task A_phone_only_change_proposes_the_phone_only_and_the_review_shows_only_it()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var actor = await ListingAsync(connection, "Muséum téléphone");
        await TestAccounts.CreateAsync(factory, "rep-telephone@exemple.test", PortalRoles.Representative, representedActor: actor);
        using var client = await TestAccounts.SignedInClientAsync(factory, "rep-telephone@exemple.test");

        var response = await ListingForms.ProposeAsync(client, actor, ("Phone", "03 80 48 82 00"));

        Forms.AssertRedirect(response, "/compte/fiches");
        var revision = await connection.QuerySingleAsync<(long Id, string Fields)>(
            "select id, fields::text from actor_revision where actor_id = @actor and status = 'pending'", new { actor });
        Assert.Equal("""{"phone": "03 80 48 82 00"}""", revision.Fields);
        await TestAccounts.CreateAsync(factory, "curatrice-telephone@exemple.test", PortalRoles.Curator);
        using var curator = await TestAccounts.SignedInClientAsync(factory, "curatrice-telephone@exemple.test");
        var (_, review) = await curator.GetPageAsync($"/gestion/moderation/modifications/{revision.Id}");
        var labels = review.QuerySelectorAll("table tbody th").Select(th => th.Text()).ToList();
        Assert.Equal(["Téléphone"], labels);
    }

    /// <summary>A listing as imports leave them: themes out of the form's order, a point with eight decimals, a long text with CRLF and a trailing space.</summary>
    private static async Task<long> ListingAsync(Npgsql.NpgsqlConnection connection, string name)
    {
        var actor = await ActorRows.InsertAsync(connection, name, 1, "museum", 5.04151234, 47.32201234, "21231",
            actions: ["mediation", "expositions"], themes: ["environnement", "astronomie", "sciences-de-la-vie"]);
        await connection.ExecuteAsync("update actor set long_description = 'Texte\r\nsur deux lignes ' where id = @actor", new { actor });
        return actor;
    }
}
