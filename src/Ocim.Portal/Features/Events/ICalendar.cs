using System.Globalization;
using System.Text;

namespace Ocim.Portal.Features.Events;

/// <summary>One VEVENT: a session of an event.</summary>
public sealed record CalendarEntry(
    long SessionId,
    string Title,
    DateTimeOffset Start,
    DateTimeOffset End,
    DateTimeOffset Stamp,
    string? Description,
    string? Location,
    string Url,
    bool Cancelled,
    double? Latitude,
    double? Longitude);

/// <summary>
/// iCalendar (RFC 5545) by hand (Ical.Net does not restore here): CRLF line ends, lines folded at 75 octets without
/// splitting a UTF-8 sequence (§3.1), TEXT values escaped (\\ ; , and line breaks, §3.3.11), times in UTC ("Z"), one
/// stable UID per session (session-{id}@{host}) and a DTSTAMP (§3.6.1).
/// </summary>
public static class ICalendar
{
    public const string ContentType = "text/calendar; charset=utf-8";

    public static string Write(IEnumerable<CalendarEntry> entries, string host, string calendarName)
    {
        var text = new StringBuilder();
        Line(text, "BEGIN:VCALENDAR");
        Line(text, "VERSION:2.0");
        Line(text, "PRODID:-//Ocim//Portail Ocim//FR");
        Line(text, "CALSCALE:GREGORIAN");
        Line(text, "METHOD:PUBLISH");
        Line(text, "X-WR-CALNAME:" + Escape(calendarName));
        Line(text, "X-WR-TIMEZONE:Europe/Paris");
        foreach (var entry in entries)
        {
            Line(text, "BEGIN:VEVENT");
            Line(text, string.Create(CultureInfo.InvariantCulture, $"UID:session-{entry.SessionId}@{host}"));
            Line(text, "DTSTAMP:" + Utc(entry.Stamp));
            Line(text, "DTSTART:" + Utc(entry.Start));
            Line(text, "DTEND:" + Utc(entry.End));
            Line(text, "SUMMARY:" + Escape(entry.Title));
            if (!string.IsNullOrWhiteSpace(entry.Description))
            {
                Line(text, "DESCRIPTION:" + Escape(entry.Description));
            }

            if (!string.IsNullOrWhiteSpace(entry.Location))
            {
                Line(text, "LOCATION:" + Escape(entry.Location));
            }

            if (entry.Latitude is { } lat && entry.Longitude is { } lon)
            {
                Line(text, string.Create(CultureInfo.InvariantCulture, $"GEO:{lat:0.######};{lon:0.######}"));
            }

            Line(text, "URL:" + entry.Url);
            Line(text, "STATUS:" + (entry.Cancelled ? "CANCELLED" : "CONFIRMED"));
            Line(text, "END:VEVENT");
        }

        Line(text, "END:VCALENDAR");
        return text.ToString();
    }

    /// <summary>TEXT escaping: backslash first, then ; , and line breaks.</summary>
    public static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace(";", "\\;", StringComparison.Ordinal)
            .Replace(",", "\\,", StringComparison.Ordinal)
            .Replace("\r\n", "\\n", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal)
            .Replace("\r", "\\n", StringComparison.Ordinal);

    private static string Utc(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Appends a content line, folded: at most 75 octets per physical line, continuations start with a space.</summary>
    internal static void Line(StringBuilder text, string line)
    {
        var limit = 75;
        var octets = 0;
        foreach (var rune in line.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (octets + size > limit)
            {
                text.Append("\r\n ");
                // The leading space of a continuation line counts towards its 75 octets.
                octets = 1;
            }

            text.Append(rune.ToString());
            octets += size;
        }

        text.Append("\r\n");
    }
}
