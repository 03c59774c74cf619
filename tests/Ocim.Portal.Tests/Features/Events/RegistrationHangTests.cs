using System.Net;
using AngleSharp.Dom;
using Dapper;
using Npgsql;
using Ocim.Portal.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ocim.Portal.Tests.Features.Events;

/// <summary>
/// Issue 7: a database that hangs in the middle of a burst of registrations. The app reaches PostgreSQL through a
/// relay that the test freezes (every byte held, connections left open, as a stalled server or network does) while
/// a hundred and fifty visitors post at once, then thaws: whatever was held, a COMMIT included, reaches the server.
/// Afterwards no registration is half-written (seat count, rows and e-mails agree), every visitor got either their
/// confirmation or a page that keeps their form, and sending that page's form again ends with exactly one
/// registration each: nothing lost, nothing doubled.
/// </summary>
public sealed class RegistrationHangTests : IClassFixture<DatabaseFixture>
{
    private const int Seats = 40;
    private const int Visitors = 150;
    private readonly DatabaseFixture database;
    private readonly ITestOutputHelper output;

    public RegistrationHangTests(DatabaseFixture database, ITestOutputHelper output)
    {
        this.database = database;
        this.output = output;
    }

    [Fact]
    public async Task A_database_that_hangs_mid_burst_leaves_no_half_written_registration_and_every_form_can_be_sent_again()
    {
        await using var connection = await database.OpenAsync();
        var (_, sessions) = await EventRows.InsertAsync(connection, "base-figee", Seats);
        var session = sessions[0];

        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var proxy = new TcpToggleProxy(server.Host!, server.Port);
        proxy.Start();
        // Short timeouts, so that a hang ends each request in seconds: opening a connection, a command, and the
        // cancel request Npgsql sends before it gives the connection up.
        var throughProxy = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            Host = "127.0.0.1",
            Port = proxy.Port,
            Timeout = 2,
            CommandTimeout = 3,
            CancellationTimeout = 500,
            MaxPoolSize = 40,
        }.ConnectionString;
        using var portal = new EventPortal(throughProxy, new Dictionary<string, string?>
        {
            ["Events:RegistrationRateLimit:PermitLimit"] = "100000",
            ["Events:LockTimeoutSeconds"] = "2",
            ["Mail:Outbox:Enabled"] = "false",
            ["Events:Housekeeping:Enabled"] = "false",
        });

