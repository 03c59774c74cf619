using System.Globalization;
using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Ocim.Portal.Data;
using Ocim.Portal.Features.Curation;
using Ocim.Portal.Tests.Features.Actors.Import;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Curation;

/// <summary>
/// The precomputed similar-name pairs (actor_duplicate_candidate): the trigger queues changed listings, a drain
/// recomputes them (once, whatever the number of workers), the page reads the table. The app's worker is off here
/// and the page computes nothing itself (PageBatchSize 0), except where a test says so: the tests drain by hand.
/// </summary>
public sealed class DuplicateCandidatesTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    private readonly string suffix = Guid.NewGuid().ToString("N")[..8];
    private PortalFactory factory = null!;

    public async Task InitializeAsync()
    {
        factory = new PortalFactory(database.ConnectionString, new Dictionary<string, string?>
        {
            ["Curation:Duplicates:Enabled"] = "false",
            ["Curation:Duplicates:PageBatchSize"] = "0",
        });
        await TestAccounts.CreateAsync(factory, Curator, PortalRoles.Curator);

        // Tests of this class share a database: start each from an empty queue.
        await Drain.DrainAllAsync(100, CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => factory.Dispose();

    private string Curator => $"curatrice-candidats-{suffix}@exemple.test";

    /// <summary>The app's own drain, connected as the web role (ocim_web), as the worker and the page run it.</summary>
    private DrainDuplicateCandidates Drain => factory.Services.GetRequiredService<DrainDuplicateCandidates>();

    private static (long Low, long High) Pair(long a, long b) => (Math.Min(a, b), Math.Max(a, b));

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static async Task<List<(long Low, long High)>> CandidatesOfAsync(NpgsqlConnection connection, long id) =>
        (await connection.QueryAsync<(long, long)>(
            "select actor_low, actor_high from actor_duplicate_candidate where actor_low = @id or actor_high = @id order by 1, 2", new { id })).AsList();

    private static async Task<List<long>> QueuedAsync(NpgsqlConnection connection, IEnumerable<long> ids) =>
        (await connection.QueryAsync<long>("select actor_id from actor_duplicate_queue where actor_id = any(@ids) order by 1", new { ids = ids.ToArray() })).AsList();

    private static IEnumerable<(long Low, long High)> PagePairs(AngleSharp.Dom.IDocument page) =>
        page.QuerySelectorAll("form[action='/gestion/doublons/pas-un-doublon']").Select(f =>
            (long.Parse(f.QuerySelector("input[name=a]")!.GetAttribute("value")!, CultureInfo.InvariantCulture),
             long.Parse(f.QuerySelector("input[name=b]")!.GetAttribute("value")!, CultureInfo.InvariantCulture)));

    [Fact]
    public async Task A_renamed_listing_gets_its_new_pairs_even_one_found_only_from_the_other_side_and_loses_the_stale_ones()
    {
        await using var connection = await database.OpenAsync();
        // Rennes. a and b: two spellings of one place, 7 m apart; 25 unrelated listings 10 to 35 m south of a, so a's
        // 25 nearest are b and them. c, 1 km north, has a among its own 25 nearest (a is nearer to c than the others).
        var a = await ActorRows.InsertAsync(connection, "Espace des sciences Rennes", 1, "centre-de-sciences", -1.6800, 48.1100);
        var b = await ActorRows.InsertAsync(connection, "Espace des sciences de Rennes", 1, "centre-de-sciences", -1.6801, 48.1100);
        string[] words = ["Zèbre", "Quartz", "Hibou", "Kayak", "Jungle", "Vortex", "Pixel", "Oxygène", "Yack", "Wapiti", "Gnome", "Fjord",
            "Lynx", "Mammouth", "Nymphe", "Ocelot", "Puma", "Quokka", "Renard", "Saule", "Tulipe", "Urubu", "Vigogne", "Wombat", "Xylophone"];
        for (var i = 0; i < words.Length; i++)
        {
            await ActorRows.InsertAsync(connection, $"{words[i]} {i * 37 % 101}", 3, "autre", -1.6800 + (i % 5 * 0.00005), 48.1100 - 0.0001 - (i / 5 * 0.00005));
        }

        var c = await ActorRows.InsertAsync(connection, "Bibliothèque des Champs Libres", 3, "bibliotheque", -1.6800, 48.1190);
        await Drain.DrainAllAsync(100, CancellationToken.None);
        Assert.Equal([Pair(a, b)], await CandidatesOfAsync(connection, a));

        await connection.ExecuteAsync("update actor set name = 'Bibliothèque des Champs Libres', updated_at = now() where id = @a", new { a });
        Assert.Equal([a], await QueuedAsync(connection, [a, b, c]));
        Assert.Equal(1, await Drain.DrainAllAsync(100, CancellationToken.None));

        Assert.Equal([Pair(a, c)], await CandidatesOfAsync(connection, a));
        Assert.Empty(await connection.QueryAsync("select 1 from actor_duplicate_candidate where actor_low = @low and actor_high = @high", new { low = Pair(a, b).Low, high = Pair(a, b).High }));
        using var client = await TestAccounts.SignedInClientAsync(factory, Curator);
        var (_, page) = await client.GetPageAsync("/gestion/doublons?departement=35");
        var pairs = PagePairs(page).ToList();
        Assert.Contains(Pair(a, c), pairs);
        Assert.DoesNotContain(Pair(a, b), pairs);
        Assert.Contains("noms semblables à 100 %", page.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_merged_or_archived_listing_leaves_the_page_at_once_and_the_table_once_computed()
    {
        await using var connection = await database.OpenAsync();
        var x = await ActorRows.InsertAsync(connection, "Muséum de Toulouse", 1, "museum", 1.4490, 43.5940);
        var y = await ActorRows.InsertAsync(connection, "Museum de Toulouse", 1, "museum", 1.4495, 43.5942);
        var z = await ActorRows.InsertAsync(connection, "Le Muséum de Toulouse", 1, "museum", 1.4500, 43.5945);
        await Drain.DrainAllAsync(100, CancellationToken.None);
        Assert.Equal([Pair(x, y), Pair(x, z)], await CandidatesOfAsync(connection, x));

        using var client = await TestAccounts.SignedInClientAsync(factory, Curator);
        Forms.AssertRedirect(await client.SubmitAsync($"/gestion/doublons/fusion?a={Id(x)}&b={Id(y)}", "/gestion/doublons/fusion",
            ("garder", Id(x)), ("fusionner", Id(y))), $"/gestion/doublons/fusion/{Id(x)}");
        await connection.ExecuteAsync("update actor set status = 'archived' where id = @z", new { z });

        // Nothing computed yet: the pairs are still in the table, but the page leaves out archived listings; it says
        // that two listings of the department wait.
        Assert.Equal([y, z], await QueuedAsync(connection, [x, y, z]));
        Assert.NotEmpty(await CandidatesOfAsync(connection, y));
        var (response, before) = await client.GetPageAsync("/gestion/doublons?departement=31");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(PagePairs(before), p => p.Low == y || p.High == y || p.Low == z || p.High == z);
        Assert.Contains("2 fiches de ce département attendent encore le calcul des noms semblables", Html.Squash(before.Body!.TextContent), StringComparison.Ordinal);

        Assert.Equal(2, await Drain.DrainAllAsync(100, CancellationToken.None));
        Assert.Empty(await CandidatesOfAsync(connection, y));
        Assert.Empty(await CandidatesOfAsync(connection, z));
        var (_, after) = await client.GetPageAsync("/gestion/doublons?departement=31");
        Assert.DoesNotContain("attendent encore", after.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_workers_drain_the_queue_exactly_once_and_a_listing_changed_while_computed_is_queued_again()
    {
        await using var connection = await database.OpenAsync();
        var ids = new List<long>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add(await ActorRows.InsertAsync(connection, $"Lieu de Strasbourg numéro {i}", 3, "autre", 7.70 + i * 0.002, 48.58));
        }

        Assert.Equal(40, (await QueuedAsync(connection, ids)).Count);

        // A first worker has claimed a batch of 10 and is still computing (its transaction is open) when two more
        // start: they claim other listings at once (SKIP LOCKED), then wait for the first one's writes to end.
        await using (var holder = await database.OpenAsync())
        {
            await using var transaction = await holder.BeginTransactionAsync();
            Assert.Equal(10, await DrainDuplicateCandidates.DrainOnceAsync(holder, transaction, 10, null, CancellationToken.None));
            await using var otherSource = NpgsqlDataSource.Create(PortalFactory.AsWebRole(database.ConnectionString));
            var second = new DrainDuplicateCandidates(otherSource);
            var others = Task.WhenAll(Drain.DrainAllAsync(3, CancellationToken.None), second.DrainAllAsync(3, CancellationToken.None));
            await transaction.CommitAsync();
            Assert.Equal(30, (await others).Sum());
        }

        Assert.Empty(await QueuedAsync(connection, ids));
        Assert.Equal(0, await Drain.DrainAllAsync(3, CancellationToken.None));
        // "numéro 1" and "numéro 12"…: similar names, and neighbours 150 m apart, so pairs exist, each once.
        Assert.True(await connection.ExecuteScalarAsync<int>("select count(*) from actor_duplicate_candidate where actor_low = any(@ids)", new { ids }) > 0);

        // A listing renamed while a worker computes it: the rename's queue row waits for that worker, then stays.
        var moved = ids[0];
        await connection.ExecuteAsync("update actor set name = 'Planétarium de Strasbourg' where id = @moved", new { moved });
        await using (var holder = await database.OpenAsync())
        {
            await using var transaction = await holder.BeginTransactionAsync();
            Assert.Equal(1, await DrainDuplicateCandidates.DrainOnceAsync(holder, transaction, 10, null, CancellationToken.None));
            await using var writer = await database.OpenAsync();
            var rename = writer.ExecuteAsync("update actor set name = 'Lieu de Strasbourg numéro 0 bis' where id = @moved", new { moved });
            await transaction.CommitAsync();
            await rename;
        }

        Assert.Equal([moved], await QueuedAsync(connection, ids));
        Assert.Equal(1, await Drain.DrainAllAsync(3, CancellationToken.None));
        Assert.NotEmpty(await CandidatesOfAsync(connection, moved));
    }

    [Fact]
    public async Task The_trigger_queues_imported_listings_and_then_only_those_whose_name_or_place_changed()
    {
        await using var connection = await database.OpenAsync();
        await using var import = new ImportHelper(database);
        var outcome = await import.ImportAsync("""
            id_externe;nom;cercle;famille;commune;longitude;latitude
            n1;Muséum d'histoire naturelle de Nantes;1;museum;;-1.5645;47.2190
            n2;Museum histoire naturelle Nantes;1;museum;;-1.5650;47.2192
            n3;Planétarium de Nantes;1;planetarium;;-1.5420;47.2060
            """, $"candidats-{suffix}");
        Assert.Equal(3, outcome.Inserted);
        var imported = (await connection.QueryAsync<long>("select id from actor where source = @source order by external_id", new { source = $"candidats-{suffix}" })).AsList();
        Assert.Equal(imported, await QueuedAsync(connection, imported));
        await Drain.DrainAllAsync(100, CancellationToken.None);
        Assert.Equal([Pair(imported[0], imported[1])], await CandidatesOfAsync(connection, imported[0]));

        // A re-import that renames one listing and changes another's description queues the renamed one only; an
        // edit of the website queues nothing.
        await import.ImportAsync("""
            id_externe;nom;cercle;famille;commune;longitude;latitude;description_courte
            n1;Muséum d'histoire naturelle de Nantes;1;museum;;-1.5645;47.2190;
            n2;Jardin des plantes de Nantes;1;museum;;-1.5650;47.2192;
            n3;Planétarium de Nantes;1;planetarium;;-1.5420;47.2060;Sous la coupole
            """, $"candidats-{suffix}");
        await connection.ExecuteAsync("update actor set website = 'https://planetarium.nantes.fr' where id = @id", new { id = imported[2] });
        Assert.Equal([imported[1]], await QueuedAsync(connection, imported));
        Assert.Equal(1, await Drain.DrainAllAsync(100, CancellationToken.None));
        Assert.Empty(await CandidatesOfAsync(connection, imported[0]));
    }

    [Fact]
    public async Task The_page_computes_a_small_queue_of_its_department_before_reading_but_never_waits_for_the_worker()
    {
        await using var connection = await database.OpenAsync();
        var first = await ActorRows.InsertAsync(connection, "Observatoire de Besançon", 2, "organisme-de-recherche", 5.9890, 47.2470);
        var second = await ActorRows.InsertAsync(connection, "Observatoire Besançon", 2, "organisme-de-recherche", 5.9895, 47.2472);
        var elsewhere = await ActorRows.InsertAsync(connection, "Musée d'art et d'histoire de Belfort", 1, "musee", 6.8630, 47.6380);
        using var pageFactory = new PortalFactory(database.ConnectionString, new Dictionary<string, string?> { ["Curation:Duplicates:Enabled"] = "false" });
        using var client = await TestAccounts.SignedInClientAsync(pageFactory, Curator);

        // A worker is computing (Belfort's listing; its transaction is open): the page reads without computing.
        await using (var worker = await database.OpenAsync())
        {
            await using var transaction = await worker.BeginTransactionAsync();
            Assert.Equal(1, await DrainDuplicateCandidates.DrainOnceAsync(worker, transaction, 10, "90", CancellationToken.None));
            var (response, waiting) = await client.GetPageAsync("/gestion/doublons?departement=25");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain(Pair(first, second), PagePairs(waiting));
            Assert.Contains("2 fiches de ce département attendent encore le calcul des noms semblables", Html.Squash(waiting.Body!.TextContent), StringComparison.Ordinal);
            await transaction.CommitAsync();
        }

        var (_, page) = await client.GetPageAsync("/gestion/doublons?departement=25");

        Assert.Contains(Pair(first, second), PagePairs(page));
        Assert.Empty(await QueuedAsync(connection, [first, second, elsewhere]));
        Assert.DoesNotContain("attendent encore", page.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_app_runs_the_worker_which_drains_the_queue_in_the_background()
    {
        await using var connection = await database.OpenAsync();
        var first = await ActorRows.InsertAsync(connection, "Cité de l'espace", 1, "centre-de-sciences", 1.4930, 43.5860);
        var second = await ActorRows.InsertAsync(connection, "La Cité de l'espace", 1, "centre-de-sciences", 1.4935, 43.5862);
        using var workerFactory = new PortalFactory(database.ConnectionString, new Dictionary<string, string?> { ["Curation:Duplicates:PollSeconds"] = "0.2" });

        Assert.Contains(typeof(DuplicateCandidateWorker), workerFactory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Select(s => s.GetType()));
        // The worker starts with the host; the queue empties within its first passes (30 s allow for a loaded machine).
        for (var attempt = 0; attempt < 150 && (await QueuedAsync(connection, [first, second])).Count > 0; attempt++)
        {
            await Task.Delay(200);
        }

        Assert.True((await QueuedAsync(connection, [first, second])).Count == 0, string.Join("\n", workerFactory.Logs.TakeLast(20)));
        Assert.Equal([Pair(first, second)], await CandidatesOfAsync(connection, first));
    }
}
