using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Events;

/// <summary>The state of one registration, found by its form key, for the page the form redirects to. No personal data.</summary>
public sealed class ShowRegistrationStatus(NpgsqlDataSource dataSource)
{
    public async Task<RegistrationStatusPage?> FindAsync(Guid key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition("""
            select me.session_id, me.status,
                   case when me.status = 'waitlisted' then
                       (select count(*) from registration w where w.session_id = me.session_id and w.status = 'waitlisted'
                          and (w.created_at, w.id) <= (me.created_at, me.id))::int
                   end as position,
                   case when me.address_confirmed_at is null and me.status in ('confirmed', 'waitlisted') then me.hold_expires_at end as confirm_before
            from registration me where me.idempotency_key = @key and me.purged_at is null
            """, new { key }, cancellationToken: cancellationToken));
        return row is null ? null : new RegistrationStatusPage(row.Status, row.Position, await WaitingList.SessionFactsAsync(connection, null, row.SessionId, cancellationToken),
            row.ConfirmBefore is { } deadline ? new DateTimeOffset(DateTime.SpecifyKind(deadline, DateTimeKind.Utc)) : null);
    }

    private sealed record Row(long SessionId, string Status, int? Position, DateTime? ConfirmBefore);
}
