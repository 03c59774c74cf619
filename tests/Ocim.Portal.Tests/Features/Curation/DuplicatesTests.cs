using System.Net;
using Dapper;
using Ocim.Portal.Data;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Curation;

/// <summary>/gestion/doublons: pairs by shared identifier and by similar names nearby; « pas un doublon » is remembered.</summary>
public sealed class DuplicatesTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    private PortalFactory factory = null!;

    public Task InitializeAsync()
    {
        factory = new PortalFactory(database.ConnectionString);
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => factory.Dispose();

    private static string Cell(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static IEnumerable<(long Low, long High)> Pairs(AngleSharp.Dom.IDocument page) =>
        page.QuerySelectorAll("form[action='/gestion/doublons/pas-un-doublon']").Select(f =>
            (long.Parse(f.QuerySelector("input[name=a]")!.GetAttribute("value")!, System.Globalization.CultureInfo.InvariantCulture),
             long.Parse(f.QuerySelector("input[name=b]")!.GetAttribute("value")!, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public async Task Similar_names_close_together_and_shared_identifiers_are_suggested_and_a_ruled_out_pair_disappears()
    {
        await using var connection = await database.OpenAsync();
        // Dijon: two spellings of one museum 300 m apart; a namesake 30 km away in Beaune; an unrelated name next door.
        var museum = await ActorRows.InsertAsync(connection, "Muséum d'histoire naturelle de Dijon", 1, "museum", 5.0415, 47.3220);
        var museumAgain = await ActorRows.InsertAsync(connection, "Museum histoire naturelle Dijon", 1, "museum", 5.0445, 47.3225);
        var farAway = await ActorRows.InsertAsync(connection, "Muséum d'histoire naturelle de Dijon", 1, "museum", 4.8400, 47.0250);
        var unrelated = await ActorRows.InsertAsync(connection, "Fablab des Lentillères", 3, "fablab", 5.0420, 47.3221);
        // Same SIRET, different names and places (Lyon and Dijon).
        var siretA = await ActorRows.InsertAsync(connection, "Association Les Petits Débrouillards", 1, "association", 4.8357, 45.764);
        var siretB = await ActorRows.InsertAsync(connection, "PD Côte-d'Or", 1, "association", 5.0300, 47.3180);
        var archived = await ActorRows.InsertAsync(connection, "Ancienne fiche", 1, "association", 5.0300, 47.3180, status: "archived");
        await connection.ExecuteAsync("update actor set siret = '42166476400033' where id = any(@ids)", new { ids = new[] { siretA, siretB, archived } });

        await TestAccounts.CreateAsync(factory, "curatrice-doublons@exemple.test", PortalRoles.Curator);
        using var client = await TestAccounts.SignedInClientAsync(factory, "curatrice-doublons@exemple.test");

        var (response, page) = await client.GetPageAsync("/gestion/doublons?departement=21");
        Assert.True(response.StatusCode == HttpStatusCode.OK, string.Join("\n", factory.Logs.TakeLast(20)));
        var pairs = Pairs(page).ToList();
        Assert.Contains((Math.Min(museum, museumAgain), Math.Max(museum, museumAgain)), pairs);
        Assert.Contains((siretA, siretB), pairs);
        Assert.DoesNotContain(pairs, p => p.Low == farAway || p.High == farAway);
        Assert.DoesNotContain(pairs, p => p.Low == unrelated || p.High == unrelated);
        Assert.DoesNotContain(pairs, p => p.Low == archived || p.High == archived);
        Assert.Contains("SIRET identique", page.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains("noms semblables", page.Body!.TextContent, StringComparison.Ordinal);

        // Without a department, only identifier pairs (the name search is per department).
        var (_, nationwide) = await client.GetPageAsync("/gestion/doublons");
        Assert.Equal([(siretA, siretB)], Pairs(nationwide).ToList());

        // « Pas un doublon », sent with the ids in either order, is stored once and hides the pair.
        var ruledOut = await client.SubmitAsync("/gestion/doublons?departement=21", "/gestion/doublons/pas-un-doublon",
            ("a", Cell(siretB)), ("b", Cell(siretA)), ("departement", "21"));
        Forms.AssertRedirect(ruledOut, "/gestion/doublons?departement=21");
        var again = await client.SubmitAsync("/gestion/doublons?departement=21", "/gestion/doublons/pas-un-doublon",
            ("a", Cell(siretA)), ("b", Cell(siretB)));
        Forms.AssertRedirect(again, "/gestion/doublons");
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
            "select count(*) from actor_not_duplicate where actor_low = @siretA and actor_high = @siretB", new { siretA, siretB }));
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>(
            "select count(*) from audit_log where action = 'actor.not_duplicate' and entity_id = any(@ids)", new { ids = new[] { siretA, siretB } }));
        var (_, after) = await client.GetPageAsync("/gestion/doublons?departement=21");
        Assert.DoesNotContain((siretA, siretB), Pairs(after));
        Assert.Contains((Math.Min(museum, museumAgain), Math.Max(museum, museumAgain)), Pairs(after));

        // A pair of one listing with itself is refused.
        var self = await client.PostFormAsync("/gestion/doublons/pas-un-doublon", [new("a", Cell(museum)), new("b", Cell(museum))], await client.TokenAsync("/compte"));
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
    }

    [Fact]
    public async Task A_curator_limited_to_a_department_sees_only_pairs_within_it_and_cannot_rule_on_others()
    {
        await using var connection = await database.OpenAsync();
        var lyonA = await ActorRows.InsertAsync(connection, "Musée des Confluences", 1, "musee", 4.8180, 45.7330);
        var lyonB = await ActorRows.InsertAsync(connection, "Musee des Confluences Lyon", 1, "musee", 4.8185, 45.7332);
        var dijonA = await ActorRows.InsertAsync(connection, "Planétarium de Dijon", 1, "planetarium", 5.0415, 47.3220);
        var dijonB = await ActorRows.InsertAsync(connection, "Planetarium Dijon", 1, "planetarium", 5.0418, 47.3221);

        await TestAccounts.CreateAsync(factory, "curateur-21@exemple.test", PortalRoles.Curator, departmentScope: "21");
        using var client = await TestAccounts.SignedInClientAsync(factory, "curateur-21@exemple.test");

        // Their department is the default; asking for the Rhône gives nothing of it.
        var (_, own) = await client.GetPageAsync("/gestion/doublons");
        Assert.Contains((Math.Min(dijonA, dijonB), Math.Max(dijonA, dijonB)), Pairs(own));
        var (_, rhone) = await client.GetPageAsync("/gestion/doublons?departement=69");
        Assert.DoesNotContain(Pairs(rhone), p => p.Low == lyonA || p.High == lyonA);

        var token = await client.TokenAsync("/compte");
        var refused = await client.PostFormAsync("/gestion/doublons/pas-un-doublon",
            [new("a", Cell(lyonA)), new("b", Cell(lyonB))], token);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from actor_not_duplicate where actor_low = @lyonA", new { lyonA = Math.Min(lyonA, lyonB) }));
    }
}
