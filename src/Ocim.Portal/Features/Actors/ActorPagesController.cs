using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Net.Http.Headers;
using Ocim.Portal.Features.Curation;
using Ocim.Portal.Features.Territories;
using Ocim.Portal.Infrastructure;
using Ocim.Portal.Infrastructure.Http;

namespace Ocim.Portal.Features.Actors;

/// <summary>What an actor's page shows.</summary>
public sealed record ActorPageViewModel(
    ActorDetail Actor,
    string DescriptionHtml,
    OutlineMap Map,
    ActorMapMarker? Marker,
    IReadOnlyList<NearbyActor> Nearby,
    string CanonicalUrl,
    string JsonLd)
{
    /// <summary>The listing's links to maps; null when its location is unknown.</summary>
    public ActorPlaceLinks? Links { get; } = ActorPlaceLinks.For(Actor);
}

/// <summary>
/// Where a located listing's contact block points: the portal's map at street level, an OpenStreetMap itinerary and a
/// geo: URI (RFC 5870) that phones open in their maps application. The last two are links the visitor may follow; the
/// page itself makes no request to another server.
/// </summary>
public sealed record ActorPlaceLinks(string Map, string Directions, string Geo)
{
    public static ActorPlaceLinks? For(ActorDetail actor)
    {
        if (actor.Latitude is not { } latitude || actor.Longitude is not { } longitude)
        {
            return null;
        }

        var lat = latitude.ToString("0.#####", CultureInfo.InvariantCulture);
        var lon = longitude.ToString("0.#####", CultureInfo.InvariantCulture);
        // A commune's centre says nothing at street level: the map opens on the commune instead.
        var zoom = actor.LocationApproximate ? 13 : 16;
        return new ActorPlaceLinks(
            $"/carte#{zoom}/{lat}/{lon}",
            $"https://www.openstreetmap.org/directions?route=%3B{lat}%2C{lon}#map={zoom}/{lat}/{lon}",
            $"geo:{lat},{lon}");
    }
}

/// <summary>The actor's point on the small map, in the map's own units (Web Mercator metres, y pointing down).</summary>
public sealed record ActorMapMarker(string X, string Y, string Radius);

/// <summary>An actor's page and the exports of the list's filter (the list itself is ActorsController).</summary>
public sealed class ActorPagesController : Controller
{
    /// <summary>
    /// /acteurs/{id} and /acteurs/{id}-{slug}. One segment read here rather than an "{id}-{slug}" route: complex
    /// segments match from the right, so a slug that holds hyphens would never bind.
    /// </summary>
    [HttpGet("/acteurs/{key:regex(^\\d{{1,18}}($|-))}")]
    public async Task<IActionResult> Show(
        string key,
        [FromServices] ShowActor showActor,
        [FromServices] FindNearbyActors findNearby,
        [FromServices] DrawOutline drawOutline,
        [FromServices] FindMergeSurvivor findSurvivor,
        CancellationToken cancellationToken)
    {
        var dash = key.IndexOf('-', StringComparison.Ordinal);
        if (!long.TryParse(dash < 0 ? key : key[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return NotFound();
        }

        var actor = await showActor.FindAsync(id, cancellationToken);
        if (actor is null)
        {
            // A listing merged into another: its old address leads to the survivor for good.
            return await findSurvivor.FindAsync(id, cancellationToken) is { } survivor
                ? RedirectPermanent(ActorLinks.Href(survivor.Id, survivor.Name))
                : NotFound();
        }

        if (!string.Equals(Request.Path.Value, actor.Href, StringComparison.Ordinal))
        {
            return RedirectPermanent(actor.Href);
        }

        var map = actor.CommuneCode is null
            ? OutlineMap.Empty
            : await drawOutline.DrawAsync(TerritoryLevel.Commune, actor.CommuneCode, cancellationToken);
        var nearby = await findNearby.FindAsync(actor, cancellationToken);
        var canonical = SiteUrl() + actor.Href;
        return View("Show", new ActorPageViewModel(
            actor, SafeMarkdown.ToHtml(actor.LongDescription), map, Marker(actor, map), nearby, canonical, ActorJsonLd.For(actor, canonical)));
    }

    private static ActorMapMarker? Marker(ActorDetail actor, OutlineMap map)
    {
        if (map.Shapes.Count == 0 || actor.MercatorX is not { } x || actor.MercatorY is not { } y)
        {
            return null;
        }

        // The view box is "minX minY width height": the dot is a fixed share of the drawing, whatever the commune's size.
        var size = map.ViewBox.Split(' ').Skip(2).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).Max();
        return new ActorMapMarker(
            x.ToString("0.#", CultureInfo.InvariantCulture),
            (-y).ToString("0.#", CultureInfo.InvariantCulture),
            (size / 45).ToString("0.#", CultureInfo.InvariantCulture));
    }

    /// <summary>The actors of the list's filter (same query string as /acteurs) as CSV for French Excel.</summary>
    [HttpGet("/acteurs.csv")]
    [EnableRateLimiting(RateLimits.Heavy)]
    public async Task<IActionResult> Csv([FromServices] ExportActorsCsv export, CancellationToken cancellationToken)
    {
        var (filter, errors) = ActorFilter.Parse(Request.Query);
        if (errors.Count > 0)
        {
            return FilterErrors(errors);
        }

        await using var session = await export.OpenAsync(filter, SiteUrl(), IsCurrent, cancellationToken);
        return await StreamAsync(session, "text/csv; charset=utf-8", "csv", cancellationToken);
    }

    /// <summary>The located actors of the list's filter as GeoJSON (RFC 7946).</summary>
    [HttpGet("/acteurs.geojson")]
    [EnableRateLimiting(RateLimits.Heavy)]
    public async Task<IActionResult> GeoJson([FromServices] ExportActorsGeoJson export, CancellationToken cancellationToken)
    {
        var (filter, errors) = ActorFilter.Parse(Request.Query);
        if (errors.Count > 0)
        {
            return FilterErrors(errors);
        }

        await using var session = await export.OpenAsync(filter, SiteUrl(), IsCurrent, cancellationToken);
        return await StreamAsync(session, "application/geo+json; charset=utf-8", "geojson", cancellationToken);
    }

    private async Task<IActionResult> StreamAsync(ActorExport session, string contentType, string extension, CancellationToken cancellationToken)
    {
        var headers = Response.Headers;
        headers.ETag = session.ETag;
        // Caches may keep a copy but must ask each time: a cheap 304 while the data version has not moved.
        headers.CacheControl = "public, no-cache";
        headers.Vary = HeaderNames.AcceptEncoding;
        headers.Link = $"<{ActorDataLicence.LicenceUrl}>; rel=\"license\"";
        if (session.NotModified)
        {
            return StatusCode(StatusCodes.Status304NotModified);
        }

        var date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = $"acteurs-csti-ocim-{date}.{extension}" }.ToString();
        Response.ContentType = contentType;
        Response.ContentLength = session.Length;
        await session.WriteToAsync(Response.Body, cancellationToken);
        return new EmptyResult();
    }

    private bool IsCurrent(string etag) => EntityTags.Matches(Request.Headers.IfNoneMatch, etag);

    private static ContentResult FilterErrors(IReadOnlyList<string> errors) => new()
    {
        StatusCode = StatusCodes.Status400BadRequest,
        ContentType = "text/plain; charset=utf-8",
        Content = "Le filtre de l'export est incorrect :\n" + string.Join("\n", errors.Select(e => "- " + e)) + "\n",
    };

    private string SiteUrl() => HttpContext.RequestServices.GetRequiredService<Infrastructure.PublicSite>().Url;
}
