using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dapper;
using Npgsql;
using Ocim.Portal.Features.Actors;
using Ocim.Portal.Features.Events;

namespace Ocim.Portal.Features.MyData;

/// <summary>One registration of the person, as the page and the exports show it.</summary>
public sealed record MyRegistration(
    string EventTitle,
    string EventSlug,
    DateTimeOffset Start,
    DateTimeOffset End,
    string Status,
    int? WaitingPosition,
    string? FullName,
    string? Email,
    string? Organisation,
    string? Role,
    string? AccessibilityNeeds,
    DateTimeOffset ConsentAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ConfirmedAt,
    DateTimeOffset? PromotedAt,
    DateTimeOffset? CancelledAt,
    string? CancelledBy,
    bool? Attended)
{
    public string StatusLabel => Status switch
    {
        "confirmed" => "confirmée",
        "waitlisted" => "liste d'attente",
        _ => "annulée",
    };

    public string? CancelledByLabel => CancelledBy switch
    {
        "registrant" => "vous-même",
        "organiser" => "l'organisateur",
        _ => null,
    };

    public string? AttendedLabel => Attended switch
    {
        true => "présent·e",
        false => "absent·e",
        null => null,
    };
}

/// <summary>Everything the portal holds about one address, and when it was read.</summary>
public sealed record MyDataExport(string Email, DateTimeOffset ReadAt, IReadOnlyList<MyRegistration> Registrations)
{
    /// <summary>Said in the page and both files: the notice's acceptance is the only consent the portal records.</summary>
    public const string ConsentNote =
        "La date d'acceptation de la notice, enregistrée à chaque inscription, est le seul consentement que le portail conserve\u202F: il ne tient ni liste d'abonnement, ni lettre d'information, ni autre inscription.";
}

