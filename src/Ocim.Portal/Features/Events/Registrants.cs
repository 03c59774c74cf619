using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;
using Ocim.Portal.Features.Actors;

namespace Ocim.Portal.Features.Events;

/// <summary>One registration as staff see it.</summary>
public sealed class RegistrantRow
{
    public long Id { get; init; }
    public long SessionId { get; init; }
    public DateTime StartsAt { get; init; }
    public DateTime EndsAt { get; init; }
    public string Status { get; init; } = string.Empty;
    public string? FullName { get; init; }
    public string? Email { get; init; }
    public string? Organisation { get; init; }
    public string? Role { get; init; }
    public string? AccessibilityNeeds { get; init; }
    public DateTime CreatedAt { get; init; }
    public bool? Attended { get; init; }
    public int? WaitingPosition { get; init; }

    /// <summary>The deadline of a hold whose address is not confirmed yet (null once confirmed, or without a hold).</summary>
    public DateTime? ConfirmBefore { get; init; }

    public bool IsHold => ConfirmBefore is not null;

    /// <summary>The status as staff read it, in French.</summary>
    public string StatusLabel => (Status, IsHold) switch
    {
        ("confirmed", false) => "confirmée",
        ("confirmed", true) => "place retenue, adresse à confirmer",
        ("waitlisted", false) => $"liste d'attente ({WaitingPosition})",
        ("waitlisted", true) => $"liste d'attente ({WaitingPosition}), adresse à confirmer",
        _ => "annulée",
    };

    public DateTimeOffset Start => new(DateTime.SpecifyKind(StartsAt, DateTimeKind.Utc));

    public DateTimeOffset End => new(DateTime.SpecifyKind(EndsAt, DateTimeKind.Utc));
}

/// <summary>The registrants of an event (staff page and CSV export), the attendance they mark, and the export itself.</summary>
public sealed class Registrants(NpgsqlDataSource dataSource)
{
    public static readonly string[] CsvHeaders =
    [
        "séance (début)", "séance (fin)", "statut", "rang en liste d'attente", "nom", "e-mail", "structure", "fonction",
        "besoins d'accessibilité", "inscription le", "présence", "durée (heures)", "IRC",
    ];

    public async Task<IReadOnlyList<RegistrantRow>> ListAsync(long eventId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RegistrantRow>(new CommandDefinition("""
            select r.id, r.session_id, s.starts_at, s.ends_at, r.status, r.full_name, r.email, r.organisation, r.role,
                   r.accessibility_needs, r.created_at, r.attended,
                   case when r.address_confirmed_at is null and r.status in ('confirmed', 'waitlisted') then r.hold_expires_at end as confirm_before,
                   case when r.status = 'waitlisted' then
                       row_number() over (partition by r.session_id, r.status order by r.created_at, r.id)::int end as waiting_position
            from registration r join event_session s on s.id = r.session_id
            where s.event_id = @eventId
            order by s.starts_at, s.id, case r.status when 'confirmed' then 0 when 'waitlisted' then 1 else 2 end, r.created_at, r.id
            """, new { eventId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Marks who came: the listed registrations of the event become present, its other confirmed ones absent.</summary>
    public async Task<int> MarkAttendanceAsync(long eventId, IReadOnlyCollection<long> present, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            update registration r set attended = (r.id = any(@present))
            from event_session s
            where s.id = r.session_id and s.event_id = @eventId and r.status = 'confirmed'
            """, new { eventId, present = present.ToArray() }, cancellationToken: cancellationToken));
    }

    /// <summary>CSV for French Excel: BOM, ";", CRLF, text cells made formula-safe by the actors' export writer.</summary>
    public static string ToCsv(IEnumerable<RegistrantRow> rows)
    {
        var french = CultureInfo.GetCultureInfo("fr-FR");
        var text = new StringBuilder("\uFEFF");
        text.Append(string.Join(';', CsvHeaders.Select(ExportActorsCsv.Escape))).Append("\r\n");
        foreach (var row in rows)
        {
            var hours = EventTime.Hours(row.Start, row.End);
            var attended = row.Attended == true;
            string[] cells =
            [
                EventTime.ToParis(row.Start).ToString("dd/MM/yyyy HH:mm", french),
                EventTime.ToParis(row.End).ToString("dd/MM/yyyy HH:mm", french),
                (row.Status, row.IsHold) switch
                {
                    ("confirmed", false) => "confirmée",
                    ("confirmed", true) => "place retenue (adresse à confirmer)",
                    ("waitlisted", false) => "liste d'attente",
                    ("waitlisted", true) => "liste d'attente (adresse à confirmer)",
                    _ => "annulée",
                },
                row.WaitingPosition?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                ExportActorsCsv.Escape(row.FullName),
                ExportActorsCsv.Escape(row.Email),
                ExportActorsCsv.Escape(row.Organisation),
                ExportActorsCsv.Escape(row.Role),
                ExportActorsCsv.Escape(row.AccessibilityNeeds),
                EventTime.ToParis(new DateTimeOffset(DateTime.SpecifyKind(row.CreatedAt, DateTimeKind.Utc))).ToString("dd/MM/yyyy HH:mm", french),
                row.Attended switch { true => "présent", false => "absent", null => string.Empty },
                hours.ToString("0.##", french),
                (attended ? hours : 0).ToString("0.##", french),
            ];
            text.Append(string.Join(';', cells)).Append("\r\n");
        }

        return text.ToString();
    }
}
