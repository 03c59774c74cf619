using System.Globalization;
using System.Text;

namespace Ocim.Portal.Features.Events;

/// <summary>
/// The catalogue's filter, read from and written to the query string, so that the page, its feed (.ics) and its links
/// share one definition: type, territory (region or department), theme, date range (Paris days), places left,
/// organiser (an actor of the inventory). <see cref="Errors"/> lists what could not be read, in French.
/// </summary>
public sealed record EventFilter
{
    public string? Kind { get; init; }
    public string? Region { get; init; }
    public string? Department { get; init; }
    public string? Theme { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    public bool WithPlacesLeft { get; init; }
    public long? Organiser { get; init; }
    public IReadOnlyList<string> Errors { get; init; } = [];

    public static EventFilter Parse(IQueryCollection query)
    {
        var errors = new List<string>();
        string? Text(string key, Func<string, bool> valid, string message)
        {
            var value = query[key].ToString().Trim();
            if (value.Length == 0)
            {
                return null;
            }

            if (valid(value))
            {
                return value;
            }

            errors.Add(message);
            return null;
        }

        DateOnly? Day(string key, string label)
        {
            var value = query[key].ToString().Trim();
            if (value.Length == 0)
            {
                return null;
            }

            if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                if (EventTime.IsPlausible(day))
                {
                    return day;
                }

                errors.Add($"La date {label} doit être comprise entre {EventTime.FirstYear} et {EventTime.LastYear}.");
                return null;
            }

            errors.Add($"La date {label} doit avoir la forme AAAA-MM-JJ.");
            return null;
        }

        var organiser = query["organisateur"].ToString().Trim();
        long? organiserId = null;
        if (organiser.Length > 0)
        {
            if (long.TryParse(organiser, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                organiserId = id;
            }
            else
            {
                errors.Add("L'organisateur doit être désigné par son numéro d'acteur.");
            }
        }

        var filter = new EventFilter
        {
            Kind = Text("type", EventLabels.IsKind, "Ce type d'événement n'existe pas."),
            Region = Text("region", v => v.Length <= 3 && v.All(char.IsAsciiLetterOrDigit), "Le code de région n'est pas valide."),
            Department = Text("departement", v => v.Length <= 3 && v.All(char.IsAsciiLetterOrDigit), "Le code de département n'est pas valide."),
            Theme = Text("theme", v => v.Length <= 60 && v.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'), "Ce thème n'existe pas."),
            From = Day("du", "de début"),
            To = Day("au", "de fin"),
            WithPlacesLeft = query["places"].ToString() is "1" or "true" or "on",
            Organiser = organiserId,
        };
        if (filter.From is { } from && filter.To is { } to && to < from)
        {
            errors.Add("La date de fin précède la date de début.");
            filter = filter with { To = null };
        }

        return filter with { Errors = errors };
    }

    /// <summary>"?type=atelier&amp;region=27" (empty when nothing is set), in a fixed order.</summary>
    public string ToQueryString()
    {
        var parts = new List<(string, string?)>
        {
            ("type", Kind),
            ("region", Region),
            ("departement", Department),
            ("theme", Theme),
            ("du", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            ("au", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            ("places", WithPlacesLeft ? "1" : null),
            ("organisateur", Organiser?.ToString(CultureInfo.InvariantCulture)),
        };
        var builder = new StringBuilder();
        foreach (var (key, value) in parts.Where(p => p.Item2 is not null))
        {
            builder.Append(builder.Length == 0 ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value!));
        }

        return builder.ToString();
    }
}
