using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Ocim.Portal.Features.Events;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Events;

/// <summary>
/// QUALITY.md §1.3 R8: 2,000 requests spread at random over 5 workshops (registrations and cancellations mixed, so
/// that seats are taken and handed on to waiting people at the same time): no deadlock in PostgreSQL, no 5xx, and
/// every workshop's seats, rows and waiting list agree afterwards.
/// </summary>
public sealed partial class RegistrationStormTests : IClassFixture<DatabaseFixture>
{
    private const int Workshops = 5;
    private const int Seats = 25;
    private const int EarlyPerWorkshop = 60;
    private const int Cancellations = 300;
    private const int Registrations = 1_700;
    private const int InFlight = 48;
    private readonly DatabaseFixture database;

    public RegistrationStormTests(DatabaseFixture database) => this.database = database;

    [Fact]
    public async Task R8_two_thousand_requests_over_five_workshops_cause_no_deadlock_and_no_server_error()
    {
        await using var connection = await database.OpenAsync();
        var sessions = new List<long>();
        for (var w = 0; w < Workshops; w++)
        {
            sessions.Add((await EventRows.InsertAsync(connection, $"tempete-{w}", Seats)).Sessions[0]);
        }

        var random = new Random(8);
        var deadlocksBefore = await DeadlocksAsync(connection);
        var portal = new EventPortal(database.ConnectionString + ";Maximum Pool Size=40", new Dictionary<string, string?>
        {
            ["Events:RegistrationRateLimit:PermitLimit"] = "100000",
            ["Mail:Outbox:Enabled"] = "false",
            ["Events:Housekeeping:Enabled"] = "false",
        });
        var visitors = new List<Visitor>();
        try
        {
            // Before the storm: 60 people per workshop (25 seats, 35 waiting), whose cancel links are known.
            var early = Enumerable.Range(0, Workshops * EarlyPerWorkshop).Select(i => (Workshop: i % Workshops, Index: i)).ToList();
            await ForEachAsync(early, async person =>
            {
                using var visitor = portal.NewVisitor();
                await visitor.OpenFormAsync($"tempete-{person.Workshop}");
                using var response = await visitor.SubmitAsync($"Avant {person.Index}", $"r8.avant{person.Index}@example.org");
                Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
            });
            var bodies = (await connection.QueryAsync<string>(
                "select body from outbox_message where kind in ('registration-confirmed', 'registration-waitlisted') and recipient like 'r8.avant%' order by random()")).ToList();
            var tokens = bodies.Take(Cancellations).Select(b => CancelLink().Match(b).Groups[1].Value).ToList();
            Assert.All(tokens, t => Assert.False(string.IsNullOrEmpty(t)));

            // Everything the storm will send is prepared first: each newcomer's form, each cancel page's token.
            var newcomers = Enumerable.Range(0, Registrations).Select(i => (Workshop: random.Next(Workshops), Index: i)).ToList();
            var forms = new Dictionary<int, Visitor>();
            await ForEachAsync(newcomers, async person =>
            {
                var visitor = portal.NewVisitor();
                await visitor.OpenFormAsync($"tempete-{person.Workshop}");
                lock (forms)
                {
                    forms[person.Index] = visitor;
                    visitors.Add(visitor);
                }
            });
            var cancelForms = new Dictionary<string, (HttpClient Client, string Action, string Token)>();
            await ForEachAsync(tokens, async token =>
            {
                var client = portal.NewClient();
                var (_, page) = await client.GetPageAsync(RegistrationTokens.CancelPath(token));
                var form = page.QuerySelector("form[method=post]")!;
                lock (cancelForms)
                {
                    cancelForms[token] = (client, form.GetAttribute("action")!, form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!);
                }
            });

            // The storm: 2,000 POSTs in a random order, 48 at a time.
            var requests = newcomers.Select(n => (Func<Task<HttpStatusCode>>)(async () =>
                {
                    using var response = await forms[n.Index].SubmitAsync($"Nouvelle {n.Index}", $"r8.nouvelle{n.Index}@example.org");
                    return response.StatusCode;
                }))
                .Concat(tokens.Select(t => (Func<Task<HttpStatusCode>>)(async () =>
                {
                    var (client, action, verification) = cancelForms[t];
                    using var response = await client.PostAsync(new Uri(action, UriKind.Relative),
                        new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = verification }));
                    return response.StatusCode;
                })))
                .OrderBy(_ => random.Next())
                .ToList();
            Assert.Equal(2_000, requests.Count);
            var statuses = new List<HttpStatusCode>();
            await ForEachAsync(requests, async request =>
            {
                var status = await request();
                lock (statuses)
                {
                    statuses.Add(status);
                }
            });

            Assert.DoesNotContain(statuses, s => (int)s >= 500);
            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.SeeOther, s));
            foreach (var (client, _, _) in cancelForms.Values)
            {
                client.Dispose();
            }
        }
        finally
        {
            foreach (var visitor in visitors)
            {
                visitor.Dispose();
            }

            // The app's connections close here: their backends report what they counted (deadlocks included).
            portal.Dispose();
        }

        Assert.Equal(0, await DeadlocksAsync(connection) - deadlocksBefore);
        foreach (var session in sessions)
        {
            var (confirmedCount, confirmed, waiting) = await connection.QuerySingleAsync<(int, int, int)>("""
                select s.confirmed,
                       (select count(*)::int from registration r where r.session_id = s.id and r.status = 'confirmed'),
                       (select count(*)::int from registration r where r.session_id = s.id and r.status = 'waitlisted')
                from event_session s where s.id = @session
                """, new { session });
            Assert.Equal(confirmed, confirmedCount);
            Assert.Equal(Seats, confirmed);
            Assert.True(waiting > 0);
        }

        Assert.Equal(Cancellations, await connection.ExecuteScalarAsync<int>("select count(*) from registration where status = 'cancelled'"));
        Assert.Equal(Workshops * EarlyPerWorkshop + Registrations, await connection.ExecuteScalarAsync<int>("select count(*) from registration"));
        // Each promotion told its person once.
        Assert.Equal(
            await connection.ExecuteScalarAsync<int>("select count(*) from registration where promoted_at is not null"),
            await connection.ExecuteScalarAsync<int>("select count(*) from outbox_message where kind = 'registration-promoted'"));
    }

    private static async Task<long> DeadlocksAsync(Npgsql.NpgsqlConnection connection)
    {
        // This backend's own pending statistics do not matter; the others' are flushed when they end.
        await connection.ExecuteAsync("select pg_stat_clear_snapshot()");
        return await connection.ExecuteScalarAsync<long>("select deadlocks from pg_stat_database where datname = current_database()");
    }

    private static Task ForEachAsync<T>(IEnumerable<T> items, Func<T, Task> body) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (item, _) => await body(item));

    [GeneratedRegex(@"/inscription/annuler/([A-Za-z0-9_-]+)")]
    private static partial Regex CancelLink();
}
