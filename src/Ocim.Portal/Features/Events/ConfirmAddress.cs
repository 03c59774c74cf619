using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Events;

public enum AddressConfirmationState
{
    /// <summary>The hold is still waiting for its confirmation, within its deadline.</summary>
    Pending,

    /// <summary>Confirmed (now or earlier): the seat or waiting-list place is the registrant's.</summary>
    Confirmed,

    /// <summary>The deadline passed before confirmation: the place was (or is about to be) released.</summary>
    Lapsed,

    /// <summary>The registration was cancelled (by the registrant, the organisers, or because it lapsed).</summary>
    Cancelled,
}

/// <summary>What the confirmation-link page shows.</summary>
public sealed record AddressConfirmation(AddressConfirmationState State, string Status, DateTimeOffset? HoldUntil, Guid Key, EventMails.SessionFacts Session);

/// <summary>
/// The address-confirmation link of the registration e-mail: GET shows the page (<see cref="PreviewAsync"/>), POST
/// confirms (<see cref="RunAsync"/>), so that a mail scanner opening the link confirms nothing. Confirming ends the
/// hold: the seat (or the waiting-list place) is kept. A lapsed hold cannot be confirmed: its place belongs to the
/// next person (docs/decisions/0032-registration-holds.md).
/// </summary>
public sealed class ConfirmAddress(NpgsqlDataSource dataSource)
{
    public async Task<AddressConfirmation?> PreviewAsync(string token, CancellationToken cancellationToken)
    {
        if (!RegistrationTokens.IsWellFormed(token))
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition("""
            select session_id, status, idempotency_key, hold_expires_at, address_confirmed_at is not null as confirmed,
                   hold_expires_at <= now() as lapsed
            from registration where address_token_hash = @hash and purged_at is null
            """, new { hash = RegistrationTokens.Hash(token) }, cancellationToken: cancellationToken));
        return row is null ? null : await PageAsync(connection, row, cancellationToken);
    }

    /// <summary>Confirms the address; returns the state after (null: no such link).</summary>
    public async Task<AddressConfirmation?> RunAsync(string token, CancellationToken cancellationToken)
    {
        if (!RegistrationTokens.IsWellFormed(token))
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One statement: a concurrent release (which cancels the row) and this confirmation cannot both win.
        await connection.ExecuteAsync(new CommandDefinition("""
            update registration set address_confirmed_at = now()
            where address_token_hash = @hash and purged_at is null and address_confirmed_at is null
              and status in ('confirmed', 'waitlisted') and hold_expires_at > now()
            """, new { hash = RegistrationTokens.Hash(token) }, cancellationToken: cancellationToken));
        return await PreviewAsync(token, cancellationToken);
    }

    private static async Task<AddressConfirmation> PageAsync(NpgsqlConnection connection, Row row, CancellationToken cancellationToken)
    {
        var state = row.Status == "cancelled" ? AddressConfirmationState.Cancelled
            : row.Confirmed ? AddressConfirmationState.Confirmed
            : row.Lapsed == true ? AddressConfirmationState.Lapsed
            : AddressConfirmationState.Pending;
        DateTimeOffset? holdUntil = row.HoldExpiresAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
        return new AddressConfirmation(state, row.Status, holdUntil, row.IdempotencyKey,
            await WaitingList.SessionFactsAsync(connection, null, row.SessionId, cancellationToken));
    }

    private sealed class Row
    {
        public long SessionId { get; init; }
        public string Status { get; init; } = string.Empty;
        public Guid IdempotencyKey { get; init; }
        public DateTime? HoldExpiresAt { get; init; }
        public bool Confirmed { get; init; }
        public bool? Lapsed { get; init; }
    }
}
