using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Ocim.Portal.Data;
using Ocim.Portal.Features.Events;

namespace Ocim.Portal.Features.EventProposals;

/// <summary>One session as typed: Paris wall-clock times and a number of places, all bound as strings.</summary>
public sealed class SessionInput
{
    public string? StartsAt { get; set; }
    public string? EndsAt { get; set; }
    public string? Capacity { get; set; }

    public bool IsBlank => string.IsNullOrWhiteSpace(StartsAt) && string.IsNullOrWhiteSpace(EndsAt) && string.IsNullOrWhiteSpace(Capacity);
}

/// <summary>A session read from the form: Paris wall-clock times and places.</summary>
public sealed record ProposedSession(DateTime StartsAtParis, DateTime EndsAtParis, int Capacity);

/// <summary>
/// What a representative's event form binds, and nothing else: no status, slug, organiser, venue actor, closing
/// flag or seat counter, so that a posted Status, OrganiserActorId or Confirmed binds to nothing (mass assignment).
/// The organiser is always the listing of the route; the venue is that listing's place or a free address.
/// </summary>
public sealed class EventProposalForm
{
    public const string AtListing = "fiche";
    public const string AtAddress = "adresse";
    public const int MaxSessions = 10;

    /// <summary>The proposal's version the form was opened on (edits only).</summary>
    public int? Version { get; set; }

    public string? Title { get; set; }
    public string? Kind { get; set; }
    [DataType(DataType.MultilineText)]
    public string? Summary { get; set; }
    [DataType(DataType.MultilineText)]
    public string? About { get; set; }
    public string? Audience { get; set; }
    [DataType(DataType.MultilineText)]
    public string? Accessibility { get; set; }
    public List<string> Themes { get; set; } = [];
    public string? AttendanceMode { get; set; } = EventAttendance.InPerson;
    public string? OnlineUrl { get; set; }
    public string? Venue { get; set; } = AtListing;
    public string? VenueName { get; set; }
    public string? VenueAddress { get; set; }
    public string? VenuePostalCode { get; set; }
    public string? CommuneCode { get; set; }
    public bool IsFree { get; set; } = true;
    public string? PriceDetails { get; set; }
    public bool RegistrationRequired { get; set; } = true;
    public List<SessionInput> Sessions { get; set; } = [];

    /// <summary>The form of an event already proposed (sessions as typed, in Paris time).</summary>
    public static EventProposalForm From(Event e, long actorId, int version) => new()
    {
        Version = version,
        Title = e.Title,
        Kind = e.Kind,
        Summary = e.Summary,
        About = e.About,
        Audience = e.Audience,
        Accessibility = e.Accessibility,
        Themes = e.Themes,
        AttendanceMode = e.AttendanceMode,
        OnlineUrl = e.OnlineUrl,
        Venue = e.VenueActorId == actorId || (e.VenueActorId is null && e.CommuneCode is null && e.VenueAddress is null) ? AtListing : AtAddress,
        VenueName = e.VenueActorId == actorId ? null : e.VenueName,
        VenueAddress = e.VenueActorId == actorId ? null : e.VenueAddress,
        VenuePostalCode = e.VenueActorId == actorId ? null : e.VenuePostalCode,
        CommuneCode = e.VenueActorId == actorId ? null : e.CommuneCode,
        IsFree = e.IsFree,
        PriceDetails = e.PriceDetails,
        RegistrationRequired = e.RegistrationRequired,
        Sessions = e.Sessions.OrderBy(s => s.StartsAt).ThenBy(s => s.Id).Select(s => new SessionInput
        {
            StartsAt = Local(s.StartsAt),
            EndsAt = Local(s.EndsAt),
            Capacity = s.Capacity.ToString(CultureInfo.InvariantCulture),
        }).ToList(),
    };

    /// <summary>
    /// The staff's event form for the same content, with what the representative may not choose set here: the
    /// organiser is the listing, the venue the listing or the address typed, the status the one given.
    /// </summary>
    public EventForm ToEventForm(long actorId, string actorName, string status)
    {
        // An event held online only has no place, whatever the venue choice says.
        var atListing = AttendanceMode != EventAttendance.Online && Venue == AtListing;
        var atAddress = AttendanceMode != EventAttendance.Online && Venue == AtAddress;
        return new()
        {
            Title = Title,
            Kind = Kind,
            Status = status,
            Summary = Summary,
            About = About,
            Audience = Audience,
            Accessibility = Accessibility,
            Themes = Themes,
            AttendanceMode = AttendanceMode,
            OnlineUrl = OnlineUrl,
            VenueActorId = atListing ? actorId : null,
            VenueName = atAddress ? VenueName : null,
            VenueAddress = atAddress ? VenueAddress : null,
            VenuePostalCode = atAddress ? VenuePostalCode : null,
            CommuneCode = atAddress ? CommuneCode : null,
            OrganiserActorId = actorId,
            OrganiserName = actorName,
            IsFree = IsFree,
            PriceDetails = PriceDetails,
            RegistrationRequired = RegistrationRequired,
        };
    }

