using Dapper;
using Npgsql;
using Ocim.Portal.Infrastructure;
using Ocim.Portal.Infrastructure.Background;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Features.Events;

/// <summary>
/// Erases registrants' personal data <see cref="EventSettings.RetentionMonths"/> months after their event's last
/// session (name, address, organisation, role, accessibility needs), and the e-mails the outbox kept for them (they
/// hold the address and the cancel link). What remains is anonymous: status and attendance, for the counts and the
/// IRC. Idempotent: a second run finds nothing left to erase.
/// </summary>
public sealed class ErasePersonalData(NpgsqlDataSource dataSource, EventSettings settings, TimeProvider clock)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var cutoff = now.AddMonths(-settings.RetentionMonths).UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var erased = (await connection.QueryAsync<long>(new CommandDefinition("""
            with ended as (
                select e.id from event e join event_session s on s.event_id = e.id
                group by e.id having max(s.ends_at) < @cutoff
            )
            update registration r
            set full_name = null, email = null, organisation = null, role = null, accessibility_needs = null, purged_at = @now
            from event_session s
            where s.id = r.session_id and s.event_id in (select id from ended) and r.purged_at is null
            returning r.id
            """, new { cutoff, now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken))).ToList();
        if (erased.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                delete from outbox_message
                where deduplication_key like 'registration:%' and split_part(deduplication_key, ':', 2)::bigint = any(@erased)
                """, new { erased = erased.ToArray() }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return erased.Count;
    }
}

/// <summary>
/// The reminder the day before: every confirmed registrant of a session that starts within the next 24 hours gets
/// one e-mail (marked on the registration, and deduplicated in the outbox), written in the same transaction.
/// </summary>
public sealed class SendReminders(NpgsqlDataSource dataSource, PublicSite site, TimeProvider clock)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var due = (await connection.QueryAsync<(long Id, long SessionId, string FullName, string Email)>(new CommandDefinition("""
            update registration r set reminded_at = @now
            from event_session s join event e on e.id = s.event_id
            where s.id = r.session_id and r.status = 'confirmed' and r.reminded_at is null and r.purged_at is null
              and e.status = 'published' and s.starts_at > @now and s.starts_at <= @now + interval '24 hours'
            returning r.id, r.session_id, r.full_name, r.email
            """, new { now }, transaction, cancellationToken: cancellationToken))).ToList();
        var facts = new Dictionary<long, EventMails.SessionFacts>();
        foreach (var person in due)
        {
            if (!facts.TryGetValue(person.SessionId, out var session))
            {
                session = await WaitingList.SessionFactsAsync(connection, transaction, person.SessionId, cancellationToken);
                facts[person.SessionId] = session;
            }

            await Outbox.EnqueueAsync(connection, transaction, EventMails.ReminderMail(person.Id, person.FullName, person.Email, session, site.Url), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return due.Count;
    }
}

/// <summary>
/// The events' background work: reminders at every pass (Events:Housekeeping:IntervalSeconds, 15 minutes), and the
/// retention purge once a night, at the first pass after 03:00 Paris time.
/// </summary>
public sealed partial class EventHousekeeping(IServiceScopeFactory scopes, EventSettings settings, TimeProvider clock, ILogger<EventHousekeeping> logger) : PeriodicWorker(logger)
{
    private readonly NightlyGate nightly = new();

    protected override bool Enabled => settings.HousekeepingEnabled;

    protected override TimeSpan Interval => settings.HousekeepingInterval;

    protected override string Name => "Events housekeeping";

    protected override async Task RunPassAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var reminded = await scope.ServiceProvider.GetRequiredService<SendReminders>().RunAsync(stoppingToken);
        if (reminded > 0)
        {
            LogReminded(logger, reminded);
        }

        var now = clock.GetUtcNow();
        if (nightly.IsDue(now))
        {
            var erased = await scope.ServiceProvider.GetRequiredService<ErasePersonalData>().RunAsync(stoppingToken);
            nightly.Done(now);
            LogPurged(logger, erased, settings.RetentionMonths);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reminders written to the outbox: {Count}")]
    private static partial void LogReminded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention purge: personal data of {Count} registrations erased ({Months} months after their event)")]
    private static partial void LogPurged(ILogger logger, int count, int months);
}
