using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Events;

/// <summary>An event as its page shows it, sessions and seats included.</summary>
public sealed class EventDetail
{
    public long Id { get; init; }
    public string Slug { get; init; } = string.Empty;
    public string Kind { get; init; } = string.Empty;
    public string Title { get; init; } = string.Empty;
    public string? Summary { get; init; }
    public string? About { get; init; }
    public string? Objectives { get; init; }
    public string? Audience { get; init; }
    public string? Accessibility { get; init; }
    public string[] ThemeLabels { get; init; } = [];
    public string AttendanceMode { get; init; } = string.Empty;
    public string? OnlineUrl { get; init; }
    public long? VenueActorId { get; init; }
    public string? VenueActorName { get; init; }
    public string? VenueName { get; init; }
    public string? VenueAddress { get; init; }
    public string? VenuePostalCode { get; init; }
    public string? CommuneCode { get; init; }
    public string? CommuneName { get; init; }
    public string? DepartmentCode { get; init; }
    public string? DepartmentName { get; init; }
    public string? RegionName { get; init; }
    public double? Longitude { get; init; }
    public double? Latitude { get; init; }
    public long? OrganiserActorId { get; init; }
    public string? OrganiserActorName { get; init; }
    public string OrganiserName { get; init; } = string.Empty;
    public bool IsFree { get; init; }
    public string? PriceDetails { get; init; }
    public bool RegistrationRequired { get; init; }
    public DateTime? RegistrationOpensAt { get; init; }
    public DateTime? RegistrationClosesAt { get; init; }
    public bool RegistrationClosed { get; init; }
    public string Status { get; init; } = string.Empty;
    public DateTime UpdatedAt { get; init; }
    public IReadOnlyList<SessionSeats> Sessions { get; set; } = [];
    public IReadOnlyList<PartnerName> Partners { get; set; } = [];

    public bool IsFull => Sessions.Count > 0 && Sessions.All(s => s.PlacesLeft <= 0);

    public string Href => "/evenements/" + Slug;

    /// <summary>Why a session takes no registration now, or null when it does.</summary>
    public string? ClosedReason(SessionSeats session, DateTimeOffset now) =>
        EventRegistrationRules.ClosedReason(Status, RegistrationRequired, RegistrationClosed,
            Utc(RegistrationOpensAt), Utc(RegistrationClosesAt), session.Start, now);

    /// <summary>« La Coursive, 12 rue …, 21000 Dijon », as one line.</summary>
    public string? Place => string.Join(", ", new[] { VenueName, VenueAddress, string.Join(' ', new[] { VenuePostalCode, CommuneName }.Where(p => !string.IsNullOrWhiteSpace(p))) }
        .Where(p => !string.IsNullOrWhiteSpace(p))) is { Length: > 0 } place ? place : null;

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}

public sealed class SessionSeats
{
    public long Id { get; init; }
    public DateTime StartsAt { get; init; }
    public DateTime EndsAt { get; init; }
    public int Capacity { get; init; }
    public int Confirmed { get; init; }
    public int Waitlisted { get; init; }

    public DateTimeOffset Start => new(DateTime.SpecifyKind(StartsAt, DateTimeKind.Utc));

    public DateTimeOffset End => new(DateTime.SpecifyKind(EndsAt, DateTimeKind.Utc));

    public int PlacesLeft => Math.Max(0, Capacity - Confirmed);
}

public sealed record PartnerName(long? ActorId, string Name);

/// <summary>Reads one event by its slug. Drafts are shown to staff only (includeDrafts).</summary>
public sealed class ShowEvent(NpgsqlDataSource dataSource)
{
    public async Task<EventDetail?> FindAsync(string slug, bool includeDrafts, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var detail = await connection.QuerySingleOrDefaultAsync<EventDetail>(new CommandDefinition("""
            select e.id, e.slug, e.kind, e.title, e.summary, e.about, e.objectives, e.audience, e.accessibility,
                   actor_vocabulary_labels('theme', e.themes) as theme_labels,
                   e.attendance_mode, e.online_url, e.venue_actor_id, va.name as venue_actor_name,
                   e.venue_name, e.venue_address, e.venue_postal_code, e.commune_code, c.name as commune_name,
                   e.department_code, d.name as department_name, r.name as region_name, e.longitude, e.latitude,
                   e.organiser_actor_id, oa.name as organiser_actor_name, e.organiser_name, e.is_free, e.price_details,
                   e.registration_required, e.registration_opens_at, e.registration_closes_at, e.registration_closed,
                   e.status, e.updated_at
            from event e
            left join commune c on c.code = e.commune_code
            left join department d on d.code = e.department_code
            left join region r on r.code = e.region_code
            left join actor va on va.id = e.venue_actor_id and va.status = 'published'
            left join actor oa on oa.id = e.organiser_actor_id and oa.status = 'published'
            where e.slug = @slug and (@includeDrafts or e.status <> 'draft')
            """, new { slug, includeDrafts }, cancellationToken: cancellationToken));
        if (detail is null)
        {
            return null;
        }

        detail.Sessions = (await connection.QueryAsync<SessionSeats>(new CommandDefinition("""
            select s.id, s.starts_at, s.ends_at, s.capacity, s.confirmed,
                   (select count(*) from registration w where w.session_id = s.id and w.status = 'waitlisted')::int as waitlisted
            from event_session s where s.event_id = @Id order by s.starts_at, s.id
            """, new { detail.Id }, cancellationToken: cancellationToken))).ToList();
        detail.Partners = (await connection.QueryAsync<PartnerName>(new CommandDefinition(
            "select p.actor_id, coalesce(a.name, p.name) as name from event_partner p left join actor a on a.id = p.actor_id and a.status = 'published' where p.event_id = @Id order by p.position",
            new { detail.Id }, cancellationToken: cancellationToken))).ToList();
        return detail;
    }
}
