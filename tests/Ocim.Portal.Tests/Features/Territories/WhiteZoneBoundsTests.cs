using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Ocim.Portal.Features.Territories;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Territories;

/// <summary>
/// The work of a white-zone request is bounded and counted, not timed: at 1 km nationwide nearly every commune is
/// white, and the nearest-actor distance is measured for a bounded number of them, once per cached result, which the
/// page and its CSV share; identical requests arriving together compute it once.
/// </summary>
public sealed class WhiteZoneBoundsTests : IClassFixture<DatabaseFixture>, IDisposable
{
    private readonly DatabaseFixture database;
    private readonly PortalFactory factory;
    private readonly HttpClient client;

    public WhiteZoneBoundsTests(DatabaseFixture database)
    {
        this.database = database;
        factory = new PortalFactory(database.ConnectionString, new Dictionary<string, string?> { ["Portal:RateLimits:lourd:PerClient"] = "10" });
        client = factory.CreatePageClient();
    }

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }

    [Fact]
    public async Task The_nationwide_csv_at_1_km_measures_a_bounded_number_of_distances_and_the_page_says_so()
    {
        await SeedAsync();
        var csv = await client.GetAsync(new Uri("/territoires/couverture.csv?distance_km=1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var rows = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(';')).ToList();

        // Thousands of white communes lie within 200 km of the Belfort actors; only the most populated are measured.
        Assert.True(rows.Count > 30_000, $"{rows.Count} white communes");
        var measured = rows.Count(r => r[5].Length > 0);
        Assert.InRange(measured, 1, FindWhiteZones.MeasuredCommunes);

        var (response, page) = await client.GetPageAsync("/territoires/couverture?distance_km=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var note = page.QuerySelector("#distances-bornees")?.TextContent ?? string.Empty;
        Assert.Contains("mesurée pour les 2 000 communes en zone blanche les plus peuplées", Html.Squash(note).Replace('\u202F', ' ').Replace('\u00A0', ' '), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_its_csv_and_concurrent_copies_of_them_compute_the_white_zones_once()
    {
        await SeedAsync();
        var cache = factory.Services.GetRequiredService<WhiteZoneCache>();
        var before = cache.Computed;

        var requests = Enumerable.Range(0, 3)
            .Select(_ => client.GetAsync(new Uri("/territoires/couverture.csv?distance_km=3&cercle=1", UriKind.Relative)))
            .Append(client.GetAsync(new Uri("/territoires/couverture?distance_km=3&cercle=1", UriKind.Relative)))
            .ToList();
        var responses = await Task.WhenAll(requests);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var again = await client.GetAsync(new Uri("/territoires/couverture.csv?distance_km=3&cercle=1", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, cache.Computed - before);
        var bodies = await Task.WhenAll(responses.Take(3).Append(again).Select(r => r.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Distinct(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_word_filter_copies_its_actors_once_and_agrees_with_the_same_actors_chosen_by_family()
    {
        await SeedAsync();
        // Only the Giromagny antenna is a university and holds « universitaire »: both filters pick the same actor,
        // one through the counts kept by triggers, the other through the bounded copy of the matches.
        var byWord = await client.GetStringAsync(new Uri("/territoires/departement/90/couverture.csv?distance_km=4&q=universitaire", UriKind.Relative));
        var byFamily = await client.GetStringAsync(new Uri("/territoires/departement/90/couverture.csv?distance_km=4&famille=universite", UriKind.Relative));

        Assert.Equal(byFamily, byWord);
        Assert.Contains(";Delle;", byWord, StringComparison.Ordinal);
        Assert.DoesNotContain(";Giromagny;", byWord, StringComparison.Ordinal);
    }

    private async Task SeedAsync()
    {
        await using var connection = await database.OpenAsync();
        if (await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "select count(*) from actor") > 0)
        {
            return;
        }

        await ActorRows.InsertAsync(connection, "Musée de Belfort", 1, "musee", 6.8630, 47.6380);
        await ActorRows.InsertAsync(connection, "Antenne universitaire de Giromagny", 2, "universite", 6.8280, 47.7420);
        await ActorRows.InsertAsync(connection, "Muséum de Montbéliard", 1, "museum", 6.7980, 47.5100);
    }
}
