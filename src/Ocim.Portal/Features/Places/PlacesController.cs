using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Ocim.Portal.Infrastructure.Http;

namespace Ocim.Portal.Features.Places;

public sealed record PlaceResultsViewModel(string? Query, string Target, string? Error, IReadOnlyList<PlaceSuggestion> Places);

/// <summary>« Où ? »: place suggestions for the place box, and the same answer as a page when JavaScript is off.</summary>
[EnableRateLimiting(RateLimits.Places)]
public sealed class PlacesController(SuggestPlaces suggestPlaces) : Controller
{
    /// <summary>Up to ten places for what was typed, as JSON (the shape of <see cref="PlaceSuggestion"/>).</summary>
    [HttpGet("/lieux/suggestions")]
    public async Task<IActionResult> Suggestions([FromQuery] string? q, [FromQuery] string? type, CancellationToken cancellationToken)
    {
        if (SuggestPlaces.Refusal(q) is { } refusal)
        {
            return BadRequest(new { erreur = refusal });
        }

        Response.Headers.CacheControl = "public, max-age=300";
        var kind = type is PlaceKinds.Commune or PlaceKinds.Department or PlaceKinds.Region or PlaceKinds.Epci ? type : null;
        return Json(await suggestPlaces.SuggestAsync(q!.Trim(), SuggestPlaces.MaxResults, kind, cancellationToken));
    }

    /// <summary>The places found, each a link to the destination asked (vers=acteurs|carte|territoires|couverture).</summary>
    [HttpGet("/lieux")]
    public async Task<IActionResult> Index([FromQuery] string? q, [FromQuery] string? vers, CancellationToken cancellationToken)
    {
        var target = PlaceLinks.Targets.Contains(vers ?? string.Empty) ? vers! : PlaceLinks.Actors;
        if (string.IsNullOrWhiteSpace(q))
        {
            return View(new PlaceResultsViewModel(null, target, null, []));
        }

        if (SuggestPlaces.Refusal(q) is { } refusal)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(new PlaceResultsViewModel(null, target, refusal, []));
        }

        var places = await suggestPlaces.SuggestAsync(q.Trim(), SuggestPlaces.MaxResults, null, cancellationToken);
        return View(new PlaceResultsViewModel(q.Trim(), target, null, places));
    }
}
