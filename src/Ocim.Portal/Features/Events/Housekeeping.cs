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
              and (r.address_confirmed_at is not null or r.hold_expires_at is null)
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
/// Releases the holds whose address was not confirmed in time (docs/decisions/0032-registration-holds.md): each is
/// cancelled (cancelled_by = 'unconfirmed'), its seat is freed and handed to the waiting list as a cancellation does,
/// one session per transaction, with the session row locked before anything else. Nobody is mailed about a lapsed
/// hold: the address was never shown to be anyone's. Returns how many holds were released.
/// </summary>
public sealed class ReleaseLapsedHolds(NpgsqlDataSource dataSource, EventSettings settings, PublicSite site)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var sessions = (await connection.QueryAsync<long>(new CommandDefinition("""
            select distinct session_id from registration
            where address_confirmed_at is null and hold_expires_at is not null and hold_expires_at <= now()
              and status in ('confirmed', 'waitlisted')
            """, cancellationToken: cancellationToken))).ToList();
        var released = 0;
        foreach (var session in sessions)
        {
            try
            {
                released += await ReleaseAsync(connection, session, cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.DeadlockDetected)
            {
                // A busy session: its lapsed holds wait for the next pass.
            }
        }

        return released;
    }

    private async Task<int> ReleaseAsync(NpgsqlConnection connection, long sessionId, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"set local lock_timeout = '{(int)settings.LockTimeout.TotalMilliseconds}ms'", transaction: transaction, cancellationToken: cancellationToken));
        // The session row first, as registrations take it: a registration or a cancellation of this session waits.
        await connection.ExecuteAsync(new CommandDefinition(
            "select 1 from event_session where id = @sessionId for update", new { sessionId }, transaction, cancellationToken: cancellationToken));
        // Re-checked under the lock: a hold confirmed a moment ago (one UPDATE that requires the deadline ahead) stays.
        var statuses = (await connection.QueryAsync<string>(new CommandDefinition("""
            with lapsed as (
                select id, status from registration
                where session_id = @sessionId and address_confirmed_at is null and hold_expires_at is not null
                  and hold_expires_at <= now() and status in ('confirmed', 'waitlisted')
                for update
            )
            update registration r set status = 'cancelled', cancelled_at = now(), cancelled_by = 'unconfirmed'
            from lapsed
            where r.id = lapsed.id
            returning lapsed.status
            """, new { sessionId }, transaction, cancellationToken: cancellationToken))).ToList();
        var seats = statuses.Count(s => s == "confirmed");
        if (seats > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "update event_session set confirmed = confirmed - @seats where id = @sessionId",
                new { sessionId, seats }, transaction, cancellationToken: cancellationToken));
            await WaitingList.PromoteAsync(connection, transaction, sessionId, seats, site.Url, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return statuses.Count;
    }
}

/// <summary>
/// The events' background work: lapsed holds and reminders at every pass (Events:Housekeeping:IntervalSeconds,
/// 5 minutes), and the retention purge once a night, at the first pass after 03:00 Paris time.
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
        var released = await scope.ServiceProvider.GetRequiredService<ReleaseLapsedHolds>().RunAsync(stoppingToken);
        if (released > 0)
        {
            LogReleased(logger, released);
        }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Unconfirmed registrations released after their deadline: {Count}")]
    private static partial void LogReleased(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reminders written to the outbox: {Count}")]
    private static partial void LogReminded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention purge: personal data of {Count} registrations erased ({Months} months after their event)")]
    private static partial void LogPurged(ILogger logger, int count, int months);
}
