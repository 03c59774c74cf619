using Dapper;
using Npgsql;

namespace Ocim.Portal.Tests.Features.Events;

/// <summary>Inserts events and sessions straight into a test database.</summary>
public static class EventRows
{
    /// <summary>A published event with one session per start time (2 hours each), registration open; returns the session ids.</summary>
    public static async Task<(long EventId, long[] Sessions)> InsertAsync(
        NpgsqlConnection connection,
        string slug,
        int capacity,
        DateTimeOffset[]? starts = null,
        string title = "Atelier de test",
        string status = "published",
        string? communeCode = "21231",
        string kind = "atelier",
        string[]? themes = null,
        bool registrationRequired = true,
        TimeSpan? duration = null)
    {
        var eventId = await connection.ExecuteScalarAsync<long>("""
            insert into event (slug, kind, title, summary, about, organiser_name, commune_code, venue_name, venue_address, venue_postal_code, status, themes, registration_required)
            values (@slug, @kind, @title, 'Un atelier pour les tests.', 'Un **atelier**.', 'Ocim', @communeCode, 'La Coursive', '2 rue Boutaric', '21000', @status, @themes, @registrationRequired)
            returning id
            """, new { slug, kind, title, communeCode, status, themes = themes ?? [], registrationRequired });
        var sessions = new List<long>();
        foreach (var start in starts ?? [DateTimeOffset.UtcNow.AddDays(30)])
        {
            sessions.Add(await connection.ExecuteScalarAsync<long>(
                "insert into event_session (event_id, starts_at, ends_at, capacity) values (@eventId, @start, @end, @capacity) returning id",
                new { eventId, start = start.UtcDateTime, end = (start + (duration ?? TimeSpan.FromHours(2))).UtcDateTime, capacity }));
        }

        return (eventId, sessions.ToArray());
    }
}
