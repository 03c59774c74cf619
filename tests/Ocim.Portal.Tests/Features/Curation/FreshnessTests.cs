using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Ocim.Portal.Data;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Curation;

/// <summary>Freshness: a listing not verified for 12 months is « à vérifier »; the dashboard counts; marking verified.</summary>
public sealed class FreshnessTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    private readonly ManualClock clock = new(new DateTimeOffset(2027, 6, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly string suffix = Guid.NewGuid().ToString("N")[..8];
    private PortalFactory factory = null!;

    public Task InitializeAsync()
    {
        factory = new PortalFactory(database.ConnectionString) { TestServices = s => s.AddSingleton<TimeProvider>(clock) };
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => factory.Dispose();

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static long Count(AngleSharp.Dom.IDocument page, string caption, string row, int column) =>
        long.Parse(page.QuerySelectorAll("table").Single(t => t.QuerySelector("caption")!.TextContent == caption)
            .QuerySelectorAll("tbody tr").Single(r => r.QuerySelector("th")!.TextContent.Trim() == row)
            .QuerySelectorAll("td")[column].TextContent.Replace("\u202f", "", StringComparison.Ordinal).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_dashboard_counts_fresh_stale_and_never_verified_listings_and_marking_one_verified_moves_it()
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("update actor set status = 'archived'");   // other tests' rows leave the counts
        var fresh = await ActorRows.InsertAsync(connection, "Muséum de Dijon", 1, "museum", 5.0415, 47.3220);
        var stale = await ActorRows.InsertAsync(connection, "Jardin de l'Arquebuse", 1, "jardin-botanique", 5.0300, 47.3180);
        var never = await ActorRows.InsertAsync(connection, "Fablab de Beaune", 3, "fablab", 4.8400, 47.0250);
        var lyon = await ActorRows.InsertAsync(connection, "Musée des Confluences", 1, "musee", 4.8180, 45.7330);
        await connection.ExecuteAsync("update actor set verified_at = @at where id = @fresh", new { fresh, at = clock.GetUtcNow().AddMonths(-2) });
        await connection.ExecuteAsync("update actor set verified_at = @at where id = @stale", new { stale, at = clock.GetUtcNow().AddMonths(-13) });
        await connection.ExecuteAsync("update actor set verified_at = @at where id = @lyon", new { lyon, at = clock.GetUtcNow().AddMonths(-1) });

        await TestAccounts.CreateAsync(factory, $"curatrice-fraicheur-{suffix}@exemple.test", PortalRoles.Curator);
        using var client = await TestAccounts.SignedInClientAsync(factory, $"curatrice-fraicheur-{suffix}@exemple.test");

        var (response, dashboard) = await client.GetPageAsync("/gestion/fraicheur");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([1, 1, 1, 3], Enumerable.Range(0, 4).Select(c => Count(dashboard, "Par région", "Bourgogne-Franche-Comté", c)));
        Assert.Equal([1, 0, 0, 1], Enumerable.Range(0, 4).Select(c => Count(dashboard, "Par région", "Auvergne-Rhône-Alpes", c)));
        Assert.Equal([2, 1, 0, 3], Enumerable.Range(0, 4).Select(c => Count(dashboard, "Par cercle", "Cercle 1", c)));
        var (_, region) = await client.GetPageAsync("/gestion/fraicheur?region=27");
        Assert.Equal([1, 1, 1, 3], Enumerable.Range(0, 4).Select(c => Count(region, "Par département", "Côte-d'Or", c)));

        // The stale list, flagged « à vérifier », then marked verified: it leaves the list, dated by the clock, audited.
        var (_, list) = await client.GetPageAsync("/gestion/fraicheur/fiches?etat=a-verifier&region=27");
        var names = list.QuerySelectorAll("tbody tr td:first-child a").Select(a => a.TextContent).ToList();
        Assert.Equal(["Jardin de l'Arquebuse"], names);
        Assert.Contains("à vérifier", list.QuerySelector("tbody tr")!.TextContent, StringComparison.Ordinal);
        var marked = await client.SubmitAsync("/gestion/fraicheur/fiches?etat=a-verifier&region=27", $"/gestion/acteurs/{Id(stale)}/verifiee",
            ("retour", "/gestion/fraicheur/fiches?etat=a-verifier&region=27"));
        Forms.AssertRedirect(marked, "/gestion/fraicheur/fiches?etat=a-verifier&region=27");
        var row = await connection.QuerySingleAsync<(DateTime VerifiedAt, string VerifiedBy)>("select verified_at, verified_by from actor where id = @stale", new { stale });
        Assert.Equal(clock.GetUtcNow().UtcDateTime, row.VerifiedAt.ToUniversalTime());
        Assert.Equal($"curatrice-fraicheur-{suffix}", row.VerifiedBy);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from audit_log where action = 'actor.verified' and entity_id = @stale", new { stale }));
        var (_, after) = await client.GetPageAsync("/gestion/fraicheur/fiches?etat=a-verifier&region=27");
        Assert.Empty(after.QuerySelectorAll("tbody tr"));

        // 13 months later, everything verified so far is stale again.
        clock.Advance(TimeSpan.FromDays(400));
        using var later = await TestAccounts.SignedInClientAsync(factory, $"curatrice-fraicheur-{suffix}@exemple.test");
        var (_, aged) = await later.GetPageAsync("/gestion/fraicheur/fiches?etat=a-verifier");
        Assert.Equal(["Muséum de Dijon", "Musée des Confluences", "Jardin de l'Arquebuse"],
            aged.QuerySelectorAll("tbody tr td:first-child a").Select(a => a.TextContent).ToList());
        Assert.Equal(never, (await connection.QueryAsync<long>("select id from actor where status = 'published' and verified_at is null")).Single());
    }

    [Fact]
    public async Task A_curator_cannot_mark_a_listing_outside_their_scope_and_a_bad_filter_is_refused()
    {
        await using var connection = await database.OpenAsync();
        var lyon = await ActorRows.InsertAsync(connection, "Planétarium de Vaulx-en-Velin", 1, "planetarium", 4.9190, 45.7790);
        await TestAccounts.CreateAsync(factory, $"curateur-21-{suffix}@exemple.test", PortalRoles.Curator, departmentScope: "21");
        using var client = await TestAccounts.SignedInClientAsync(factory, $"curateur-21-{suffix}@exemple.test");

        var token = await client.TokenAsync("/compte");
        var refused = await client.PostFormAsync($"/gestion/acteurs/{Id(lyon)}/verifiee", [], token);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Null(await connection.ExecuteScalarAsync<DateTime?>("select verified_at from actor where id = @lyon", new { lyon }));

        var (_, list) = await client.GetPageAsync("/gestion/fraicheur/fiches?etat=jamais");
        Assert.DoesNotContain("Vaulx-en-Velin", list.Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync(new Uri("/gestion/fraicheur/fiches?etat=perime", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync(new Uri("/gestion/fraicheur/fiches?cercle=7", UriKind.Relative))).StatusCode);
    }
}
