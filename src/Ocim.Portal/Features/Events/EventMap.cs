using System.Globalization;
using Ocim.Portal.Features.Territories;

namespace Ocim.Portal.Features.Events;

/// <summary>One event on the map: its point in the drawing's units (Web Mercator metres, y pointing down).</summary>
public sealed record EventMarker(string X, string Y, string Title, string Href, string When);

/// <summary>
/// The catalogue's map, drawn on the server as SVG (no script, no tile server): metropolitan France's regions (the
/// same national drawing as the territory pages) and one linked dot per event of the list that has a place. The list
/// beside it is its accessible equivalent (RGAA): the map adds nothing the list does not say.
/// </summary>
public sealed record EventMap(OutlineMap Background, IReadOnlyList<EventMarker> Markers, string Radius)
{
    private const double EarthHalfCircumference = 20037508.342789244;

    public static EventMap Draw(OutlineMap background, IEnumerable<EventListItem> events)
    {
        var markers = events
            .Where(e => e.Longitude is >= -5.5 and <= 10 && e.Latitude is >= 41 and <= 51.5)
            .Select(e =>
            {
                var x = e.Longitude!.Value * EarthHalfCircumference / 180;
                var y = Math.Log(Math.Tan((90 + e.Latitude!.Value) * Math.PI / 360)) / (Math.PI / 180) * EarthHalfCircumference / 180;
                return new EventMarker(
                    x.ToString("0", CultureInfo.InvariantCulture), (-y).ToString("0", CultureInfo.InvariantCulture),
                    e.Title, e.Href, EventTime.Date(e.Start));
            })
            .ToList();
        var size = background.ViewBox.Split(' ').Skip(2).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).DefaultIfEmpty(1).Max();
        return new EventMap(background, markers, (size / 120).ToString("0", CultureInfo.InvariantCulture));
    }
}
