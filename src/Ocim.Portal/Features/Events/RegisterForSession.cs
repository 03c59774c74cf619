using System.Data;
using Dapper;
using Npgsql;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Features.Events;

/// <summary>What a visitor typed in the registration form (no account).</summary>
public sealed record RegistrationRequest(
    long SessionId,
    string FullName,
    string Email,
    string? Organisation,
    string? Role,
    string? AccessibilityNeeds,
    Guid IdempotencyKey);

public enum RegistrationResult
{
    /// <summary>A seat was taken.</summary>
    Confirmed,

    /// <summary>No seat left: on the waiting list.</summary>
    Waitlisted,

    /// <summary>The same e-mail (in any case) already holds a seat or a place in the queue for this session.</summary>
    AlreadyRegistered,

    /// <summary>Registration is not open for this session (draft, cancelled, closed, past…).</summary>
    Closed,

    /// <summary>No such session.</summary>
    NotFound,

    /// <summary>The session row stayed locked beyond the lock timeout: nothing was written, try again.</summary>
    Busy,

    /// <summary>This address already holds another place it has not confirmed yet: confirm that one first.</summary>
    PendingConfirmation,

    /// <summary>The event took as many unconfirmed holds this hour as it may (EventSettings.MaxUnconfirmedHoldsPerEventPerHour).</summary>
    TooManyHolds,
}

/// <summary>The outcome; <see cref="IdempotencyKey"/> names the registration's confirmation page.</summary>
public sealed record RegistrationOutcome(RegistrationResult Result, Guid IdempotencyKey, string? ClosedReason = null);

