using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Ocim.Portal.Features.Privacy;
using Ocim.Portal.Infrastructure.Background;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Privacy;

/// <summary>
/// The retention of « c'est ma structure » requests, reports and the outbox's log, driven by a test clock years
/// ahead (so the app's own nightly job, on the real clock, never touches these rows); and the notice that states it.
/// </summary>
public sealed class PersonalDataRetentionTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly DateTimeOffset Now = new(2033, 6, 15, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Decided_claims_and_handled_reports_go_after_their_months_pending_ones_and_recent_ones_stay_and_a_second_run_deletes_nothing()
    {
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Muséum de la conservation", 1, "museum", 5.0415, 47.322);
        var oldApproved = await InsertClaimAsync(connection, actor, "approved", Now.AddMonths(-13));
        var oldRejected = await InsertClaimAsync(connection, actor, "rejected", Now.AddMonths(-12).AddDays(-1));
        var recentRejected = await InsertClaimAsync(connection, actor, "rejected", Now.AddMonths(-11));
        var oldPending = await InsertClaimAsync(connection, actor, "pending", null, created: Now.AddMonths(-30));
        var oldHandled = await InsertReportAsync(connection, actor, "traite", Now.AddMonths(-7));
        var recentHandled = await InsertReportAsync(connection, actor, "rejete", Now.AddMonths(-5));
        var oldOpen = await InsertReportAsync(connection, actor, "ouvert", null, created: Now.AddMonths(-30));
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        var purge = new EraseDecidedRequests(dataSource, new PrivacySettings { ClaimRetentionMonths = 12, ReportRetentionMonths = 6 }, new ManualClock(Now));

        var first = await purge.RunAsync(CancellationToken.None);
        var second = await purge.RunAsync(CancellationToken.None);

        var claims = (await connection.QueryAsync<long>("select id from actor_claim where actor_id = @actor", new { actor })).ToHashSet();
        var reports = (await connection.QueryAsync<long>("select id from actor_report where actor_id = @actor", new { actor })).ToHashSet();
        Assert.Equal([recentRejected, oldPending], claims.Order());
        Assert.Equal([recentHandled, oldOpen], reports.Order());
        Assert.DoesNotContain(oldApproved, claims);
        Assert.DoesNotContain(oldRejected, claims);
        Assert.DoesNotContain(oldHandled, reports);
        Assert.Equal((2, 1), (first.Claims, first.Reports));
        Assert.Equal(new ErasedRequests(0, 0, 0, 0), second);
    }

    [Fact]
    public async Task Sent_and_failed_e_mails_leave_the_outbox_log_after_their_months_and_pending_ones_stay()
    {
        await using var connection = await database.OpenAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var oldSent = await InsertMailAsync(connection, $"ancien-{tag}@exemple.test", "sent", Now.AddMonths(-13));
        var oldFailed = await InsertMailAsync(connection, $"echec-{tag}@exemple.test", "failed", Now.AddMonths(-13));
        var oldPending = await InsertMailAsync(connection, $"attente-{tag}@exemple.test", "pending", Now.AddMonths(-13));
        var recentSent = await InsertMailAsync(connection, $"recent-{tag}@exemple.test", "sent", Now.AddMonths(-11));
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        var purge = new EraseDecidedRequests(dataSource, new PrivacySettings { SentMailRetentionMonths = 12 }, new ManualClock(Now));

        await purge.RunAsync(CancellationToken.None);

        var left = (await connection.QueryAsync<long>("select id from outbox_message where id = any(@ids)", new { ids = new[] { oldSent, oldFailed, oldPending, recentSent } })).ToHashSet();
        Assert.Equal([oldPending, recentSent], left.Order());
    }

    [Fact]
    public async Task Mes_donnees_link_requests_go_a_day_after_their_link_expired()
    {
        await using var connection = await database.OpenAsync();
        var gone = await InsertLinkAsync(connection, expires: Now.AddDays(-2));
        var lately = await InsertLinkAsync(connection, expires: Now.AddHours(-12));
        var valid = await InsertLinkAsync(connection, expires: Now.AddHours(5));
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);

        var erased = await new EraseDecidedRequests(dataSource, new PrivacySettings(), new ManualClock(Now)).RunAsync(CancellationToken.None);

        var left = (await connection.QueryAsync<long>("select id from data_access_token where id = any(@ids)", new { ids = new[] { gone, lately, valid } })).ToHashSet();
        Assert.Equal([lately, valid], left.Order());
        Assert.Equal(1, erased.Links);
    }

    private static Task<long> InsertLinkAsync(NpgsqlConnection connection, DateTimeOffset expires) =>
        connection.ExecuteScalarAsync<long>("""
            insert into data_access_token (email, token_hash, created_at, expires_at)
            values ('lien@exemple.test', sha256(gen_random_uuid()::text::bytea), @created, @expires)
            returning id
            """, new { created = expires.AddDays(-1).UtcDateTime, expires = expires.UtcDateTime });

    [Theory]
    [InlineData("ClaimRetentionMonths", "0")]
    [InlineData("ReportRetentionMonths", "-3")]
    [InlineData("SentMailRetentionMonths", "0")]
    public void A_retention_below_one_month_is_refused_at_start_up(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Privacy:" + key] = value }).Build();

        var refused = Assert.Throws<InvalidOperationException>(() => PrivacySettings.Read(configuration));

        Assert.Contains("Privacy:" + key, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_nightly_gate_opens_once_per_Paris_day_after_three_and_again_after_a_failed_run()
    {
        var gate = new NightlyGate();
        var beforeThree = new DateTimeOffset(2033, 1, 10, 1, 30, 0, TimeSpan.Zero); // 02:30 in Paris (winter, UTC+1)
        var afterThree = new DateTimeOffset(2033, 1, 10, 2, 5, 0, TimeSpan.Zero); // 03:05 in Paris

        Assert.False(gate.IsDue(beforeThree));
        Assert.True(gate.IsDue(afterThree));
        Assert.True(gate.IsDue(afterThree.AddMinutes(15)), "a run that was not marked done is tried again");
        gate.Done(afterThree.AddMinutes(15));
        Assert.False(gate.IsDue(afterThree.AddHours(20)));
        Assert.True(gate.IsDue(afterThree.AddDays(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NightlyGate(24));
    }

    [Fact]
    public async Task The_notice_states_the_configured_durations_and_the_data_protection_officer_and_the_app_runs_the_purge()
    {
        await using var factory = new PortalFactory(database.ConnectionString, new Dictionary<string, string?>
        {
            ["Privacy:ClaimRetentionMonths"] = "7",
            ["Privacy:ReportRetentionMonths"] = "5",
            ["Privacy:DataProtectionOfficer"] = "dpo@universite.exemple",
            ["Events:RetentionMonths"] = "4",
        });
        using var client = factory.CreatePageClient();

        var (response, page) = await client.GetPageAsync("/donnees-personnelles");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var retention = page.QuerySelector("#conservation")!.ParentElement!.TextContent;
        Assert.Contains("4 mois après la dernière séance", retention, StringComparison.Ordinal);
        Assert.Contains("puis 7 mois", retention, StringComparison.Ordinal);
        Assert.Contains("puis 5 mois", retention, StringComparison.Ordinal);
        Assert.Equal("mailto:dpo@universite.exemple", page.QuerySelector("#dpo")!.ParentElement!.QuerySelector("a[href^='mailto:']")?.GetAttribute("href"));
        var (_, events) = await client.GetPageAsync("/evenements/donnees-personnelles");
        Assert.Equal("mailto:dpo@universite.exemple", events.QuerySelector("#dpo")!.ParentElement!.QuerySelector("a[href^='mailto:']")?.GetAttribute("href"));
        Assert.Contains(factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s is PrivacyHousekeeping);
    }

    private static Task<long> InsertClaimAsync(NpgsqlConnection connection, long actor, string status, DateTimeOffset? decided, DateTimeOffset? created = null) =>
        connection.ExecuteScalarAsync<long>("""
            insert into actor_claim (actor_id, name, email, role, created_at, status, decided_at)
            values (@actor, 'Camille Demandeuse', 'camille@demande.test', 'Directrice', @created, @status, @decided)
            returning id
            """, new { actor, status, decided = decided?.UtcDateTime, created = (created ?? decided!.Value.AddDays(-3)).UtcDateTime });

    private static Task<long> InsertReportAsync(NpgsqlConnection connection, long actor, string status, DateTimeOffset? handled, DateTimeOffset? created = null) =>
        connection.ExecuteScalarAsync<long>("""
            insert into actor_report (actor_id, kind, message, email, created_at, status, handled_at)
            values (@actor, 'erreur', 'Le téléphone a changé.', 'signal@exemple.test', @created, @status, @handled)
            returning id
            """, new { actor, status, handled = handled?.UtcDateTime, created = (created ?? handled!.Value.AddDays(-3)).UtcDateTime });

    private static Task<long> InsertMailAsync(NpgsqlConnection connection, string recipient, string status, DateTimeOffset created) =>
        connection.ExecuteScalarAsync<long>("""
            insert into outbox_message (kind, recipient, subject, body, status, created_at, due_at, sent_at)
            values ('test-retention', @recipient, 'Objet', '', @status, @created, @created, case when @status = 'sent' then @created end)
            returning id
            """, new { recipient, status, created = created.UtcDateTime });
}
