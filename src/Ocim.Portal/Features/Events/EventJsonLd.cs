using System.Globalization;
using System.Text.Json.Nodes;

namespace Ocim.Portal.Features.Events;

/// <summary>
/// schema.org Event JSON-LD for an event page: one Event per session (search engines expect one per date), with
/// name, dates with their Paris offset, location (Place with PostalAddress, or VirtualLocation), status, attendance
/// mode, organiser, free access and the offer's availability. Serialised by System.Text.Json with &lt; &gt; &amp; and
/// quotes escaped (\u003C…), so no title can close the script element it sits in (QUALITY S6).
/// </summary>
public static class EventJsonLd
{
    private static readonly System.Text.Json.JsonSerializerOptions Options = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    public static string For(EventDetail detail, string pageUrl)
    {
        var events = new JsonArray();
        foreach (var session in detail.Sessions)
        {
            var item = new JsonObject
            {
                ["@context"] = "https://schema.org",
                ["@type"] = "Event",
                ["@id"] = pageUrl + "#seance-" + session.Id.ToString(CultureInfo.InvariantCulture),
                ["name"] = detail.Title,
                ["url"] = pageUrl,
                ["startDate"] = EventTime.Iso(session.Start),
                ["endDate"] = EventTime.Iso(session.End),
                ["eventStatus"] = "https://schema.org/" + detail.Status switch
                {
                    "cancelled" => "EventCancelled",
                    "postponed" => "EventPostponed",
                    _ => "EventScheduled",
                },
                ["eventAttendanceMode"] = "https://schema.org/" + detail.AttendanceMode switch
                {
                    "en-ligne" => "OnlineEventAttendanceMode",
                    "hybride" => "MixedEventAttendanceMode",
                    _ => "OfflineEventAttendanceMode",
                },
                ["organizer"] = new JsonObject { ["@type"] = "Organization", ["name"] = detail.OrganiserName },
                ["isAccessibleForFree"] = detail.IsFree,
                ["inLanguage"] = "fr",
            };
            if ((detail.Summary ?? detail.About) is { } description)
            {
                item["description"] = description.Length > 500 ? description[..500] : description;
            }

            item["location"] = Location(detail);
            if (detail.Partners.Count > 0)
            {
                item["sponsor"] = new JsonArray(detail.Partners.Select(p => (JsonNode)new JsonObject { ["@type"] = "Organization", ["name"] = p.Name }).ToArray());
            }

            if (detail.IsFree)
            {
                item["offers"] = new JsonObject
                {
                    ["@type"] = "Offer",
                    ["price"] = 0,
                    ["priceCurrency"] = "EUR",
                    ["url"] = pageUrl,
                    ["availability"] = "https://schema.org/" + (session.PlacesLeft > 0 || !detail.RegistrationRequired ? "InStock" : "SoldOut"),
                };
            }

            events.Add(item);
        }

        return events.ToJsonString(Options);
    }

    private static JsonNode Location(EventDetail detail)
    {
        JsonObject? place = null;
        if (detail.VenueName is not null || detail.CommuneName is not null)
        {
            place = new JsonObject
            {
                ["@type"] = "Place",
                ["name"] = detail.VenueName ?? detail.CommuneName,
                ["address"] = new JsonObject
                {
                    ["@type"] = "PostalAddress",
                    ["streetAddress"] = detail.VenueAddress,
                    ["postalCode"] = detail.VenuePostalCode,
                    ["addressLocality"] = detail.CommuneName,
                    ["addressRegion"] = detail.RegionName,
                    ["addressCountry"] = "FR",
                },
            };
            if (detail.Latitude is { } lat && detail.Longitude is { } lon)
            {
                place["geo"] = new JsonObject { ["@type"] = "GeoCoordinates", ["latitude"] = lat, ["longitude"] = lon };
            }
        }

        var online = detail.OnlineUrl is null ? null : new JsonObject { ["@type"] = "VirtualLocation", ["url"] = detail.OnlineUrl };
        return (place, online) switch
        {
            ({ } p, { } o) => new JsonArray(p, o),
            ({ } p, null) => p,
            (null, { } o) => o,
            _ => new JsonObject { ["@type"] = "Place", ["name"] = "Lieu à préciser", ["address"] = new JsonObject { ["@type"] = "PostalAddress", ["addressCountry"] = "FR" } },
        };
    }
}
