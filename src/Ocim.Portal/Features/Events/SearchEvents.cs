using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Events;

/// <summary>One line of the catalogue: an event and its sessions that match the filter.</summary>
public sealed class EventListItem
{
    public long Id { get; init; }
    public string Slug { get; init; } = string.Empty;
    public string Title { get; init; } = string.Empty;
    public string Kind { get; init; } = string.Empty;
    public string Status { get; init; } = string.Empty;
    public string? Summary { get; init; }
    public string OrganiserName { get; init; } = string.Empty;
    public string AttendanceMode { get; init; } = string.Empty;
    public string? CommuneName { get; init; }
    public string? DepartmentCode { get; init; }
    public double? Longitude { get; init; }
    public double? Latitude { get; init; }
    public bool RegistrationRequired { get; init; }
    public bool IsFree { get; init; }
    public DateTime FirstStart { get; init; }
    public DateTime FirstEnd { get; init; }
    public int Sessions { get; init; }
    public int PlacesLeft { get; init; }

    public DateTimeOffset Start => new(DateTime.SpecifyKind(FirstStart, DateTimeKind.Utc));

    public DateTimeOffset End => new(DateTime.SpecifyKind(FirstEnd, DateTimeKind.Utc));

    public string Href => "/evenements/" + Slug;
}

/// <summary>One session of a matching event, for the iCalendar feed.</summary>
public sealed class EventSessionRow
{
    public long SessionId { get; init; }
    public string Slug { get; init; } = string.Empty;
    public string Title { get; init; } = string.Empty;
    public string Status { get; init; } = string.Empty;
    public string? Summary { get; init; }
    public string? Place { get; init; }
    public string? OnlineUrl { get; init; }
    public string OrganiserName { get; init; } = string.Empty;
    public double? Longitude { get; init; }
    public double? Latitude { get; init; }
    public DateTime StartsAt { get; init; }
    public DateTime EndsAt { get; init; }
    public DateTime UpdatedAt { get; init; }
}

/// <summary>
/// The public catalogue: published, cancelled and postponed events (never drafts) whose sessions match the filter;
/// upcoming by default (a session not yet ended), or the archive (every session ended), most recent first.
/// </summary>
public sealed class SearchEvents(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<IReadOnlyList<EventListItem>> ListAsync(EventFilter filter, bool archive, CancellationToken cancellationToken)
    {
        var (where, parameters) = Where(filter, archive);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
#pragma warning disable CA2100 // The WHERE clause is assembled from constant fragments; every value is a parameter.
        var rows = await connection.QueryAsync<EventListItem>(new CommandDefinition($"""
            select e.id, e.slug, e.title, e.kind, e.status, e.summary, e.organiser_name, e.attendance_mode, c.name as commune_name,
                   e.department_code, e.longitude, e.latitude, e.registration_required, e.is_free,
                   min(s.starts_at) as first_start, (array_agg(s.ends_at order by s.starts_at))[1] as first_end,
                   count(*)::int as sessions, sum(greatest(s.capacity - s.confirmed, 0))::int as places_left
            from event e
            join event_session s on s.event_id = e.id
            left join commune c on c.code = e.commune_code
            where {where}
            group by e.id, c.name
            order by {(archive ? "max(s.starts_at) desc" : "min(s.starts_at)")}, e.id
            limit 500
            """, parameters, cancellationToken: cancellationToken));
#pragma warning restore CA2100
        return rows.ToList();
    }

    /// <summary>Every matching session (not only the first of each event), for the feed.</summary>
    public async Task<IReadOnlyList<EventSessionRow>> SessionsAsync(EventFilter filter, CancellationToken cancellationToken)
    {
        var (where, parameters) = Where(filter, archive: false);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
#pragma warning disable CA2100 // As above: constant fragments, parameters for values.
        var rows = await connection.QueryAsync<EventSessionRow>(new CommandDefinition($"""
            select s.id as session_id, e.slug, e.title, e.status, e.summary,
                   nullif(concat_ws(', ', e.venue_name, e.venue_address, concat_ws(' ', e.venue_postal_code, c.name)), '') as place,
                   e.online_url, e.organiser_name, e.longitude, e.latitude, s.starts_at, s.ends_at, e.updated_at
            from event e
            join event_session s on s.event_id = e.id
            left join commune c on c.code = e.commune_code
            where {where}
            order by s.starts_at, s.id
            limit 2000
            """, parameters, cancellationToken: cancellationToken));
#pragma warning restore CA2100
        return rows.ToList();
    }

    private (string Where, DynamicParameters Parameters) Where(EventFilter filter, bool archive)
    {
        var parameters = new DynamicParameters();
        var now = clock.GetUtcNow().UtcDateTime;
        parameters.Add("now", now);
        var clauses = new List<string> { "e.status <> 'draft'" };
        if (archive)
        {
            clauses.Add("not exists (select from event_session later where later.event_id = e.id and later.ends_at >= @now)");
        }
        else
        {
            clauses.Add("s.ends_at >= @now");
        }

        if (filter.Kind is not null)
        {
            clauses.Add("e.kind = @kind");
            parameters.Add("kind", filter.Kind);
        }

        if (filter.Region is not null)
        {
            clauses.Add("e.region_code = @region");
            parameters.Add("region", filter.Region);
        }

        if (filter.Department is not null)
        {
            clauses.Add("e.department_code = @department");
            parameters.Add("department", filter.Department);
        }

        if (filter.Theme is not null)
        {
            clauses.Add("e.themes @> array[@theme]");
            parameters.Add("theme", filter.Theme);
        }

        // Dates are Paris days: a session belongs to the days it overlaps.
        if (filter.From is { } from)
        {
            clauses.Add("s.ends_at >= @fromInstant");
            parameters.Add("fromInstant", EventTime.FromParis(from.ToDateTime(TimeOnly.MinValue)).UtcDateTime);
        }

        if (filter.To is { } to)
        {
            clauses.Add("s.starts_at < @toInstant");
            parameters.Add("toInstant", EventTime.FromParis(to.AddDays(1).ToDateTime(TimeOnly.MinValue)).UtcDateTime);
        }

        if (filter.WithPlacesLeft)
        {
            clauses.Add("e.status = 'published' and e.registration_required and s.confirmed < s.capacity");
        }

        if (filter.Organiser is { } organiser)
        {
            clauses.Add("e.organiser_actor_id = @organiser");
            parameters.Add("organiser", organiser);
        }

        return (string.Join(" and ", clauses), parameters);
    }
}
