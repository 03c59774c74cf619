using System.Globalization;

namespace Ocim.Portal.Features.Events;

/// <summary>Times are stored in UTC and shown in Europe/Paris, in French: « samedi 29 mars 2026, 10 h 00 ».</summary>
public static class EventTime
{
    public static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
    public static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    public static DateTimeOffset ToParis(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Paris);

    /// <summary>A Paris wall-clock time (as typed in a form) to the instant it denotes; the DST gap moves forward.</summary>
    public static DateTimeOffset FromParis(DateTime local)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (Paris.IsInvalidTime(unspecified))
        {
            unspecified = unspecified.AddHours(1);
        }

        return new DateTimeOffset(unspecified, Paris.GetUtcOffset(unspecified)).ToUniversalTime();
    }

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
