using System.Globalization;
using Microsoft.AspNetCore.Mvc;

namespace Ocim.Portal.Features.Actors;

public sealed record ActorListViewModel(
    ActorFilter Filter,
    IReadOnlyList<string> Errors,
    ActorSearchResult Result,
    ActorChoices Choices,
    ActorPlaces Places);

public sealed class ActorsController : Controller
{
    /// <summary>Pages beyond this are read as this one (then sent to the last page): the offset stays bounded.</summary>
    public const int MaxPage = 100_000;

    /// <summary>The directory: filters in the query string (shareable, no JavaScript needed), one page of results.</summary>
    [HttpGet("/acteurs")]
    public async Task<IActionResult> Index(
        [FromServices] SearchActors searchActors,
        [FromServices] ListActorChoices listChoices,
        [FromServices] ReadActorPlaces readPlaces,
        CancellationToken cancellationToken)
    {
        var (filter, errors) = ActorFilter.Parse(Request.Query);
        var sort = ParseSort(Request.Query["tri"].LastOrDefault());
        if (errors.Count == 0)
        {
            // A place typed by name, or named in the text, becomes explicit keys: the address stays the same for
            // everyone, and the map and exports read the same filter (docs/decisions/0025).
            if (await readPlaces.RewriteAsync(filter, Request.Query, cancellationToken) is { } explicitFilter)
            {
                var tri = Request.Query["tri"].LastOrDefault();
                return Redirect("/acteurs" + (tri is null or "" ? explicitFilter.ToQueryString() : explicitFilter.ToQueryString(("tri", tri))));
            }
        }

        // A page that is not a number, or before the first, is the first; beyond the last (a shared link after the
        // list shrank, page=99999999), the visitor is sent to the last page with the same filter.
        var page = long.TryParse(Request.Query["page"].LastOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0 ? (int)Math.Min(p, MaxPage) : 1;

        var result = await searchActors.SearchAsync(filter, sort, page, SearchActors.DefaultPageSize, cancellationToken);
        if (errors.Count == 0 && result.Total > 0 && Shared.Pagination.Corrected(page, result.PageCount) is { } last)
        {
            var pageKey = ("page", last.ToString(CultureInfo.InvariantCulture));
            (string, string)[] extra = Request.Query["tri"].Count > 0 ? [("tri", SortKey(result.Sort)), pageKey] : [pageKey];
            return Redirect("/acteurs" + filter.ToQueryString(extra));
        }
        var choices = await listChoices.ListAsync(cancellationToken);
        var places = await readPlaces.DescribeAsync(filter, cancellationToken);
        if (errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return View(new ActorListViewModel(filter, errors, result, choices, places));
    }

    internal static ActorSort? ParseSort(string? value) => value switch
    {
        "pertinence" => ActorSort.Relevance,
        "nom" => ActorSort.Name,
        "distance" => ActorSort.Distance,
        "maj" => ActorSort.Updated,
        _ => null,
    };

    internal static string SortKey(ActorSort sort) => sort switch
    {
        ActorSort.Relevance => "pertinence",
        ActorSort.Distance => "distance",
        ActorSort.Updated => "maj",
        _ => "nom",
    };
}
