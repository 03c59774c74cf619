using System.Net;
using Dapper;
using Ocim.Portal.Data;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Curation;

/// <summary>/gestion/familles: the curated list of families, edited by staff; a used family cannot be deleted.</summary>
public sealed class FamiliesTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    private readonly string suffix = Guid.NewGuid().ToString("N")[..8];
    private PortalFactory factory = null!;

    public Task InitializeAsync()
    {
        factory = new PortalFactory(database.ConnectionString);
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task Staff_add_rename_reorder_and_delete_an_unused_family_and_the_list_filters_follow()
    {
        await using var connection = await database.OpenAsync();
        await TestAccounts.CreateAsync(factory, $"curatrice-familles-{suffix}@exemple.test", PortalRoles.Curator);
        using var client = await TestAccounts.SignedInClientAsync(factory, $"curatrice-familles-{suffix}@exemple.test");

        Forms.AssertRedirect(await client.SubmitAsync("/gestion/familles", "/gestion/familles", ("nom", "Écomusée"), ("cercle", "1"), ("ordre", "5")), "/gestion/familles");
        var id = await connection.ExecuteScalarAsync<int>("select id from actor_family where slug = 'ecomusee'");
        Assert.Equal(("Écomusée", (short)1, 5), await connection.QuerySingleAsync<(string, short, int)>(
            "select name, default_circle, sort_order from actor_family where id = @id", new { id }));
        Assert.Equal("ecomusee", await connection.ExecuteScalarAsync<string>("select slug from actor_family order by sort_order limit 1"));

        // The same name again is refused; renaming keeps the slug; the directory's family filter shows the new name.
        var twice = await client.SubmitAsync("/gestion/familles", "/gestion/familles", ("nom", "Écomusée"), ("cercle", "1"));
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("Une famille porte déjà ce nom", (await twice.ReadPageAsync()).Body!.TextContent, StringComparison.Ordinal);
        Forms.AssertRedirect(await client.SubmitAsync("/gestion/familles", $"/gestion/familles/{id}", ("nom", "Écomusée ou musée de société"), ("cercle", "3"), ("ordre", "1000")), "/gestion/familles");
        Assert.Equal(("ecomusee", "Écomusée ou musée de société", (short)3, 1000), await connection.QuerySingleAsync<(string, string, short, int)>(
            "select slug, name, default_circle, sort_order from actor_family where id = @id", new { id }));
        var (_, directory) = await client.GetPageAsync("/acteurs");
        Assert.Contains("Écomusée ou musée de société", directory.Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("select count(*) from audit_log where entity = 'actor_family' and entity_id = @id", new { id }));

        // Bad input: no name, a circle out of range.
        var empty = await client.SubmitAsync("/gestion/familles", "/gestion/familles", ("nom", "  "), ("cercle", "1"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var circle = await client.SubmitAsync("/gestion/familles", $"/gestion/familles/{id}", ("nom", "Écomusée"), ("cercle", "4"));
        Assert.Equal(HttpStatusCode.BadRequest, circle.StatusCode);
        Assert.Contains("cercle par défaut", (await circle.ReadPageAsync()).Body!.TextContent, StringComparison.Ordinal);

        Forms.AssertRedirect(await client.SubmitAsync("/gestion/familles", $"/gestion/familles/{id}/suppression"), "/gestion/familles");
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from actor_family where id = @id", new { id }));
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostFormAsync($"/gestion/familles/{id}/suppression", [], await client.TokenAsync("/gestion/familles"))).StatusCode);
    }

    [Fact]
    public async Task Deleting_a_family_still_used_is_refused_with_the_count_of_its_listings()
    {
        await using var connection = await database.OpenAsync();
        await ActorRows.InsertAsync(connection, "Fablab de Chenôve", 3, "tiers-lieu", 5.0070, 47.2920);
        await ActorRows.InsertAsync(connection, "La Vapeur", 3, "tiers-lieu", 5.0300, 47.3180);
        await ActorRows.InsertAsync(connection, "Ancien tiers-lieu", 3, "tiers-lieu", 5.0300, 47.3180, status: "archived");
        var id = await connection.ExecuteScalarAsync<int>("select id from actor_family where slug = 'tiers-lieu'");
        await TestAccounts.CreateAsync(factory, $"curateur-familles-{suffix}@exemple.test", PortalRoles.Curator);
        using var client = await TestAccounts.SignedInClientAsync(factory, $"curateur-familles-{suffix}@exemple.test");

        var refused = await client.SubmitAsync("/gestion/familles", $"/gestion/familles/{id}/suppression");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("est utilisée par 3 fiches", (await refused.ReadPageAsync()).Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from actor_family where id = @id", new { id }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from audit_log where entity = 'actor_family'"));
    }
}
