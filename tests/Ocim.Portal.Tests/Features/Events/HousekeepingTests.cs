using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Ocim.Portal.Features.Events;
using Ocim.Portal.Infrastructure;
using Ocim.Portal.Infrastructure.Mail;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Events;

/// <summary>The retention purge and the reminders, driven by a test clock on the real database.</summary>
public sealed class HousekeepingTests : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private readonly DatabaseFixture database;
    private NpgsqlDataSource dataSource = null!;

    public HousekeepingTests(DatabaseFixture database) => this.database = database;

    public Task InitializeAsync()
    {
        dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await dataSource.DisposeAsync();

    [Fact]
    public async Task Personal_data_is_erased_the_configured_months_after_the_last_session_and_not_before()
    {
        await using var connection = await database.OpenAsync();
        var clock = new ManualClock(new DateTimeOffset(2031, 1, 15, 2, 0, 0, TimeSpan.Zero));
        // One event ended 13 months before the clock, one 11 months before; a third has a session 13 months ago and one to come.
        var (_, old) = await EventRows.InsertAsync(connection, "purge-ancien", 5, [new DateTimeOffset(2029, 12, 10, 9, 0, 0, TimeSpan.Zero)]);
        var (_, recent) = await EventRows.InsertAsync(connection, "purge-recent", 5, [new DateTimeOffset(2030, 2, 10, 9, 0, 0, TimeSpan.Zero)]);
        var (_, spanning) = await EventRows.InsertAsync(connection, "purge-cycle", 5, [new DateTimeOffset(2029, 12, 10, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2031, 3, 1, 9, 0, 0, TimeSpan.Zero)]);
        var oldId = await InsertRegistrationAsync(connection, old[0], "ancien@example.org");
        var recentId = await InsertRegistrationAsync(connection, recent[0], "recent@example.org");
        var spanningId = await InsertRegistrationAsync(connection, spanning[0], "cycle@example.org");
        await connection.ExecuteAsync("update registration set attended = true where id = @oldId", new { oldId });

        var purge = new ErasePersonalData(dataSource, new EventSettings { RetentionMonths = 12 }, clock);
        Assert.Equal(1, await purge.RunAsync(CancellationToken.None));
        Assert.Equal(0, await purge.RunAsync(CancellationToken.None));

        var rows = (await connection.QueryAsync<(long Id, string? FullName, string? Email, string? Organisation, bool? Attended, string Status)>(
            "select id, full_name, email, organisation, attended, status from registration where id = any(@ids) order by id",
            new { ids = new[] { oldId, recentId, spanningId } })).ToDictionary(r => r.Id);
        Assert.Equal((null, null, null, true, "confirmed"), (rows[oldId].FullName, rows[oldId].Email, rows[oldId].Organisation, rows[oldId].Attended, rows[oldId].Status));
        Assert.Equal("recent@example.org", rows[recentId].Email);
        Assert.Equal("cycle@example.org", rows[spanningId].Email);
        // The outbox kept the old registrant's address and link: gone too; the others' messages stay.
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from outbox_message where recipient = 'ancien@example.org'"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from outbox_message where recipient = 'recent@example.org'"));

        // Two months later, the 11-month-old event is past its 12 months too.
        clock.Advance(TimeSpan.FromDays(61));
        Assert.Equal(1, await purge.RunAsync(CancellationToken.None));
        Assert.Null(await connection.ExecuteScalarAsync<string?>("select email from registration where id = @recentId", new { recentId }));
    }

    [Fact]
    public async Task The_reminder_goes_once_to_confirmed_registrants_of_sessions_starting_within_a_day()
    {
        await using var connection = await database.OpenAsync();
        var clock = new ManualClock(new DateTimeOffset(2032, 4, 1, 8, 0, 0, TimeSpan.Zero));
        var (_, tomorrow) = await EventRows.InsertAsync(connection, "rappel-demain", 5, [clock.GetUtcNow().AddHours(20)]);
        var (_, later) = await EventRows.InsertAsync(connection, "rappel-plus-tard", 5, [clock.GetUtcNow().AddHours(30)]);
        await InsertRegistrationAsync(connection, tomorrow[0], "demain@example.org");
        await InsertRegistrationAsync(connection, tomorrow[0], "attente@example.org", status: "waitlisted");
        await InsertRegistrationAsync(connection, later[0], "plustard@example.org");

        var reminders = new SendReminders(dataSource, new PublicSite(new Uri("https://portail.example")), clock);
        Assert.Equal(1, await reminders.RunAsync(CancellationToken.None));
        Assert.Equal(0, await reminders.RunAsync(CancellationToken.None));

        var mail = await connection.QuerySingleAsync<(string Recipient, string Subject, string Body)>(
            "select recipient, subject, body from outbox_message where kind = 'registration-reminder' and recipient like '%@example.org' and body like '%rappel-demain%'");
        Assert.Equal("demain@example.org", mail.Recipient);
        Assert.StartsWith("Rappel : Atelier de test, ", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("https://portail.example/evenements/rappel-demain", mail.Body, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromHours(7));
        Assert.Equal(1, await reminders.RunAsync(CancellationToken.None));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from outbox_message where kind = 'registration-reminder' and recipient = 'plustard@example.org'"));
    }

    [Fact]
    public void The_app_runs_both_background_jobs_the_outbox_worker_and_the_events_housekeeping()
    {
        // Both once registered as BackgroundService factories, and AddHostedService keeps one per implementation type.
        using var factory = new PortalFactory(database.ConnectionString);
        var jobs = factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Select(s => s.GetType()).ToList();

        Assert.Contains(typeof(OutboxWorker), jobs);
        Assert.Contains(typeof(EventHousekeeping), jobs);
    }

    private static async Task<long> InsertRegistrationAsync(NpgsqlConnection connection, long session, string email, string status = "confirmed")
    {
        var id = await connection.ExecuteScalarAsync<long>("""
            insert into registration (session_id, status, full_name, email, organisation, consent_at, idempotency_key, cancel_token_hash, confirmed_at)
            values (@session, @status, 'Personne', @email, 'Structure', now(), gen_random_uuid(), @hash, case when @status = 'confirmed' then now() end)
            returning id
            """, new { session, status, email, hash = RegistrationTokens.Hash(RegistrationTokens.NewToken()) });
        await Outbox.EnqueueAsync(connection, null, new MailRequest("registration-confirmed", email, "Inscription confirmée", "Lien : /inscription/annuler/…", $"registration:{id}:registration-confirmed"));
        if (status == "confirmed")
        {
            await connection.ExecuteAsync("update event_session set confirmed = confirmed + 1 where id = @session", new { session });
        }

        return id;
    }
}