        var visitors = Enumerable.Range(0, Visitors).Select(_ => portal.NewVisitor()).ToList();
        try
        {
            using (var opening = new SemaphoreSlim(16))
            {
                await Task.WhenAll(visitors.Select(async v =>
                {
                    await opening.WaitAsync();
                    try
                    {
                        await v.OpenFormAsync("base-figee");
                    }
                    finally
                    {
                        opening.Release();
                    }
                }));
            }

            // Everyone posts at once; the relay freezes once a few registrations have gone through.
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var posts = visitors.Select((v, i) => PostAsync(v, gate.Task, i)).ToList();
            gate.SetResult();
            var registeredBeforeFreeze = await FreezeOnceRegisteredAsync(connection, proxy, session, atLeast: 10);

            using (var hangGuard = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
            {
                await Task.WhenAll(posts).WaitAsync(hangGuard.Token);
            }

            using var client = portal.NewClient();
            var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);

            // The hang ends: held bytes reach the server, abandoned transactions end when their connection does.
            proxy.Thaw();
            await WaitForAbandonedTransactionsAsync(connection);

            var first = posts.Select(p => p.Result).ToList();
            var unexpected = first.Where(o => o.Status is not (HttpStatusCode.SeeOther or HttpStatusCode.ServiceUnavailable)).ToList();
            Assert.True(unexpected.Count == 0, string.Join("\n", unexpected.Select(o => $"{(int)o.Status}: {o.Body}")));
            var unconfirmed = first.Where(o => o.Status == HttpStatusCode.ServiceUnavailable).ToList();
            Assert.True(unconfirmed.Count > 0, $"No request was caught by the hang ({registeredBeforeFreeze} registered before the freeze): the test proved nothing.");
            Assert.Contains(first, o => o.Status == HttpStatusCode.SeeOther);
            Assert.All(unconfirmed, o => Assert.NotNull(o.RetryAfter));

            var resendPages = unconfirmed.Count(o => o.Body!.Contains("registration-resend", StringComparison.Ordinal));
            var committedAnyway = 0;
            foreach (var outcome in unconfirmed)
            {
                committedAnyway += await connection.ExecuteScalarAsync<int>(
                    "select count(*) from registration where idempotency_key = @key", new { key = Guid.Parse(outcome.Visitor.Key) });
            }

            output.WriteLine($"{registeredBeforeFreeze} registered before the freeze; {first.Count - unconfirmed.Count} confirmed pages, " +
                $"{unconfirmed.Count} × 503 ({resendPages} pages to send the form again); {committedAnyway} of the 503s had been committed.");

            // The page that keeps the form is a page like the others: valid HTML (it is shown only during an outage, so
            // the quality gates' page list cannot reach it).
            var resendPage = unconfirmed.First(o => o.Body!.Contains("registration-resend", StringComparison.Ordinal)).Body!;
            var htmlErrors = await Ocim.Portal.Tests.Quality.QualityTools.ValidateHtmlAsync([("page to send the form again", resendPage)]);
            Assert.True(htmlErrors.Count == 0, string.Join("\n", htmlErrors));
            Assert.Contains("<title>Inscription non confirmée", resendPage, StringComparison.Ordinal);

            // Nothing half-written: whatever the hang interrupted was rolled back or committed whole.
            await AssertConsistentAsync(connection, session);
            foreach (var outcome in first.Where(o => o.Status == HttpStatusCode.SeeOther))
            {
                Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
                    "select count(*) from registration where idempotency_key = @key", new { key = Guid.Parse(outcome.Visitor.Key) }));
            }

            // Every 503 kept the form: either the page to send it again (the hang), or the registration form
            // itself (a lock that outlived the lock timeout, « rien n'a été enregistré »). Sent again, each form
            // becomes one registration, whether or not its first sending had been committed.
            foreach (var outcome in unconfirmed)
            {
                using var again = await SendAgainAsync(outcome);
                Assert.Equal(HttpStatusCode.SeeOther, again.StatusCode);
                Assert.Equal(RegistrationPath(outcome.Visitor.Key), again.Headers.Location?.OriginalString);
            }

            await AssertConsistentAsync(connection, session);
            var rows = (await connection.QueryAsync<(Guid Key, string Status, string Email)>(
                "select idempotency_key, status, email from registration where session_id = @session", new { session })).ToList();
            Assert.Equal(Visitors, rows.Count);
            Assert.Equal(visitors.Select(v => Guid.Parse(v.Key)).Order(), rows.Select(r => r.Key).Order());
            Assert.Equal(Seats, rows.Count(r => r.Status == "confirmed"));
            Assert.Equal(Visitors - Seats, rows.Count(r => r.Status == "waitlisted"));
            Assert.DoesNotContain(portal.Logs, l => l.StartsWith("Critical", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var visitor in visitors)
            {
                visitor.Dispose();
            }
        }
    }

    /// <summary>The seat count, the rows and the e-mails agree: one e-mail per registration, of its kind.</summary>
    private static async Task AssertConsistentAsync(NpgsqlConnection connection, long session)
    {
        var (capacity, confirmedCount) = await connection.QuerySingleAsync<(int, int)>(
            "select capacity, confirmed from event_session where id = @session", new { session });
        var rows = (await connection.QueryAsync<(string Status, string Email)>(
            "select status, email from registration where session_id = @session", new { session })).ToList();
        Assert.Equal(rows.Count(r => r.Status == "confirmed"), confirmedCount);
        Assert.True(confirmedCount <= capacity, $"{confirmedCount} confirmed for {capacity} seats");
        Assert.Equal(rows.Count, rows.Select(r => r.Email).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        var mails = (await connection.QueryAsync<(string Kind, string Recipient)>(
            "select kind, recipient from outbox_message where kind in ('registration-confirmed', 'registration-waitlisted') and recipient like 'gel.%'")).ToList();
        Assert.Equal(rows.Count, mails.Count);
        var statusByEmail = rows.ToDictionary(r => r.Email, r => r.Status, StringComparer.Ordinal);
        Assert.All(mails, mail => Assert.Equal(statusByEmail[mail.Recipient] == "confirmed" ? "registration-confirmed" : "registration-waitlisted", mail.Kind));
    }

    private static async Task<int> FreezeOnceRegisteredAsync(NpgsqlConnection connection, TcpToggleProxy proxy, long session, int atLeast)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            var count = await connection.ExecuteScalarAsync<int>(
                new CommandDefinition("select count(*) from registration where session_id = @session", new { session }, cancellationToken: guard.Token));
            if (count >= atLeast)
            {
                proxy.Freeze();
                return count;
            }

            await Task.Delay(10, guard.Token);
        }
    }

    /// <summary>Until no transaction of the app's abandoned connections is left on the server.</summary>
    private static async Task WaitForAbandonedTransactionsAsync(NpgsqlConnection connection)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'",
            cancellationToken: guard.Token)) > 0)
        {
            await Task.Delay(100, guard.Token);
        }
    }

    private static async Task<Outcome> PostAsync(Visitor visitor, Task gate, int i)
    {
        await gate;
        using var response = await visitor.SubmitAsync($"Personne {i}", $"gel.personne{i}@example.org");
        var body = (int)response.StatusCode >= 400 ? await response.Content.ReadAsStringAsync() : null;
        return new Outcome(visitor, i, response.StatusCode, body, response.Headers.RetryAfter?.Delta);
    }

    /// <summary>As a browser would: the form of the 503 page, posted as it stands.</summary>
    private static async Task<HttpResponseMessage> SendAgainAsync(Outcome outcome)
    {
        var page = await Html.ParseAsync(outcome.Body!);
        if (page.QuerySelector("form.registration-resend") is { } resend)
        {
            var fields = resend.QuerySelectorAll<IElement>("input[type=hidden]")
                .Select(i => KeyValuePair.Create(i.GetAttribute("name")!, i.GetAttribute("value") ?? string.Empty)).ToList();
            Assert.Contains(KeyValuePair.Create("Key", outcome.Visitor.Key), fields);
            Assert.Contains(KeyValuePair.Create("Email", $"gel.personne{outcome.Index}@example.org"), fields);
            return await outcome.Visitor.Client.PostAsync(new Uri(resend.GetAttribute("action")!, UriKind.Relative), new FormUrlEncodedContent(fields));
        }

        Assert.NotNull(page.QuerySelector("form.registration-form"));
        return await outcome.Visitor.SubmitAsync($"Personne {outcome.Index}", $"gel.personne{outcome.Index}@example.org");
    }

    private static string RegistrationPath(string key) => "/evenements/inscription/" + key.Replace("-", string.Empty, StringComparison.Ordinal);

    private sealed record Outcome(Visitor Visitor, int Index, HttpStatusCode Status, string? Body, TimeSpan? RetryAfter);
}