/// <summary>
/// The registrations of one address (any case, as registrations compare addresses), waiting-list positions
/// included. Rows whose personal data the retention purge erased have no address left: they are nobody's any more
/// and are not found.
/// </summary>
public sealed class ReadMyData(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public static readonly string[] CsvHeaders =
    [
        "événement", "page de l'événement", "début (heure de Paris)", "fin (heure de Paris)", "statut", "position en liste d'attente",
        "nom", "adresse électronique", "structure", "fonction", "besoins d'accessibilité", "notice acceptée le",
        "inscription le", "confirmée le", "place attribuée le (liste d'attente)", "annulée le", "annulée par", "présence",
    ];

    public async Task<MyDataExport> ReadAsync(string email, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition("""
            select e.title as event_title, e.slug as event_slug, s.starts_at, s.ends_at, r.status,
                   case when r.status = 'waitlisted' then (
                       select count(*)::int from registration w
                       where w.session_id = r.session_id and w.status = 'waitlisted' and (w.created_at, w.id) <= (r.created_at, r.id))
                   end as waiting_position,
                   r.full_name, r.email, r.organisation, r.role, r.accessibility_needs, r.consent_at, r.created_at,
                   r.confirmed_at, r.promoted_at, r.cancelled_at, r.cancelled_by, r.attended
            from registration r
            join event_session s on s.id = r.session_id
            join event e on e.id = s.event_id
            where lower(r.email) = lower(@email)
            order by s.starts_at, r.created_at, r.id
            """, new { email = email.Trim() }, cancellationToken: cancellationToken));
        return new MyDataExport(email.Trim(), clock.GetUtcNow(), rows.Select(r => r.ToRegistration()).ToList());
    }

    /// <summary>Indented UTF-8 JSON, with French keys, times in Paris time with their offset (ISO 8601).</summary>
    public static byte[] ToJson(MyDataExport export, string siteUrl)
    {
        ArgumentNullException.ThrowIfNull(export);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("adresseElectronique", export.Email);
            json.WriteString("exporteLe", EventTime.Iso(export.ReadAt));
            json.WriteString("consentements", MyDataExport.ConsentNote);
            json.WriteStartArray("inscriptions");
            foreach (var r in export.Registrations)
            {
                json.WriteStartObject();
                json.WriteString("evenement", r.EventTitle);
                json.WriteString("pageEvenement", $"{siteUrl}/evenements/{r.EventSlug}");
                json.WriteString("debut", EventTime.Iso(r.Start));
                json.WriteString("fin", EventTime.Iso(r.End));
                json.WriteString("statut", r.StatusLabel);
                Number(json, "positionListeAttente", r.WaitingPosition);
                Text(json, "nom", r.FullName);
                Text(json, "adresseElectronique", r.Email);
                Text(json, "structure", r.Organisation);
                Text(json, "fonction", r.Role);
                Text(json, "besoinsAccessibilite", r.AccessibilityNeeds);
                json.WriteString("noticeAccepteeLe", EventTime.Iso(r.ConsentAt));
                json.WriteString("inscriptionLe", EventTime.Iso(r.CreatedAt));
                Text(json, "confirmeeLe", Iso(r.ConfirmedAt));
                Text(json, "placeAttribueeLe", Iso(r.PromotedAt));
                Text(json, "annuleeLe", Iso(r.CancelledAt));
                Text(json, "annuleePar", r.CancelledByLabel);
                if (r.Attended is { } attended)
                {
                    json.WriteBoolean("present", attended);
                }
                else
                {
                    json.WriteNull("present");
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>CSV for French Excel (docs/exports.md): BOM, ";", CRLF, text cells made formula-safe.</summary>
    public static string ToCsv(MyDataExport export, string siteUrl)
    {
        ArgumentNullException.ThrowIfNull(export);
        var text = new StringBuilder("\uFEFF");
        text.Append(string.Join(';', CsvHeaders.Select(ExportActorsCsv.Escape))).Append("\r\n");
        foreach (var r in export.Registrations)
        {
            string[] cells =
            [
                ExportActorsCsv.Escape(r.EventTitle),
                ExportActorsCsv.Escape($"{siteUrl}/evenements/{r.EventSlug}"),
                Local(r.Start),
                Local(r.End),
                ExportActorsCsv.Escape(r.StatusLabel),
                r.WaitingPosition?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                ExportActorsCsv.Escape(r.FullName),
                ExportActorsCsv.Escape(r.Email),
                ExportActorsCsv.Escape(r.Organisation),
                ExportActorsCsv.Escape(r.Role),
                ExportActorsCsv.Escape(r.AccessibilityNeeds),
                Local(r.ConsentAt),
                Local(r.CreatedAt),
                Local(r.ConfirmedAt),
                Local(r.PromotedAt),
                Local(r.CancelledAt),
                ExportActorsCsv.Escape(r.CancelledByLabel),
                ExportActorsCsv.Escape(r.AttendedLabel),
            ];
            text.Append(string.Join(';', cells)).Append("\r\n");
        }

        return text.ToString();
    }

    /// <summary>Paris time as French Excel reads a date and time.</summary>
    public static string Local(DateTimeOffset? instant) =>
        instant is { } value ? EventTime.ToParis(value).ToString("dd/MM/yyyy HH:mm", EventTime.French) : string.Empty;

    private static string? Iso(DateTimeOffset? instant) => instant is { } value ? EventTime.Iso(value) : null;

    private static void Text(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void Number(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private sealed class Row
    {
        public string EventTitle { get; init; } = string.Empty;
        public string EventSlug { get; init; } = string.Empty;
        public DateTime StartsAt { get; init; }
        public DateTime EndsAt { get; init; }
        public string Status { get; init; } = string.Empty;
        public int? WaitingPosition { get; init; }
        public string? FullName { get; init; }
        public string? Email { get; init; }
        public string? Organisation { get; init; }
        public string? Role { get; init; }
        public string? AccessibilityNeeds { get; init; }
        public DateTime ConsentAt { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime? ConfirmedAt { get; init; }
        public DateTime? PromotedAt { get; init; }
        public DateTime? CancelledAt { get; init; }
        public string? CancelledBy { get; init; }
        public bool? Attended { get; init; }

        public MyRegistration ToRegistration() => new(
            EventTitle, EventSlug, Utc(StartsAt), Utc(EndsAt), Status, WaitingPosition, FullName, Email, Organisation, Role, AccessibilityNeeds,
            Utc(ConsentAt), Utc(CreatedAt), Utc(ConfirmedAt), Utc(PromotedAt), Utc(CancelledAt), CancelledBy, Attended);

        private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

        private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;
    }
}
