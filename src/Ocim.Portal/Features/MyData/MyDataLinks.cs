using Dapper;
using Npgsql;
using Ocim.Portal.Features.Events;

namespace Ocim.Portal.Features.MyData;

/// <summary>Where a mailed link stands.</summary>
public enum MyDataLinkState
{
    /// <summary>Malformed, tampered with, or forgotten: no such link.</summary>
    Unknown,

    /// <summary>Never opened and past its lifetime.</summary>
    Expired,

    /// <summary>Valid and not opened yet: the page offers a button that opens it.</summary>
    Ready,

    /// <summary>Opened less than <see cref="MyDataSettings.OpenWindow"/> ago: the data can be read and downloaded.</summary>
    Open,

    /// <summary>Opened, and the window is over: the link has served.</summary>
    Spent,
}

/// <summary>A link as found: its state and, when it can show data, the address it was mailed to.</summary>
public sealed record MyDataLink(MyDataLinkState State, string? Email, DateTimeOffset? ReadableUntil);

/// <summary>
/// Reads and opens the mailed links. Reading changes nothing (a mail scanner that fetches the link spends nothing);
/// opening is a POST that sets <c>used_at</c> once, atomically, and starts the short window in which the page and
/// the downloads answer.
/// </summary>
public sealed class MyDataLinks(NpgsqlDataSource dataSource, MyDataSettings settings, TimeProvider clock)
{
    public async Task<MyDataLink> FindAsync(string token, CancellationToken cancellationToken)
    {
        if (!RegistrationTokens.IsWellFormed(token))
        {
            return new MyDataLink(MyDataLinkState.Unknown, null, null);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<LinkRow>(new CommandDefinition(
            "select email, expires_at, used_at from data_access_token where token_hash = @hash",
            new { hash = RegistrationTokens.Hash(token) }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return new MyDataLink(MyDataLinkState.Unknown, null, null);
        }

        var now = clock.GetUtcNow();
        if (row.UsedAt is { } used)
        {
            var until = Utc(used) + settings.OpenWindow;
            return now < until ? new MyDataLink(MyDataLinkState.Open, row.Email, until) : new MyDataLink(MyDataLinkState.Spent, null, null);
        }

        return now < Utc(row.ExpiresAt) ? new MyDataLink(MyDataLinkState.Ready, null, null) : new MyDataLink(MyDataLinkState.Expired, null, null);
    }

    /// <summary>Opens a ready link; false when it was not ready (already opened, expired, unknown).</summary>
    public async Task<bool> OpenAsync(string token, CancellationToken cancellationToken)
    {
        if (!RegistrationTokens.IsWellFormed(token))
        {
            return false;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "update data_access_token set used_at = @now where token_hash = @hash and used_at is null and expires_at > @now",
            new { hash = RegistrationTokens.Hash(token), now = clock.GetUtcNow() }, cancellationToken: cancellationToken)) == 1;
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private sealed class LinkRow
    {
        public string Email { get; init; } = string.Empty;
        public DateTime ExpiresAt { get; init; }
        public DateTime? UsedAt { get; init; }
    }
}
