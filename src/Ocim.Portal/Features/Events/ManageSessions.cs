using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Events;

/// <summary>Adds a session to an event (start and end typed in Paris time).</summary>
public sealed class AddSession(NpgsqlDataSource dataSource)
{
    public async Task<string?> RunAsync(long eventId, DateTime? startsAtParis, DateTime? endsAtParis, int? capacity, CancellationToken cancellationToken)
    {
        if (startsAtParis is not { } start || endsAtParis is not { } end)
        {
            return "Indiquez le début et la fin de la séance.";
        }

        if (!EventTime.TryFromParis(start, out var startsAt, out var startError))
        {
            return $"Début de la séance : {startError}.";
        }

        if (!EventTime.TryFromParis(end, out var endsAt, out var endError))
        {
            return $"Fin de la séance : {endError}.";
        }

        if (endsAt <= startsAt)
        {
            return "La fin de la séance doit suivre son début.";
        }

        if (capacity is not ({ } seats and >= 0 and <= 100_000))
        {
            return "Indiquez un nombre de places (0 ou plus).";
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var added = await connection.ExecuteAsync(new CommandDefinition("""
            insert into event_session (event_id, starts_at, ends_at, capacity)
            select id, @start, @end, @seats from event where id = @eventId
            """, new { eventId, start = startsAt.UtcDateTime, end = endsAt.UtcDateTime, seats }, cancellationToken: cancellationToken));
        return added == 1 ? null : "Cet événement n'existe pas.";
    }
}

/// <summary>Closes registrations at once (staff), whatever the dates: no new registration, the existing ones stay.</summary>
public sealed class CloseRegistrations(NpgsqlDataSource dataSource)
{
    public async Task<bool> RunAsync(long eventId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "update event set registration_closed = true where id = @eventId", new { eventId }, cancellationToken: cancellationToken)) == 1;
    }
}

/// <summary>
/// The organiser cancels an event: its status becomes cancelled (registrations close), and every person still
/// registered or waiting is told by e-mail, written to the outbox in the same transaction (one message each,
/// whatever the number of clicks: the deduplication key).
/// </summary>
public sealed class CancelEvent(NpgsqlDataSource dataSource)
{
    public async Task<int?> RunAsync(long eventId, string siteUrl, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            "update event set status = 'cancelled' where id = @eventId", new { eventId }, transaction, cancellationToken: cancellationToken));
        if (updated == 0)
        {
            return null;
        }

        var people = await connection.QueryAsync<(long Id, long SessionId, string FullName, string Email)>(new CommandDefinition("""
            select r.id, r.session_id, r.full_name, r.email from registration r join event_session s on s.id = r.session_id
            where s.event_id = @eventId and r.status in ('confirmed', 'waitlisted') and r.purged_at is null
            order by r.id
            """, new { eventId }, transaction, cancellationToken: cancellationToken));
        var told = 0;
        var facts = new Dictionary<long, EventMails.SessionFacts>();
        foreach (var person in people)
        {
            if (!facts.TryGetValue(person.SessionId, out var session))
            {
                session = await WaitingList.SessionFactsAsync(connection, transaction, person.SessionId, cancellationToken);
                facts[person.SessionId] = session;
            }

            if (await Infrastructure.Mail.Outbox.EnqueueAsync(connection, transaction,
                EventMails.EventCancelledMail(person.Id, person.FullName, person.Email, session, siteUrl), cancellationToken))
            {
                told++;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return told;
    }
}
