using System.Collections.Concurrent;
using Dapper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Ocim.Portal.Data;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Tests.Infrastructure.Mail;

public sealed class OutboxTests : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private readonly DatabaseFixture database;
    private readonly string pickup = Path.Combine(Path.GetTempPath(), "ocim-outbox-" + Guid.NewGuid().ToString("N"));
    private NpgsqlDataSource dataSource = null!;

    public OutboxTests(DatabaseFixture database) => this.database = database;

    public async Task InitializeAsync()
    {
        dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        // Each test starts from an empty outbox: the class shares one database.
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("truncate outbox_message");
    }

    public async Task DisposeAsync()
    {
        await dataSource.DisposeAsync();
        if (Directory.Exists(pickup))
        {
            Directory.Delete(pickup, recursive: true);
        }
    }

    [Fact]
    public async Task A_message_exists_only_if_the_callers_transaction_commits()
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var rolledBack = await connection.BeginTransactionAsync())
        {
            Assert.True(await Outbox.EnqueueAsync(connection, rolledBack, Request("annule@example.org")));
            await rolledBack.RollbackAsync();
        }

        await using (var committed = await connection.BeginTransactionAsync())
        {
            Assert.True(await Outbox.EnqueueAsync(connection, committed, Request("valide@example.org")));
            await committed.CommitAsync();
        }

        // The EF way: the message rides on the caller's SaveChanges, inside its transaction.
        await using (var db = NewContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            Outbox.Add(db, Request("ef-annule@example.org"));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        await using (var db = NewContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var message = Outbox.Add(db, Request("ef-valide@example.org"));
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            Assert.True(message.Id > 0);
        }

        var recipients = (await connection.QueryAsync<string>("select recipient from outbox_message where status = 'pending' order by id")).ToList();
        Assert.Equal(["valide@example.org", "ef-valide@example.org"], recipients);
    }

    [Fact]
    public async Task A_deduplication_key_lets_a_message_be_written_once()
    {
        await using var connection = await dataSource.OpenConnectionAsync();

        Assert.True(await Outbox.EnqueueAsync(connection, null, Request("rappel@example.org") with { DeduplicationKey = "reminder:42" }));
        Assert.False(await Outbox.EnqueueAsync(connection, null, Request("rappel@example.org") with { DeduplicationKey = "reminder:42" }));

        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from outbox_message"));
    }

    [Theory]
    [InlineData("pas-une-adresse", "Objet")]
    [InlineData("victime@example.org\r\nBcc: tous@example.org", "Objet")]
    [InlineData("a@example.org", "Objet\r\nBcc: tous@example.org")]
    [InlineData("a@example.org", "")]
    public async Task Bad_recipients_and_subjects_are_refused_before_anything_is_written(string recipient, string subject)
    {
        await using var connection = await dataSource.OpenConnectionAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => Outbox.EnqueueAsync(connection, null, Request(recipient) with { Subject = subject }));

        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from outbox_message"));
    }

    [Fact]
    public async Task A_due_message_is_written_to_the_pickup_folder_as_an_eml_file()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow.AddMinutes(1));
        var settings = new MailSettings { PickupDirectory = pickup };
        var id = await EnqueueAsync(Request("lea.martin@example.org") with
        {
            Subject = "Inscription confirmée : « Atelier été » à Montpellier",
            Body = "Bonjour Léa,\n\nVotre place est réservée : à bientôt !",
        });

        var pass = await Deliver(settings, clock).RunOnceAsync(CancellationToken.None);

        Assert.Equal(new DeliveryPass(1, 1, 0), pass);
        var file = Path.Combine(pickup, $"{id:D8}-test-message.eml");
        Assert.True(File.Exists(file), string.Join(", ", Directory.EnumerateFiles(pickup)));
        var raw = await File.ReadAllTextAsync(file);
        Assert.Equal("lea.martin@example.org", MailFiles.Header(raw, "To").Trim('<', '>'));
        Assert.Equal("Inscription confirmée : « Atelier été » à Montpellier", MailFiles.Header(raw, "Subject"));
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), MailFiles.Header(raw, "X-Ocim-Outbox-Id"));
        Assert.Equal("Bonjour Léa,\r\n\r\nVotre place est réservée : à bientôt !", MailFiles.Body(raw).ReplaceLineEndings("\r\n"));
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(pickup, ".staging")));

        var row = await RowAsync(id);
        Assert.Equal(("sent", 1, (string?)null), (row.Status, row.Attempts, row.LastError));
        Assert.NotNull(row.SentAt);
    }

    [Fact]
    public async Task An_unreachable_smtp_server_keeps_the_message_pending_until_a_later_attempt_delivers_it()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));
        var port = FakeSmtpServer.ClosedPort();
        var settings = new MailSettings { SmtpHost = "127.0.0.1", SmtpPort = port, SmtpTimeout = TimeSpan.FromSeconds(5), RetryBaseDelay = TimeSpan.FromSeconds(30) };
        var id = await EnqueueAsync(Request("camille@example.org") with { NotBefore = clock.GetUtcNow() });
        var deliver = Deliver(settings, clock);

        // Attempt 1: connection refused. The message stays, with the attempt counted and the error kept.
        Assert.Equal(new DeliveryPass(1, 0, 1), await deliver.RunOnceAsync(CancellationToken.None));
        var afterFailure = await RowAsync(id);
        Assert.Equal(("pending", 1), (afterFailure.Status, afterFailure.Attempts));
        Assert.False(string.IsNullOrEmpty(afterFailure.LastError));
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(30), afterFailure.DueAt);

        // Not due yet: a pass before the back-off has elapsed leaves it alone.
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(new DeliveryPass(0, 0, 0), await deliver.RunOnceAsync(CancellationToken.None));

        // The server comes up on that port; the next due attempt delivers the message.
        await using var server = new FakeSmtpServer(port);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new DeliveryPass(1, 1, 0), await deliver.RunOnceAsync(CancellationToken.None));

        var received = Assert.Single(server.Messages);
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), MailFiles.Header(received, "X-Ocim-Outbox-Id"));
        Assert.Equal("Message d'essai", MailFiles.Header(received, "Subject"));
        var sent = await RowAsync(id);
        Assert.Equal(("sent", 2, (string?)null), (sent.Status, sent.Attempts, sent.LastError));
    }

    [Fact]
    public async Task A_non_ASCII_address_is_sent_with_SMTPUTF8_as_typed()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow.AddMinutes(1));
        await using var server = new FakeSmtpServer(smtpUtf8: true);
        var settings = new MailSettings { SmtpHost = "127.0.0.1", SmtpPort = server.Port, SmtpTimeout = TimeSpan.FromSeconds(5) };
        var id = await EnqueueAsync(Request("é@exämple.fr"));

        var pass = await Deliver(settings, clock).RunOnceAsync(CancellationToken.None);

        var row = await RowAsync(id);
        Assert.True(pass == new DeliveryPass(1, 1, 0), $"{pass}: {row.LastError}");
        Assert.Equal(("sent", (string?)null), (row.Status, row.LastError));
        Assert.Contains(server.Commands, c => c.StartsWith("MAIL FROM:", StringComparison.OrdinalIgnoreCase) && c.Contains("SMTPUTF8", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("RCPT TO:<é@exämple.fr>", server.Commands);
        var received = Assert.Single(server.Messages);
        Assert.Equal("é@exämple.fr", MailFiles.Header(received, "To").Trim('<', '>'));
    }

    [Fact]
    public async Task A_non_ASCII_address_is_written_to_the_pickup_folder()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow.AddMinutes(1));
        var settings = new MailSettings { PickupDirectory = pickup };
        var id = await EnqueueAsync(Request("é@exämple.fr"));

        var pass = await Deliver(settings, clock).RunOnceAsync(CancellationToken.None);

        var row = await RowAsync(id);
        Assert.True(pass == new DeliveryPass(1, 1, 0), $"{pass}: {row.LastError}");
        var raw = await File.ReadAllTextAsync(Path.Combine(pickup, $"{id:D8}-test-message.eml"));
        Assert.Equal("é@exämple.fr", MailFiles.Header(raw, "To").Trim('<', '>'));
    }

    [Fact]
    public async Task A_sent_message_loses_its_body_after_the_retention_while_unsent_ones_keep_theirs()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow.AddMinutes(1));
        var settings = new MailSettings { PickupDirectory = pickup, SentBodyRetention = TimeSpan.FromHours(24) };
        var deliver = Deliver(settings, clock);
        var early = await EnqueueAsync(Request("corps-ancien@example.org") with { Body = "Votre lien : /inscription/annuler/secret-ancien" });
        Assert.Equal(1, (await deliver.RunOnceAsync(CancellationToken.None)).Sent);
        clock.Advance(TimeSpan.FromHours(20));
        var recent = await EnqueueAsync(Request("corps-recent@example.org") with { Body = "Votre lien : /inscription/annuler/secret-recent" });
        Assert.Equal(1, (await deliver.RunOnceAsync(CancellationToken.None)).Sent);
        var pending = await EnqueueAsync(Request("corps-en-attente@example.org") with { NotBefore = clock.GetUtcNow().AddDays(3) });

        clock.Advance(TimeSpan.FromHours(5));
        Assert.Equal(1, await deliver.ForgetSentBodiesAsync(CancellationToken.None));
        Assert.Equal(0, await deliver.ForgetSentBodiesAsync(CancellationToken.None));

        await using var connection = await dataSource.OpenConnectionAsync();
        var bodies = (await connection.QueryAsync<(long Id, string Body, string Recipient, string Subject)>(
            "select id, body, recipient, subject from outbox_message where id = any(@ids)", new { ids = new[] { early, recent, pending } })).ToDictionary(r => r.Id);
        Assert.Equal(string.Empty, bodies[early].Body);
        Assert.Equal(("corps-ancien@example.org", "Message d'essai"), (bodies[early].Recipient, bodies[early].Subject));
        Assert.Contains("secret-recent", bodies[recent].Body, StringComparison.Ordinal);
        Assert.Equal("Bonjour,\n\nCeci est un essai.", bodies[pending].Body);
    }

    [Fact]
    public async Task Retries_back_off_exponentially_and_the_message_is_kept_as_failed_after_the_last_attempt()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));
        var settings = new MailSettings
        {
            SmtpHost = "127.0.0.1",
            SmtpPort = FakeSmtpServer.ClosedPort(),
            MaxAttempts = 4,
            RetryBaseDelay = TimeSpan.FromSeconds(10),
        };
        var id = await EnqueueAsync(Request("sans-reponse@example.org") with { NotBefore = clock.GetUtcNow() });
        var deliver = Deliver(settings, clock);

        var waits = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            Assert.Equal(new DeliveryPass(1, 0, 1), await deliver.RunOnceAsync(CancellationToken.None));
            var row = await RowAsync(id);
            waits.Add(row.DueAt - clock.GetUtcNow());
            clock.Advance(row.DueAt - clock.GetUtcNow());
        }

        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(80)], waits);
        var failed = await RowAsync(id);
        Assert.Equal(("failed", 4), (failed.Status, failed.Attempts));
        Assert.False(string.IsNullOrEmpty(failed.LastError));
        // A failed message is not tried again by the worker, and it is still there.
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(new DeliveryPass(0, 0, 0), await deliver.RunOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Two_senders_running_at_once_send_each_message_exactly_once()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow.AddMinutes(1));
        for (var i = 0; i < 60; i++)
        {
            await EnqueueAsync(Request($"personne{i}@example.org"));
        }

        var transport = new CountingTransport();
        var settings = new MailSettings { BatchSize = 7 };
        var senders = Enumerable.Range(0, 2)
            .Select(_ => new DeliverOutbox(dataSource, settings, transport, clock, NullLogger<DeliverOutbox>.Instance))
            .ToList();

        await Task.WhenAll(senders.Select(async sender =>
        {
            for (var pass = 0; pass < 30; pass++)
            {
                if ((await sender.RunOnceAsync(CancellationToken.None)).Claimed == 0)
                {
                    break;
                }
            }
        }));

        Assert.Equal(60, transport.Sent.Count);
        Assert.Equal(60, transport.Sent.Distinct().Count());
        await using var connection = await dataSource.OpenConnectionAsync();
        Assert.Equal(60, await connection.ExecuteScalarAsync<int>("select count(*) from outbox_message where status = 'sent' and attempts = 1"));
    }

    [Fact]
    public async Task The_apps_worker_delivers_what_a_transaction_committed()
    {
        using var factory = new PortalFactory(database.ConnectionString);
        _ = factory.Server; // starts the host and its worker
        var id = await EnqueueAsync(Request("worker@example.org"));

        // The file is moved into place just before the row is marked sent: wait for the row.
        // Bounded (30 s): the machine may be busy; the worker polls every 0.2 s.
        for (var i = 0; i < 300 && (await RowAsync(id)).Status != "sent"; i++)
        {
            await Task.Delay(100);
        }

        var row = await RowAsync(id);
        Assert.True(row.Status == "sent", $"{row}\n" + string.Join("\n", factory.Logs.Where(l => l.Contains("Outbox", StringComparison.Ordinal))));
        Assert.True(File.Exists(Path.Combine(factory.MailDirectory, $"{id:D8}-test-message.eml")), string.Join("\n", factory.Logs));
    }

    private static MailRequest Request(string recipient) =>
        new("test-message", recipient, "Message d'essai", "Bonjour,\n\nCeci est un essai.");

    private DeliverOutbox Deliver(MailSettings settings, TimeProvider clock) =>
        new(dataSource, settings, MailTransport.For(settings), clock, NullLogger<DeliverOutbox>.Instance);

    private PortalDbContext NewContext() =>
        new(new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql(dataSource).Options);

    private async Task<long> EnqueueAsync(MailRequest request)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        Assert.True(await Outbox.EnqueueAsync(connection, null, request));
        return await connection.ExecuteScalarAsync<long>("select max(id) from outbox_message");
    }

    private async Task<OutboxRow> RowAsync(long id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<OutboxRow>(
            "select status, attempts, last_error, due_at as due_at_utc, sent_at from outbox_message where id = @id", new { id });
    }

    private sealed record OutboxRow(string Status, int Attempts, string? LastError, DateTime DueAtUtc, DateTime? SentAt)
    {
        public DateTimeOffset DueAt => new(DateTime.SpecifyKind(DueAtUtc, DateTimeKind.Utc));
    }

    private sealed class CountingTransport : MailTransport
    {
        public ConcurrentBag<long> Sent { get; } = [];

        public override async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
        {
            // A little time on the wire, so that the two senders really overlap.
            await Task.Delay(5, cancellationToken);
            Sent.Add(message.Id);
        }
    }
}