    /// <summary>
    /// Checks what needs no database: the event form's own rules (title, type, format, link, commune code), then the
    /// venue, the lengths and the sessions. Returns the sessions read, in order.
    /// </summary>
    public List<ProposedSession> Validate(long actorId, string actorName, DateTimeOffset now, ModelStateDictionary modelState)
    {
        foreach (var (field, message) in ToEventForm(actorId, actorName, EventStatus.Draft).Validate())
        {
            modelState.AddModelError(field, message);
        }

        Check(modelState, nameof(Summary), Summary, 600, "Le résumé tient en 600 caractères au plus.");
        Check(modelState, nameof(About), About, 20_000, "La présentation tient en 20 000 caractères au plus.");
        Check(modelState, nameof(Audience), Audience, 1_000, "Le public visé tient en 1 000 caractères au plus.");
        Check(modelState, nameof(Accessibility), Accessibility, 2_000, "L'accessibilité tient en 2 000 caractères au plus.");
        Check(modelState, nameof(PriceDetails), PriceDetails, 300, "Les tarifs tiennent en 300 caractères au plus.");
        Check(modelState, nameof(VenueName), VenueName, 300, "Le nom du lieu tient en 300 caractères au plus.");
        Check(modelState, nameof(VenueAddress), VenueAddress, 300, "L'adresse tient en 300 caractères au plus.");
        Check(modelState, nameof(VenuePostalCode), VenuePostalCode, 10, "Le code postal tient en 10 caractères au plus.");
        if (Venue is not (AtListing or AtAddress))
        {
            modelState.AddModelError(nameof(Venue), "Choisissez le lieu : celui de la fiche, ou une autre adresse.");
        }
        else if (Venue == AtAddress && AttendanceMode != EventAttendance.Online && string.IsNullOrWhiteSpace(CommuneCode))
        {
            modelState.AddModelError(nameof(CommuneCode), "Indiquez le code INSEE de la commune du lieu (par exemple 21231 pour Dijon).");
        }

        if (!IsFree && string.IsNullOrWhiteSpace(PriceDetails))
        {
            modelState.AddModelError(nameof(PriceDetails), "Un événement payant indique ses tarifs.");
        }

        return ReadSessions(now, modelState);
    }

    private List<ProposedSession> ReadSessions(DateTimeOffset now, ModelStateDictionary modelState)
    {
        var sessions = new List<ProposedSession>();
        if (Sessions.Count > MaxSessions)
        {
            modelState.AddModelError(nameof(Sessions), $"Une proposition compte {MaxSessions} séances au plus.");
            return sessions;
        }

        for (var i = 0; i < Sessions.Count; i++)
        {
            var input = Sessions[i];
            if (input.IsBlank)
            {
                continue;
            }

            var key = $"{nameof(Sessions)}[{i}]";
            var start = ParseLocal(input.StartsAt);
            var end = ParseLocal(input.EndsAt);
            DateTimeOffset? startsAt = null;
            DateTimeOffset? endsAt = null;
            if (start is null)
            {
                modelState.AddModelError($"{key}.{nameof(SessionInput.StartsAt)}", $"Séance {i + 1} : indiquez le début (date et heure de Paris).");
            }
            else if (!EventTime.TryFromParis(start.Value, out var startInstant, out var startError))
            {
                modelState.AddModelError($"{key}.{nameof(SessionInput.StartsAt)}", $"Séance {i + 1}, début : {startError}.");
            }
            else if (startInstant <= now)
            {
                modelState.AddModelError($"{key}.{nameof(SessionInput.StartsAt)}", $"Séance {i + 1} : le début est déjà passé.");
            }
            else
            {
                startsAt = startInstant;
            }

            if (end is null)
            {
                modelState.AddModelError($"{key}.{nameof(SessionInput.EndsAt)}", $"Séance {i + 1} : indiquez la fin (date et heure de Paris).");
            }
            else if (!EventTime.TryFromParis(end.Value, out var endInstant, out var endError))
            {
                modelState.AddModelError($"{key}.{nameof(SessionInput.EndsAt)}", $"Séance {i + 1}, fin : {endError}.");
            }
            else if (start is not null && end <= start)
            {
                modelState.AddModelError($"{key}.{nameof(SessionInput.EndsAt)}", $"Séance {i + 1} : la fin doit suivre le début.");
            }
            else
            {
                endsAt = endInstant;
            }

            var capacity = ParseCapacity(input.Capacity);
            if (capacity is null && (RegistrationRequired || !string.IsNullOrWhiteSpace(input.Capacity)))
            {
                modelState.AddModelError($"{key}.{nameof(SessionInput.Capacity)}", $"Séance {i + 1} : indiquez le nombre de places (un nombre entier de 1 à 100\u202F000).");
            }

            if (start is { } s && end is { } e && startsAt is not null && endsAt > startsAt)
            {
                sessions.Add(new ProposedSession(s, e, capacity ?? 0));
            }
        }

        if (sessions.Count == 0 && modelState.IsValid)
        {
            modelState.AddModelError($"{nameof(Sessions)}[0].{nameof(SessionInput.StartsAt)}", "Indiquez au moins une séance : son début, sa fin et son nombre de places.");
        }

        return sessions;
    }

    /// <summary>The value of a datetime-local field (2026-03-29T10:00), or a French date typed by hand (29/03/2026 10:00).</summary>
    public static DateTime? ParseLocal(string? value) =>
        DateTime.TryParseExact(value?.Trim(), ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "dd/MM/yyyy HH:mm", "dd/MM/yyyy H'h'mm", "dd/MM/yyyy H' h 'mm"],
            CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : null;

    /// <summary>« 30 », « 1 200 » (with any kind of space): 1 to 100 000.</summary>
    public static int? ParseCapacity(string? value)
    {
        var digits = new string((value ?? string.Empty).Where(c => !char.IsWhiteSpace(c) && c != '\u202F' && c != '\u00A0').ToArray());
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var seats) && seats is >= 1 and <= 100_000 ? seats : null;
    }

    public static string Local(DateTimeOffset instant) => EventTime.ToParis(instant).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    private static void Check(ModelStateDictionary modelState, string field, string? value, int max, string message)
    {
        if (value is not null && value.Trim().Length > max)
        {
            modelState.AddModelError(field, message);
        }
    }
}
