using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using Ocim.Portal.Features.Actors;
using Ocim.Portal.Infrastructure.Http;

namespace Ocim.Portal.Features.Map;

/// <summary>The actors in view: the list beside the map, and the whole answer when JavaScript is off.</summary>
public sealed record MapListView(ActorFilter Filter, IReadOnlyList<string> Errors, ActorSearchResult Result)
{
    /// <summary>
    /// « 1 234 acteurs dans la vue » (with a box) or « 1 234 acteurs » (the whole filter); past the search's count cap,
    /// « Plus de 10 000 acteurs dans la vue ».
    /// </summary>
    public string Summary => Filter.Bbox is null ? Result.TotalLabel : $"{Result.TotalLabel} dans la vue";
}

public sealed record MapPageViewModel(
    ActorFilter Filter,
    IReadOnlyList<string> Errors,
    ActorChoices Choices,
    MapListView List,
    BoundingBox? Extent,
    MapSettings Settings);

public sealed class MapController(SearchActors searchActors) : Controller
{
    /// <summary>How many actors the list beside the map shows; the link to /acteurs gives the rest, page by page.</summary>
    public const int ListSize = 50;

    /// <summary>
    /// The map page: the filter form and, server-rendered, the list of the filter (JavaScript then narrows it to the
    /// view). The filter lives in the query string, the view in the fragment (#zoom/lat/lon) that MapLibre keeps.
    /// </summary>
    [HttpGet("/carte")]
    public async Task<IActionResult> Index(
        [FromServices] ListActorChoices listChoices,
        [FromServices] FindMapExtent findExtent,
        [FromServices] MapSettings settings,
        [FromServices] ReadActorPlaces readPlaces,
        CancellationToken cancellationToken)
    {
        var (filter, errors) = ActorFilter.Parse(Request.Query);
        // A place typed by name in the form, or named in the text (« musée Dijon »), becomes explicit keys as on
        // /acteurs (docs/decisions/0025); the browser keeps the view's fragment (#zoom/lat/lon) across the redirect.
        if (errors.Count == 0 && await readPlaces.RewriteAsync(filter, Request.Query, cancellationToken) is { } explicitFilter)
        {
            return Redirect("/carte" + explicitFilter.WithoutBbox().ToQueryString());
        }

        var list = await ListAsync(filter, errors, cancellationToken);
        var choices = await listChoices.ListAsync(cancellationToken);
        var extent = await findExtent.FindAsync(filter, cancellationToken);
        SetStatus(errors);
        return View(new MapPageViewModel(filter, errors, choices, list, extent, settings));
    }

    /// <summary>The list as an HTML fragment, for the map's script: /carte/liste?&lt;filter&gt;&amp;bbox=west,south,east,north.</summary>
    [HttpGet("/carte/liste")]
    public async Task<IActionResult> List(CancellationToken cancellationToken)
    {
        var (filter, errors) = ActorFilter.Parse(Request.Query);
        var list = await ListAsync(filter, errors, cancellationToken);
        SetStatus(errors);
        return PartialView("_InView", list);
    }

    /// <summary>
    /// What the map's popup shows of a published actor, as JSON (public fields only: name, family, circle, commune,
    /// address, website, listing address); 404 for an unknown or unpublished actor.
    /// </summary>
    [HttpGet("/carte/acteurs/{id:long}")]
    public async Task<IActionResult> Actor(long id, [FromServices] FindMapActor findActor, CancellationToken cancellationToken)
    {
        var actor = await findActor.FindAsync(id, cancellationToken);
        if (actor is null)
        {
            return NotFound(new { message = "Cet acteur n'existe pas ou n'est pas publié." });
        }

        Response.Headers.CacheControl = "public, max-age=60";
        return Json(actor);
    }

    /// <summary>The labels' glyph ranges (MapLibre's "glyphs" URL: /carte/glyphes/{fontstack}/{range}.pbf).</summary>
    [HttpGet("/carte/glyphes/{fontStack}/{range}.pbf")]
    public IActionResult Glyphs(string fontStack, string range, [FromServices] MapGlyphs glyphs)
    {
        var found = glyphs.Find(fontStack, range);
        if (found is null)
        {
            return NotFound();
        }

        Response.Headers.ETag = found.ETag;
        Response.Headers.CacheControl = "public, max-age=86400";
        Response.Headers.Vary = HeaderNames.AcceptEncoding;
        if (EntityTags.Matches(Request.Headers.IfNoneMatch, found.ETag))
        {
            return StatusCode(StatusCodes.Status304NotModified);
        }

        // Brotli when the browser offers it (over HTTPS), else gzip, else the raw range.
        var parsed = StringWithQualityHeaderValue.TryParseList(Request.Headers.AcceptEncoding, out var codings);
        bool Accepts(string coding) =>
            parsed && codings is not null && codings.Any(c => c.Value.Equals(coding, StringComparison.OrdinalIgnoreCase) && (c.Quality ?? 1) > 0);
        if (Accepts("br"))
        {
            Response.Headers.ContentEncoding = "br";
            return File(found.Brotli, "application/x-protobuf");
        }

        if (Accepts("gzip"))
        {
            Response.Headers.ContentEncoding = "gzip";
            return File(found.Gzip, "application/x-protobuf");
        }

        return File(found.Raw, "application/x-protobuf");
    }

    private async Task<MapListView> ListAsync(ActorFilter filter, IReadOnlyList<string> errors, CancellationToken cancellationToken) =>
        new(filter, errors, await searchActors.SearchAsync(filter, requestedSort: null, page: 1, ListSize, cancellationToken));

    private void SetStatus(IReadOnlyList<string> errors)
    {
        if (errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }
}
