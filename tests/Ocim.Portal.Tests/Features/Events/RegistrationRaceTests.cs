using System.Net;
using Dapper;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Events;

/// <summary>
/// QUALITY.md §1.3 R1: many visitors at once for the last seats, through HTTP (a GET for the form, then the POST),
/// against the real database. The control run turns the seat guard off and must overbook: otherwise this harness
/// could not see a race, and the real run would prove nothing.
/// </summary>
public sealed class RegistrationRaceTests : IClassFixture<DatabaseFixture>
{
    private const int Seats = 30;
    private const int Visitors = 500;
    private const int DoubleSubmits = 50;
    private readonly DatabaseFixture database;

    public RegistrationRaceTests(DatabaseFixture database) => this.database = database;

    [Fact]
    public async Task Five_hundred_visitors_for_thirty_seats_give_exactly_thirty_confirmed_and_the_rest_waitlisted()
    {
        await using var connection = await database.OpenAsync();
        var (_, sessions) = await EventRows.InsertAsync(connection, "course-aux-places", Seats);
        using var portal = Portal(guard: true);

        var run = await RaceAsync(portal, "course-aux-places", "guarded");

        Assert.Empty(run.ServerErrors);
        var rows = (await connection.QueryAsync<(Guid Key, string Status, string Email)>(
            "select idempotency_key, status, email from registration where session_id = @session", new { session = sessions[0] })).ToList();
        Assert.Equal(Visitors, rows.Count);
        Assert.Equal(Visitors, rows.Select(r => r.Email.ToLowerInvariant()).Distinct().Count());
        Assert.Equal(Seats, rows.Count(r => r.Status == "confirmed"));
        Assert.Equal(Visitors - Seats, rows.Count(r => r.Status == "waitlisted"));
        Assert.Equal(Seats, await connection.ExecuteScalarAsync<int>("select confirmed from event_session where id = @session", new { session = sessions[0] }));

        // Each visitor's answer agrees with the database: a 303 to their own page, which shows their row's status.
        var byKey = rows.ToDictionary(r => r.Key.ToString("N"), r => r.Status);
        foreach (var (key, response) in run.First)
        {
            Assert.Equal(HttpStatusCode.SeeOther, response.Status);
            Assert.Equal($"/evenements/inscription/{key}", response.Location);
            Assert.Equal(byKey[key], response.PageStatus);
        }

        // A double submit gets the first outcome and adds nothing.
        foreach (var (key, response) in run.Again)
        {
            Assert.Equal(HttpStatusCode.SeeOther, response.Status);
            Assert.Equal($"/evenements/inscription/{key}", response.Location);
        }

        // Nothing lost: exactly one e-mail per registration, of the kind its status calls for.
        var mails = (await connection.QueryAsync<(string Kind, string Recipient)>(
            "select kind, recipient from outbox_message where kind in ('registration-confirmed', 'registration-waitlisted')")).ToList();
        Assert.Equal(Visitors, mails.Count);
        var statusByEmail = rows.ToDictionary(r => r.Email, r => r.Status, StringComparer.Ordinal);
        Assert.All(mails, mail => Assert.Equal(statusByEmail[mail.Recipient] == "confirmed" ? "registration-confirmed" : "registration-waitlisted", mail.Kind));
    }

    [Fact]
    public async Task Control_without_the_seat_guard_the_same_race_overbooks()
    {
        await using var connection = await database.OpenAsync();
        var (_, sessions) = await EventRows.InsertAsync(connection, "course-sans-garde", Seats);
        using var portal = Portal(guard: false);

        var run = await RaceAsync(portal, "course-sans-garde", "unguarded");

        Assert.Empty(run.ServerErrors);
        var confirmed = await connection.ExecuteScalarAsync<int>(
            "select count(*) from registration where session_id = @session and status = 'confirmed'", new { session = sessions[0] });
        Assert.True(confirmed > Seats, $"The unguarded run confirmed {confirmed} registrations for {Seats} seats: the harness cannot see a race.");
    }