/// <summary>
/// Registers a visitor for a session, in one transaction: the seat is claimed by a conditional UPDATE of the
/// session's counter (one affected row = a seat, none = the waiting list), the registration row is inserted and the
/// e-mail is written to the outbox; all or nothing. The seat (or waiting-list place) is a hold until the address is
/// confirmed by the e-mail's link, within <see cref="EventSettings.HoldDuration"/>; the housekeeping releases lapsed
/// holds (docs/decisions/0032-registration-holds.md). An address holds one unconfirmed place at a time, and an event
/// takes at most <see cref="EventSettings.MaxUnconfirmedHoldsPerEventPerHour"/> unconfirmed holds an hour. The database refuses the rest: a second active registration of
/// the same address (partial unique index on lower(email)), a second row for the same form (unique idempotency
/// key: a double click finds the first registration), and any overbooking (CHECK confirmed &lt;= capacity).
/// A lock held longer than <see cref="EventSettings.LockTimeout"/> ends the attempt with nothing written (Busy).
/// See docs/decisions/0012-event-registration-seats.md.
/// </summary>
public sealed class RegisterForSession(NpgsqlDataSource dataSource, EventSettings settings, TimeProvider clock)
{
    public async Task<RegistrationOutcome> RunAsync(RegistrationRequest request, string siteUrl, CancellationToken cancellationToken)
    {
        // A retry only when the seat count moved under us (see below) or on a deadlock; each attempt is a fresh transaction.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var outcome = await TryOnceAsync(request, siteUrl, cancellationToken);
                if (outcome is not null)
                {
                    return outcome;
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                return new RegistrationOutcome(RegistrationResult.Busy, request.IdempotencyKey);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // A concurrent twin committed first: the same form (idempotency key) or the same person.
                return await ExistingAsync(request, cancellationToken)
                    ?? new RegistrationOutcome(RegistrationResult.AlreadyRegistered, request.IdempotencyKey);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 3)
            {
            }

            if (attempt >= 3)
            {
                return new RegistrationOutcome(RegistrationResult.Busy, request.IdempotencyKey);
            }
        }
    }

    /// <summary>One transaction; null when it must be tried again.</summary>
    private async Task<RegistrationOutcome?> TryOnceAsync(RegistrationRequest request, string siteUrl, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"set local lock_timeout = '{(int)settings.LockTimeout.TotalMilliseconds}ms'", transaction: transaction, cancellationToken: cancellationToken));

        var session = await connection.QuerySingleOrDefaultAsync<SessionState>(new CommandDefinition("""
            select s.id, s.event_id, s.starts_at, s.ends_at, e.title, e.slug, e.status, e.registration_required, e.registration_closed,
                   e.registration_opens_at, e.registration_closes_at,
                   concat_ws(', ', e.venue_name, e.venue_address, concat_ws(' ', e.venue_postal_code, c.name)) as place
            from event_session s
            join event e on e.id = s.event_id
            left join commune c on c.code = e.commune_code
            where s.id = @SessionId
            """, new { request.SessionId }, transaction, cancellationToken: cancellationToken));
        if (session is null)
        {
            return new RegistrationOutcome(RegistrationResult.NotFound, request.IdempotencyKey);
        }

        // The same form again (a double click, a reload): the first outcome, nothing new.
        var existing = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "select status from registration where idempotency_key = @IdempotencyKey",
            new { request.IdempotencyKey }, transaction, cancellationToken: cancellationToken));
        if (existing is not null)
        {
            return Replay(existing, request.IdempotencyKey);
        }

        if (session.ClosedReason(clock.GetUtcNow()) is { } reason)
        {
            return new RegistrationOutcome(RegistrationResult.Closed, request.IdempotencyKey, reason);
        }

        // The address checks and the flood limits in one round trip. The limits are counts, not locks: a burst may
        // pass one by a few concurrent requests, which bounds the harm just as well and keeps registrations from
        // queueing on them (docs/decisions/0032-registration-holds.md).
        var checks = await connection.QuerySingleAsync<(bool AlreadyIn, bool OtherPendingHold, int RecentHolds)>(new CommandDefinition("""
            select exists (select from registration
                           where session_id = @SessionId and lower(email) = lower(@Email) and status in ('confirmed', 'waitlisted')),
                   exists (select from registration
                           where lower(email) = lower(@Email) and status in ('confirmed', 'waitlisted')
                             and hold_expires_at is not null and address_confirmed_at is null),
                   (select count(*)::int from registration r join event_session s on s.id = r.session_id
                    where s.event_id = @EventId and r.hold_expires_at is not null and r.address_confirmed_at is null
                      and r.created_at > now() - interval '1 hour')
            """, new { request.SessionId, Email = request.Email.Trim(), session.EventId }, transaction, cancellationToken: cancellationToken));
        if (checks.AlreadyIn)
        {
            // The row found may be this very form's, committed by its twin (a double click) since the check above:
            // read committed lets this statement see it, and the twin's outcome is the answer.
            var twin = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                "select status from registration where idempotency_key = @IdempotencyKey",
                new { request.IdempotencyKey }, transaction, cancellationToken: cancellationToken));
            return twin is null ? new RegistrationOutcome(RegistrationResult.AlreadyRegistered, request.IdempotencyKey) : Replay(twin, request.IdempotencyKey);
        }

        if (checks.OtherPendingHold)
        {
            return new RegistrationOutcome(RegistrationResult.PendingConfirmation, request.IdempotencyKey);
        }

        if (checks.RecentHolds >= settings.MaxUnconfirmedHoldsPerEventPerHour)
        {
            return new RegistrationOutcome(RegistrationResult.TooManyHolds, request.IdempotencyKey);
        }

        bool seat;
        if (!settings.DisableSeatGuardForTests)
        {
            // The guard: one statement both checks and takes the seat; concurrent winners queue on the row lock.
            seat = await connection.ExecuteAsync(new CommandDefinition(
                "update event_session set confirmed = confirmed + 1 where id = @SessionId and confirmed < capacity",
                new { request.SessionId }, transaction, cancellationToken: cancellationToken)) == 1;
            if (!seat)
            {
                // Full. Hold a share lock on the session until commit, so that a cancellation (which updates the row)
                // waits for this waiting-list entry and then promotes it; if a seat was freed meanwhile, start again.
                var freed = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                    "select confirmed < capacity from event_session where id = @SessionId for share",
                    new { request.SessionId }, transaction, cancellationToken: cancellationToken));
                if (freed)
                {
                    await transaction.RollbackAsync(cancellationToken);
                    return null;
                }
            }
        }
        else
        {
            // The control path of the race test: count, pause, insert; nothing stops two visitors taking one seat.
            var taken = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "select count(*) from registration where session_id = @SessionId and status = 'confirmed'",
                new { request.SessionId }, transaction, cancellationToken: cancellationToken));
            var capacity = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "select capacity from event_session where id = @SessionId", new { request.SessionId }, transaction, cancellationToken: cancellationToken));
            await Task.Delay(settings.UnguardedPauseForTests, cancellationToken);
            seat = taken < capacity;
        }

        var token = RegistrationTokens.NewToken();
        var addressToken = RegistrationTokens.NewToken();
        var inserted = await connection.QuerySingleAsync<(long Id, DateTime HoldExpiresAt)>(new CommandDefinition("""
            insert into registration (session_id, status, full_name, email, organisation, role, accessibility_needs,
                                      consent_at, idempotency_key, cancel_token_hash, confirmed_at,
                                      address_token_hash, hold_expires_at)
            values (@SessionId, @status, @FullName, @Email, @Organisation, @Role, @AccessibilityNeeds,
                    now(), @IdempotencyKey, @hash, case when @status = 'confirmed' then now() end,
                    @addressHash, now() + make_interval(secs => @holdSeconds))
            returning id, hold_expires_at
            """, new
        {
            request.SessionId,
            status = seat ? "confirmed" : "waitlisted",
            FullName = request.FullName.Trim(),
            Email = request.Email.Trim(),
            Organisation = Blank(request.Organisation),
            Role = Blank(request.Role),
            AccessibilityNeeds = Blank(request.AccessibilityNeeds),
            request.IdempotencyKey,
            hash = RegistrationTokens.Hash(token),
            addressHash = RegistrationTokens.Hash(addressToken),
            holdSeconds = settings.HoldDuration.TotalSeconds,
        }, transaction, cancellationToken: cancellationToken));
        var registrationId = inserted.Id;
        var holdUntil = new DateTimeOffset(DateTime.SpecifyKind(inserted.HoldExpiresAt, DateTimeKind.Utc));

        var facts = session.Facts();
        MailRequest mail;
        if (seat)
        {
            mail = EventMails.ConfirmedMail(registrationId, request.FullName.Trim(), request.Email.Trim(), facts, siteUrl, token, addressToken, holdUntil);
        }
        else
        {
            var position = await connection.ExecuteScalarAsync<int>(new CommandDefinition("""
                select count(*) from registration w, registration me
                where me.id = @registrationId and w.session_id = me.session_id and w.status = 'waitlisted'
                  and (w.created_at, w.id) <= (me.created_at, me.id)
                """, new { registrationId }, transaction, cancellationToken: cancellationToken));
            mail = EventMails.WaitlistedMail(registrationId, request.FullName.Trim(), request.Email.Trim(), facts, position, siteUrl, token, addressToken, holdUntil);
        }

        await Outbox.EnqueueAsync(connection, transaction, mail, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new RegistrationOutcome(seat ? RegistrationResult.Confirmed : RegistrationResult.Waitlisted, request.IdempotencyKey);
    }

    private async Task<RegistrationOutcome?> ExistingAsync(RegistrationRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var status = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "select status from registration where idempotency_key = @IdempotencyKey", new { request.IdempotencyKey }, cancellationToken: cancellationToken));
        return status is null ? null : Replay(status, request.IdempotencyKey);
    }

    private static RegistrationOutcome Replay(string status, Guid key) => status switch
    {
        "confirmed" => new RegistrationOutcome(RegistrationResult.Confirmed, key),
        "waitlisted" => new RegistrationOutcome(RegistrationResult.Waitlisted, key),
        _ => new RegistrationOutcome(RegistrationResult.Closed, key, "Cette inscription a été annulée."),
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private sealed class SessionState
    {
        public long Id { get; init; }
        public long EventId { get; init; }
        public DateTime StartsAt { get; init; }
        public DateTime EndsAt { get; init; }
        public string Title { get; init; } = string.Empty;
        public string Slug { get; init; } = string.Empty;
        public string Status { get; init; } = string.Empty;
        public bool RegistrationRequired { get; init; }
        public bool RegistrationClosed { get; init; }
        public DateTime? RegistrationOpensAt { get; init; }
        public DateTime? RegistrationClosesAt { get; init; }
        public string? Place { get; init; }

        public EventMails.SessionFacts Facts() =>
            new(Title, Slug, Utc(StartsAt), Utc(EndsAt), string.IsNullOrWhiteSpace(Place) ? null : Place);

        public string? ClosedReason(DateTimeOffset now) =>
            EventRegistrationRules.ClosedReason(Status, RegistrationRequired, RegistrationClosed,
                RegistrationOpensAt is { } o ? Utc(o) : null, RegistrationClosesAt is { } c ? Utc(c) : null, Utc(StartsAt), now);

        private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
    }
}

/// <summary>When a session takes registrations: one rule for the page (whether to show the form) and the POST.</summary>
public static class EventRegistrationRules
{
    public static string? ClosedReason(
        string status, bool registrationRequired, bool registrationClosed, DateTimeOffset? opensAt, DateTimeOffset? closesAt, DateTimeOffset startsAt, DateTimeOffset now) =>
        status switch
        {
            "cancelled" => "Cet événement est annulé.",
            "postponed" => "Cet événement est reporté : les inscriptions rouvriront avec la nouvelle date.",
            not "published" => "Cet événement n'est pas publié.",
            _ when !registrationRequired => "Cet événement est en accès libre, sans inscription.",
            _ when registrationClosed => "Les inscriptions sont closes.",
            _ when opensAt is { } o && now < o => $"Les inscriptions ouvriront le {EventTime.Date(o)} à {EventTime.Clock(o)}.",
            _ when closesAt is { } c && now >= c => "Les inscriptions sont closes.",
            _ when now >= startsAt => "Cette séance a déjà commencé ou est passée.",
            _ => null,
        };
}
