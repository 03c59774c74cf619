namespace Ocim.Portal.Data;

/// <summary>
/// An event of the catalogue (atelier, formation, forum…). Its commune, department, region and point are set by the
/// database from the venue when it is written (trigger event_resolve_venue).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716:Identifiers should not match keywords",
    Justification = "An application type, never consumed from VB; the table is named after it (event), as the domain says.")]
public sealed class Event
{
    public long Id { get; set; }
    public required string Slug { get; set; }
    public required string Kind { get; set; }
    public required string Title { get; set; }
    public string? Summary { get; set; }
    public string? About { get; set; }
    public string? Objectives { get; set; }
    public string? Audience { get; set; }
    public string? Accessibility { get; set; }
    public List<string> Themes { get; set; } = [];
    public string AttendanceMode { get; set; } = EventAttendance.InPerson;
    public string? OnlineUrl { get; set; }
    public long? VenueActorId { get; set; }
    public string? VenueName { get; set; }
    public string? VenueAddress { get; set; }
    public string? VenuePostalCode { get; set; }
    public string? CommuneCode { get; set; }
    public string? DepartmentCode { get; private set; }
    public string? RegionCode { get; private set; }
    public double? Longitude { get; set; }
    public double? Latitude { get; set; }
    public long? OrganiserActorId { get; set; }
    public required string OrganiserName { get; set; }
    public bool IsFree { get; set; } = true;
    public string? PriceDetails { get; set; }
    public bool RegistrationRequired { get; set; } = true;
    public DateTimeOffset? RegistrationOpensAt { get; set; }
    public DateTimeOffset? RegistrationClosesAt { get; set; }
    public bool RegistrationClosed { get; set; }
    public string Status { get; set; } = EventStatus.Draft;
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public List<EventSession> Sessions { get; set; } = [];
    public List<EventPartner> Partners { get; set; } = [];
}

public static class EventStatus
{
    public const string Draft = "draft";
    public const string Published = "published";
    public const string Cancelled = "cancelled";
    public const string Postponed = "postponed";
}

public static class EventAttendance
{
    public const string InPerson = "presentiel";
    public const string Online = "en-ligne";
    public const string Hybrid = "hybride";
}

/// <summary>One date of an event, with its own capacity and its count of confirmed seats.</summary>
public sealed class EventSession
{
    public long Id { get; set; }
    public long EventId { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public int Capacity { get; set; }

    /// <summary>Written by SQL only (registration, cancellation, capacity change): never by EF.</summary>
    public int Confirmed { get; private set; }
}

/// <summary>A partner of an event: an actor of the inventory, or a name.</summary>
public sealed class EventPartner
{
    public long EventId { get; set; }
    public int Position { get; set; }
    public long? ActorId { get; set; }
    public required string Name { get; set; }
}
