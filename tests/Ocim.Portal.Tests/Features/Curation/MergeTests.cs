using System.Net;
using Dapper;
using Ocim.Portal.Data;
using Ocim.Portal.Tests.Features.Actors.Import;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Curation;

/// <summary>Merging two listings: per-field choice, one transaction, 301 from the old URL, histories, import keys.</summary>
public sealed class MergeTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    // xunit makes one instance per test on the same database: accounts get this instance's suffix.
    private readonly string suffix = Guid.NewGuid().ToString("N")[..8];
    private PortalFactory factory = null!;

    public async Task InitializeAsync()
    {
        factory = new PortalFactory(database.ConnectionString);
        await TestAccounts.CreateAsync(factory, Curator, PortalRoles.Curator);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => factory.Dispose();

    private string Curator => $"curatrice-fusion-{suffix}@exemple.test";

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string ComparePage(long a, long b) => $"/gestion/doublons/fusion?a={Id(a)}&b={Id(b)}";

    [Fact]
    public async Task The_survivor_takes_the_chosen_fields_the_other_is_archived_and_its_url_answers_301_and_both_histories_are_kept()
    {
        await using var connection = await database.OpenAsync();
        var survivor = await ActorRows.InsertAsync(connection, "Muséum de Dijon", 1, "museum", 5.0415, 47.3220, shortDescription: "Ancienne description");
        var other = await ActorRows.InsertAsync(connection, "Muséum d'histoire naturelle de Dijon", 1, "museum", 5.0445, 47.3225, shortDescription: "Nouvelle description");
        await connection.ExecuteAsync("update actor set website = 'https://museum.dijon.fr', siret = '21210231500019' where id = @other", new { other });
        var representative = await TestAccounts.CreateAsync(factory, $"rep-fusion-{suffix}@exemple.test", PortalRoles.Representative, representedActor: other);

        using var client = await TestAccounts.SignedInClientAsync(factory, Curator);
        var (comparePage, compare) = await client.GetPageAsync(ComparePage(survivor, other));
        Assert.Equal(HttpStatusCode.OK, comparePage.StatusCode);
        Assert.Contains("Nouvelle description", compare.Body!.TextContent, StringComparison.Ordinal);

        // Keep the survivor's name, take the other's description; the website (empty on the survivor) is ticked by default.
        var response = await client.SubmitAsync(ComparePage(survivor, other), "/gestion/doublons/fusion",
            ("garder", Id(survivor)), ("fusionner", Id(other)), ("prendre", "short_description"), ("prendre", "website"),
            ("prendre", "pas-un-champ"));
        Forms.AssertRedirect(response, $"/gestion/doublons/fusion/{Id(survivor)}");

        var row = await connection.QuerySingleAsync<(string Name, string ShortDescription, string Website, string? Siret, string Status)>(
            "select name, short_description, website, siret, status from actor where id = @survivor", new { survivor });
        Assert.Equal(("Muséum de Dijon", "Nouvelle description", "https://museum.dijon.fr", null, "published"), row);
        var merged = await connection.QuerySingleAsync<(string Status, long? MergedInto)>(
            "select status, merged_into from actor where id = @other", new { other });
        Assert.Equal(("archived", survivor), merged);
        Assert.Equal([survivor], await connection.QueryAsync<long>(
            "select actor_id from actor_representative where account_id = @id", new { id = representative.Id }));

        var actions = (await connection.QueryAsync<(long EntityId, string Action)>(
            "select entity_id, action from audit_log where entity_id in (@survivor, @other) order by id", new { survivor, other })).ToList();
        Assert.Contains((survivor, "actor.merged"), actions);
        Assert.Contains((other, "actor.merged_into"), actions);
        Assert.Contains("Nouvelle description", await connection.ExecuteScalarAsync<string>(
            "select changes::text from audit_log where action = 'actor.merged' and entity_id = @survivor", new { survivor }), StringComparison.Ordinal);

        // The old address, with or without its slug, leads to the survivor for good.
        using var visitor = factory.CreatePageClient();
        foreach (var old in new[] { $"/acteurs/{Id(other)}", $"/acteurs/{Id(other)}-museum-d-histoire-naturelle-de-dijon" })
        {
            var redirect = await visitor.GetAsync(new Uri(old, UriKind.Relative));
            Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
            Assert.Equal($"/acteurs/{Id(survivor)}-museum-de-dijon", redirect.Headers.Location?.OriginalString);
        }

        // Merging again, or a listing with itself, is refused in French, and nothing changes.
        var againToken = await client.TokenAsync("/compte");
        var again = await client.PostFormAsync("/gestion/doublons/fusion", [new("garder", Id(other)), new("fusionner", Id(survivor))], againToken);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("déjà été fusionnée", (await again.ReadPageAsync()).Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listing_cannot_be_merged_with_itself()
    {
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Planétarium de Vaulx-en-Velin", 1, "planetarium", 4.9190, 45.7790);
        using var client = await TestAccounts.SignedInClientAsync(factory, Curator);

        var (page, document) = await client.GetPageAsync(ComparePage(actor, actor));
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("ne peut pas être fusionnée avec elle-même", document.Body!.TextContent, StringComparison.Ordinal);

        var token = await client.TokenAsync("/compte");
        var response = await client.PostFormAsync("/gestion/doublons/fusion", [new("garder", Id(actor)), new("fusionner", Id(actor))], token);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("published", await connection.ExecuteScalarAsync<string>("select status from actor where id = @actor", new { actor }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from audit_log where entity_id = @actor", new { actor }));
    }

    [Fact]
    public async Task Two_curators_merging_the_same_pair_at_once_merge_it_once()
    {
        await using var connection = await database.OpenAsync();
        var a = await ActorRows.InsertAsync(connection, "Fablab de Chenôve", 3, "fablab", 5.0070, 47.2920);
        var b = await ActorRows.InsertAsync(connection, "Fab lab Chenove", 3, "fablab", 5.0075, 47.2925);
        using var first = await TestAccounts.SignedInClientAsync(factory, Curator);
        using var second = await TestAccounts.SignedInClientAsync(factory, Curator);
        var firstToken = await first.TokenAsync(ComparePage(a, b));
        var secondToken = await second.TokenAsync(ComparePage(a, b));

        // Crossed: one keeps a, the other keeps b. Exactly one wins; the other is told the listing is already merged.
        var responses = await Task.WhenAll(
            first.PostFormAsync("/gestion/doublons/fusion", [new("garder", Id(a)), new("fusionner", Id(b))], firstToken),
            second.PostFormAsync("/gestion/doublons/fusion", [new("garder", Id(b)), new("fusionner", Id(a))], secondToken));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Redirect);
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Conflict);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from actor where id in (@a, @b) and merged_into is not null", new { a, b }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from audit_log where action = 'actor.merged' and entity_id in (@a, @b)", new { a, b }));
    }

    [Fact]
    public async Task After_a_merge_re_importing_either_source_updates_the_survivor_and_creates_nothing()
    {
        const string sourceA = """
            id_externe;nom;cercle;famille;commune;longitude;latitude
            a1;Jardin des sciences de Dijon;1;jardin-botanique;;5.0300;47.3180
            """;
        const string sourceB = """
            id_externe;nom;cercle;famille;commune;longitude;latitude
            b1;Jardin des Sciences – Arquebuse;1;jardin-botanique;;5.0302;47.3181
            """;
        await using var import = new ImportHelper(database);
        await import.ImportAsync(sourceA, "fusion-a");
        await import.ImportAsync(sourceB, "fusion-b");
        await using var connection = await database.OpenAsync();
        var survivor = await connection.ExecuteScalarAsync<long>("select id from actor where source = 'fusion-a' and external_id = 'a1'");
        var other = await connection.ExecuteScalarAsync<long>("select id from actor where source = 'fusion-b' and external_id = 'b1'");

        using var client = await TestAccounts.SignedInClientAsync(factory, Curator);
        Forms.AssertRedirect(await client.SubmitAsync(ComparePage(survivor, other), "/gestion/doublons/fusion",
            ("garder", Id(survivor)), ("fusionner", Id(other))), $"/gestion/doublons/fusion/{Id(survivor)}");
        var count = await connection.ExecuteScalarAsync<int>("select count(*) from actor");

        // Each source, unchanged, finds its listing unchanged (source A) or updates the survivor (source B's name).
        var againA = await import.ImportAsync(sourceA, "fusion-a");
        Assert.Equal((0, 0, 1), (againA.Inserted, againA.Updated, againA.Unchanged));
        var againB = await import.ImportAsync(sourceB, "fusion-b");
        Assert.Equal((0, 1, 0), (againB.Inserted, againB.Updated, againB.Unchanged));
        Assert.Equal(count, await connection.ExecuteScalarAsync<int>("select count(*) from actor"));
        Assert.Equal("Jardin des Sciences – Arquebuse", await connection.ExecuteScalarAsync<string>("select name from actor where id = @survivor", new { survivor }));
        Assert.Equal(("archived", (string?)null), await connection.QuerySingleAsync<(string, string?)>("select status, external_id from actor where id = @other", new { other }));
        var twice = await import.ImportAsync(sourceB, "fusion-b");
        Assert.Equal((0, 0, 1), (twice.Inserted, twice.Updated, twice.Unchanged));
    }

    [Fact]
    public async Task A_survivor_without_an_import_key_takes_the_other_s_and_a_curator_of_another_region_gets_404()
    {
        await using var import = new ImportHelper(database);
        const string source = """
            id_externe;nom;cercle;famille;commune;longitude;latitude
            c1;Centre de sciences de Besançon;1;centre-de-sciences;;6.0240;47.2380
            """;
        await import.ImportAsync(source, "fusion-c");
        await using var connection = await database.OpenAsync();
        var imported = await connection.ExecuteScalarAsync<long>("select id from actor where source = 'fusion-c' and external_id = 'c1'");
        var typed = await ActorRows.InsertAsync(connection, "Centre de sciences de Besancon", 1, "centre-de-sciences", 6.0241, 47.2381);
        await connection.ExecuteAsync("update actor set external_id = null, source = 'saisie' where id = @typed", new { typed });

        await TestAccounts.CreateAsync(factory, $"curateur-ara-{suffix}@exemple.test", PortalRoles.Curator, regionScope: "84");
        using var outsider = await TestAccounts.SignedInClientAsync(factory, $"curateur-ara-{suffix}@exemple.test");
        var token = await outsider.TokenAsync("/compte");
        var refused = await outsider.PostFormAsync("/gestion/doublons/fusion", [new("garder", Id(typed)), new("fusionner", Id(imported))], token);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(new Uri(ComparePage(typed, imported), UriKind.Relative))).StatusCode);
        Assert.Null(await connection.ExecuteScalarAsync<long?>("select merged_into from actor where id = @imported", new { imported }));

        using var client = await TestAccounts.SignedInClientAsync(factory, Curator);
        Forms.AssertRedirect(await client.SubmitAsync(ComparePage(typed, imported), "/gestion/doublons/fusion",
            ("garder", Id(typed)), ("fusionner", Id(imported))), $"/gestion/doublons/fusion/{Id(typed)}");
        Assert.Equal(("fusion-c", "c1"), await connection.QuerySingleAsync<(string, string)>("select source, external_id from actor where id = @typed", new { typed }));
        var again = await import.ImportAsync(source, "fusion-c");
        Assert.Equal(0, again.Inserted);
    }
}
