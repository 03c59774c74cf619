using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using Ocim.Portal.Data;
using Ocim.Portal.Infrastructure;

namespace Ocim.Portal.Features.Events;

/// <summary>The staff's event form (create and edit). Times are typed in Paris time; the event stores UTC.</summary>
public sealed class EventForm
{
    public string? Title { get; set; }
    public string? Slug { get; set; }
    public string? Kind { get; set; }
    public string? Status { get; set; }
    [DataType(DataType.MultilineText)]
    public string? Summary { get; set; }
    [DataType(DataType.MultilineText)]
    public string? About { get; set; }
    [DataType(DataType.MultilineText)]
    public string? Objectives { get; set; }
    [DataType(DataType.MultilineText)]
    public string? Audience { get; set; }
    [DataType(DataType.MultilineText)]
    public string? Accessibility { get; set; }
    public List<string> Themes { get; set; } = [];
    public string? AttendanceMode { get; set; }
    public string? OnlineUrl { get; set; }
    public long? VenueActorId { get; set; }
    public string? VenueName { get; set; }
    public string? VenueAddress { get; set; }
    public string? VenuePostalCode { get; set; }
    public string? CommuneCode { get; set; }
    public long? OrganiserActorId { get; set; }
    public string? OrganiserName { get; set; }

    /// <summary>One partner per line: a name, or the number of an actor of the inventory.</summary>
    [DataType(DataType.MultilineText)]
    public string? Partners { get; set; }

    public bool IsFree { get; set; } = true;
    public string? PriceDetails { get; set; }
    public bool RegistrationRequired { get; set; } = true;
    public DateTime? RegistrationOpensAt { get; set; }
    public DateTime? RegistrationClosesAt { get; set; }

    public static EventForm From(Event e) => new()
    {
        Title = e.Title,
        Slug = e.Slug,
        Kind = e.Kind,
        Status = e.Status,
        Summary = e.Summary,
        About = e.About,
        Objectives = e.Objectives,
        Audience = e.Audience,
        Accessibility = e.Accessibility,
        Themes = e.Themes,
        AttendanceMode = e.AttendanceMode,
        OnlineUrl = e.OnlineUrl,
        VenueActorId = e.VenueActorId,
        VenueName = e.VenueName,
        VenueAddress = e.VenueAddress,
        VenuePostalCode = e.VenuePostalCode,
        CommuneCode = e.CommuneCode,
        OrganiserActorId = e.OrganiserActorId,
        OrganiserName = e.OrganiserName,
        Partners = string.Join("\n", e.Partners.OrderBy(p => p.Position).Select(p => p.ActorId?.ToString(CultureInfo.InvariantCulture) ?? p.Name)),
        IsFree = e.IsFree,
        PriceDetails = e.PriceDetails,
        RegistrationRequired = e.RegistrationRequired,
        RegistrationOpensAt = e.RegistrationOpensAt is { } o ? EventTime.ToParis(o).DateTime : null,
        RegistrationClosesAt = e.RegistrationClosesAt is { } c ? EventTime.ToParis(c).DateTime : null,
    };

