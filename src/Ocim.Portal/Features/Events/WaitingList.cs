using System.Data.Common;
using Dapper;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Features.Events;

/// <summary>
/// Promotion from the waiting list, first come first served (created_at, id), inside the caller's transaction. The
/// caller has already locked the session row (by updating it), so promotions of one session never interleave. An
/// entry whose address is not confirmed yet is promoted too (its hold keeps its deadline, and the e-mail says so),
/// unless that deadline has passed: the housekeeping is about to release it.
/// </summary>
internal static class WaitingList
{
    /// <summary>Gives up to <paramref name="seats"/> free seats to the first waiting people; returns how many were promoted.</summary>
    public static async Task<int> PromoteAsync(DbConnection connection, DbTransaction transaction, long sessionId, int seats, string siteUrl, CancellationToken cancellationToken)
    {
        if (seats <= 0)
        {
            return 0;
        }

        var promoted = (await connection.QueryAsync<Promoted>(new CommandDefinition("""
            with next as (
                select id from registration
                where session_id = @sessionId and status = 'waitlisted'
                  and (address_confirmed_at is not null or hold_expires_at is null or hold_expires_at > now())
                order by created_at, id
                limit @seats
                for update
            )
            update registration r
            set status = 'confirmed', confirmed_at = now(), promoted_at = now()
            from next
            where r.id = next.id
            returning r.id, r.full_name, r.email, case when r.address_confirmed_at is null then r.hold_expires_at end as confirm_before
            """, new { sessionId, seats }, transaction, cancellationToken: cancellationToken))).ToList();
        if (promoted.Count == 0)
        {
            return 0;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "update event_session set confirmed = confirmed + @count where id = @sessionId",
            new { sessionId, count = promoted.Count }, transaction, cancellationToken: cancellationToken));
        var facts = await SessionFactsAsync(connection, transaction, sessionId, cancellationToken);
        foreach (var person in promoted)
        {
            await Outbox.EnqueueAsync(connection, transaction, EventMails.PromotedMail(person.Id, person.FullName, person.Email, facts, siteUrl,
                person.ConfirmBefore is { } deadline ? new DateTimeOffset(DateTime.SpecifyKind(deadline, DateTimeKind.Utc)) : null), cancellationToken);
        }

        return promoted.Count;
    }

    public static async Task<EventMails.SessionFacts> SessionFactsAsync(DbConnection connection, DbTransaction? transaction, long sessionId, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleAsync<FactsRow>(new CommandDefinition("""
            select e.title, e.slug, s.starts_at, s.ends_at,
                   nullif(concat_ws(', ', e.venue_name, e.venue_address, concat_ws(' ', e.venue_postal_code, c.name)), '') as place
            from event_session s join event e on e.id = s.event_id left join commune c on c.code = e.commune_code
            where s.id = @sessionId
            """, new { sessionId }, transaction, cancellationToken: cancellationToken));
        return new EventMails.SessionFacts(row.Title, row.Slug, Utc(row.StartsAt), Utc(row.EndsAt), row.Place);
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private sealed record Promoted(long Id, string FullName, string Email, DateTime? ConfirmBefore);

    private sealed class FactsRow
    {
        public string Title { get; init; } = string.Empty;
        public string Slug { get; init; } = string.Empty;
        public DateTime StartsAt { get; init; }
        public DateTime EndsAt { get; init; }
        public string? Place { get; init; }
    }
}
