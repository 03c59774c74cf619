using System.Globalization;
using Microsoft.AspNetCore.Mvc;

namespace Ocim.Portal.Features.Actors;

public sealed record ActorListViewModel(
    ActorFilter Filter,
    IReadOnlyList<string> Errors,
    ActorSearchResult Result,
    ActorChoices Choices);

public sealed class ActorsController : Controller
{
    /// <summary>The directory: filters in the query string (shareable, no JavaScript needed), one page of results.</summary>
    [HttpGet("/acteurs")]
    public async Task<IActionResult> Index(
        [FromServices] SearchActors searchActors,
        [FromServices] ListActorChoices listChoices,
        CancellationToken cancellationToken)
    {
        var (filter, errors) = ActorFilter.Parse(Request.Query);
        var sort = ParseSort(Request.Query["tri"].LastOrDefault());
        var page = int.TryParse(Request.Query["page"].LastOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 100_000 ? p : 1;

        var result = await searchActors.SearchAsync(filter, sort, page, SearchActors.DefaultPageSize, cancellationToken);
        var choices = await listChoices.ListAsync(cancellationToken);
        if (errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return View(new ActorListViewModel(filter, errors, result, choices));
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