    /// <summary>French messages per field, for what can be checked without the database.</summary>
    public Dictionary<string, string> Validate()
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(Title) || Title.Trim().Length > 300)
        {
            errors[nameof(Title)] = "Indiquez un titre (300 caractères au plus).";
        }

        if (!string.IsNullOrWhiteSpace(Slug) && !IsSlug(Slug.Trim()))
        {
            errors[nameof(Slug)] = "L'adresse ne peut contenir que des lettres minuscules sans accent, des chiffres et des tirets.";
        }

        if (!EventLabels.IsKind(Kind))
        {
            errors[nameof(Kind)] = "Choisissez un type d'événement.";
        }

        if (Status is not (EventStatus.Draft or EventStatus.Published or EventStatus.Cancelled or EventStatus.Postponed))
        {
            errors[nameof(Status)] = "Choisissez un statut.";
        }

        if (AttendanceMode is not (EventAttendance.InPerson or EventAttendance.Online or EventAttendance.Hybrid))
        {
            errors[nameof(AttendanceMode)] = "Choisissez un format.";
        }
        else if (AttendanceMode != EventAttendance.InPerson && (string.IsNullOrWhiteSpace(OnlineUrl) || !OnlineUrl.Trim().StartsWith("https://", StringComparison.Ordinal) || !SafeMarkdown.IsAllowedUrl(OnlineUrl)))
        {
            errors[nameof(OnlineUrl)] = "Un événement en ligne ou hybride a besoin d'un lien de connexion en https://.";
        }

        if (!string.IsNullOrWhiteSpace(OnlineUrl) && !OnlineUrl.Trim().StartsWith("https://", StringComparison.Ordinal))
        {
            errors[nameof(OnlineUrl)] = "Le lien de connexion doit commencer par https://.";
        }

        if (string.IsNullOrWhiteSpace(OrganiserName) && OrganiserActorId is null)
        {
            errors[nameof(OrganiserName)] = "Indiquez l'organisateur (un nom, ou le numéro d'un acteur de l'inventaire).";
        }

        if (!string.IsNullOrWhiteSpace(CommuneCode) && !(CommuneCode.Trim().Length == 5 && CommuneCode.Trim().All(char.IsAsciiLetterOrDigit)))
        {
            errors[nameof(CommuneCode)] = "Le code commune (INSEE) a cinq caractères, par exemple 21231 pour Dijon.";
        }

        foreach (var (field, value) in new[] { (nameof(RegistrationOpensAt), RegistrationOpensAt), (nameof(RegistrationClosesAt), RegistrationClosesAt) })
        {
            if (value is { } local && !EventTime.TryFromParis(local, out _, out var timeError))
            {
                errors[field] = char.ToUpperInvariant(timeError![0]) + timeError[1..] + ".";
            }
        }

        if (RegistrationOpensAt is { } opens && RegistrationClosesAt is { } closes && closes <= opens)
        {
            errors[nameof(RegistrationClosesAt)] = "La clôture des inscriptions doit suivre leur ouverture.";
        }

        return errors;
    }

    /// <summary>Copies the form onto the entity (partners excepted, which need the database).</summary>
    public void ApplyTo(Event e)
    {
        e.Title = Title!.Trim();
        e.Kind = Kind!;
        e.Status = Status!;
        e.Summary = Blank(Summary);
        e.About = Blank(About);
        e.Objectives = Blank(Objectives);
        e.Audience = Blank(Audience);
        e.Accessibility = Blank(Accessibility);
        e.Themes = Themes.Where(t => !string.IsNullOrWhiteSpace(t)).Distinct(StringComparer.Ordinal).ToList();
        e.AttendanceMode = AttendanceMode!;
        e.OnlineUrl = Blank(OnlineUrl);
        e.VenueActorId = VenueActorId;
        e.VenueName = Blank(VenueName);
        e.VenueAddress = Blank(VenueAddress);
        e.VenuePostalCode = Blank(VenuePostalCode);
        e.CommuneCode = Blank(CommuneCode);
        e.OrganiserActorId = OrganiserActorId;
        e.OrganiserName = Blank(OrganiserName) ?? string.Empty;
        e.IsFree = IsFree;
        e.PriceDetails = Blank(PriceDetails);
        e.RegistrationRequired = RegistrationRequired;
        e.RegistrationOpensAt = RegistrationOpensAt is { } o ? EventTime.FromParis(o) : null;
        e.RegistrationClosesAt = RegistrationClosesAt is { } c ? EventTime.FromParis(c) : null;
    }

    public static bool IsSlug(string value) =>
        value.Length is > 0 and <= 120 && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && !value.StartsWith('-') && !value.EndsWith('-') && !value.Contains("--", StringComparison.Ordinal);

    /// <summary>« Journée d'étude : musées &amp; tiers-lieux » → journee-d-etude-musees-tiers-lieux.</summary>
    public static string Slugify(string title)
    {
        var decomposed = title.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder();
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            var lower = char.ToLowerInvariant(c);
            builder.Append(char.IsAsciiLetterOrDigit(lower) ? lower : '-');
        }

        var slug = string.Join('-', builder.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries));
        slug = slug.Length > 80 ? slug[..80].TrimEnd('-') : slug;
        return slug.Length == 0 ? "evenement" : slug;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