    private EventPortal Portal(bool guard) => new(database.ConnectionString + ";Maximum Pool Size=40", new Dictionary<string, string?>
    {
        ["Events:RegistrationRateLimit:PermitLimit"] = "100000",
        ["Events:Testing:DisableSeatGuard"] = guard ? "false" : "true",
        ["Events:Testing:UnguardedPauseMs"] = "20",
        ["Mail:Outbox:Enabled"] = "false",
        ["Events:Housekeeping:Enabled"] = "false",
    });

    private static async Task<RaceRun> RaceAsync(EventPortal portal, string slug, string prefix)
    {
        var visitors = new List<Visitor>();
        try
        {
            // Every visitor opens the form first (its own cookies, token and key), a few at a time.
            using (var opening = new SemaphoreSlim(16))
            {
                for (var i = 0; i < Visitors; i++)
                {
                    visitors.Add(portal.NewVisitor());
                }

                await Task.WhenAll(visitors.Select(async v =>
                {
                    await opening.WaitAsync();
                    try
                    {
                        await v.OpenFormAsync(slug);
                    }
                    catch (Xunit.Sdk.XunitException ex)
                    {
                        throw new InvalidOperationException(ex.Message + "\n" + string.Join("\n", portal.Logs.Where(l => !l.StartsWith("Information", StringComparison.Ordinal))), ex);
                    }
                    finally
                    {
                        opening.Release();
                    }
                }));
            }

            // Then all of them post at once, and the first fifty post their form a second time.
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var first = visitors.Select((v, i) => PostAsync(v, gate.Task, $"Personne {i}", Email(prefix, i))).ToList();
            var again = visitors.Take(DoubleSubmits).Select((v, i) => PostAsync(v, gate.Task, $"Personne {i}", Email(prefix, i))).ToList();
            gate.SetResult();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await Task.WhenAll(first.Concat(again)).WaitAsync(timeout.Token);

            var firstResults = new List<(string Key, Outcome Response)>();
            for (var i = 0; i < Visitors; i++)
            {
                var outcome = await first[i];
                if (outcome.Status == HttpStatusCode.SeeOther)
                {
                    var (_, page) = await visitors[i].Client.GetPageAsync(outcome.Location!);
                    outcome = outcome with { PageStatus = page.QuerySelector("[data-registration-status]")?.GetAttribute("data-registration-status") };
                }

                firstResults.Add((visitors[i].Key.Replace("-", string.Empty, StringComparison.Ordinal), outcome));
            }

            var againResults = new List<(string Key, Outcome Response)>();
            for (var i = 0; i < DoubleSubmits; i++)
            {
                againResults.Add((visitors[i].Key.Replace("-", string.Empty, StringComparison.Ordinal), await again[i]));
            }

            var errors = firstResults.Concat(againResults).Where(r => (int)r.Response.Status >= 500).Select(r => $"{r.Response.Status}: {r.Response.Body}").ToList();
            return new RaceRun(firstResults, againResults, errors);
        }
        finally
        {
            foreach (var visitor in visitors)
            {
                visitor.Dispose();
            }
        }
    }

    private static async Task<Outcome> PostAsync(Visitor visitor, Task gate, string name, string email)
    {
        await gate;
        using var response = await visitor.SubmitAsync(name, email);
        var body = (int)response.StatusCode >= 400 ? await response.Content.ReadAsStringAsync() : null;
        return new Outcome(response.StatusCode, response.Headers.Location?.OriginalString, body, null);
    }

    private static string Email(string prefix, int i) => $"{prefix}.personne{i}@example.org";

    private sealed record Outcome(HttpStatusCode Status, string? Location, string? Body, string? PageStatus);

    private sealed record RaceRun(List<(string Key, Outcome Response)> First, List<(string Key, Outcome Response)> Again, List<string> ServerErrors);
}
