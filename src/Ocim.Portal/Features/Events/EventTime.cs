using System.Globalization;

namespace Ocim.Portal.Features.Events;

/// <summary>Times are stored in UTC and shown in Europe/Paris, in French: « samedi 29 mars 2026, 10 h 00 ».</summary>
public static class EventTime
{
    public static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
    public static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    public static DateTimeOffset ToParis(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Paris);

    /// <summary>The years an event's dates may fall in: what a form or a filter outside them holds is a typing error.</summary>
    public const int FirstYear = 2000;
    public const int LastYear = 2100;

    public const string GapMessage = "cette heure n'existe pas à Paris (passage à l'heure d'été) : choisissez une heure avant 2 h ou à partir de 3 h";

    public static readonly string YearMessage = $"l'année doit être comprise entre {FirstYear} et {LastYear}";

    /// <summary>
    /// A Paris wall-clock time (as typed in a form) to the instant it denotes, or the French reason it denotes none:
    /// a year outside <see cref="FirstYear"/>–<see cref="LastYear"/>, or a time skipped when the clocks go forward
    /// (2027-03-28 02:30). A time that occurs twice when the clocks go back (2026-10-25 02:30) is the first one, in
    /// summer time (UTC+2), as RFC 5545 reads it (docs/decisions/0033-refusing-bad-input.md).
    /// </summary>
    public static bool TryFromParis(DateTime local, out DateTimeOffset instant, out string? error)
    {
        instant = default;
        if (local.Year is < FirstYear or > LastYear)
        {
            error = YearMessage;
            return false;
        }

        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (Paris.IsInvalidTime(unspecified))
        {
            error = GapMessage;
            return false;
        }

        var offset = Paris.IsAmbiguousTime(unspecified) ? Paris.GetAmbiguousTimeOffsets(unspecified).Max() : Paris.GetUtcOffset(unspecified);
        instant = new DateTimeOffset(unspecified, offset).ToUniversalTime();
        error = null;
        return true;
    }

    /// <summary>
    /// A Paris wall-clock time the code itself builds (midnight of a filter's day, the demo's sessions) to its instant;
    /// the clocks never change at midnight in Paris, and a skipped time moves forward by an hour.
    /// </summary>
    public static DateTimeOffset FromParis(DateTime local)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (Paris.IsInvalidTime(unspecified))
        {
            unspecified = unspecified.AddHours(1);
        }

        var offset = Paris.IsAmbiguousTime(unspecified) ? Paris.GetAmbiguousTimeOffsets(unspecified).Max() : Paris.GetUtcOffset(unspecified);
        return new DateTimeOffset(unspecified, offset).ToUniversalTime();
    }

    /// <summary>True when a day of a filter or a form falls in the years events may have.</summary>
    public static bool IsPlausible(DateOnly day) => day.Year is >= FirstYear and <= LastYear;

    public static string Date(DateTimeOffset instant) => ToParis(instant).ToString("dddd d MMMM yyyy", French);

    public static string Clock(DateTimeOffset instant)
    {
        var local = ToParis(instant);
        return local.ToString("H' h 'mm", French);
    }

    /// <summary>« samedi 29 mars 2026, de 10 h 00 à 12 h 00 », or two dates when the session spans days.</summary>
    public static string Span(DateTimeOffset start, DateTimeOffset end)
    {
        var (s, e) = (ToParis(start), ToParis(end));
        return s.Date == e.Date
            ? $"{Date(start)}, de {Clock(start)} à {Clock(end)}"
            : $"du {Date(start)}, {Clock(start)}, au {Date(end)}, {Clock(end)}";
    }

    /// <summary>ISO 8601 with the Paris offset (2026-03-29T10:00:00+02:00): schema.org and &lt;time datetime&gt;.</summary>
    public static string Iso(DateTimeOffset instant) => ToParis(instant).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public static double Hours(DateTimeOffset start, DateTimeOffset end) => (end - start).TotalHours;
}
