namespace Ocim.Portal.Features.Actors;

/// <summary>
/// The fields of the actor filter (Features/Shared/_ActorFilterFields.cshtml), shared by the list and the map so that
/// both pages speak the same query string. Facet counts are shown beside circles and families when given.
/// </summary>
public sealed record ActorFilterForm(
    ActorFilter Filter,
    ActorChoices Choices,
    IReadOnlyList<FacetCount>? Circles = null,
    IReadOnlyList<FacetCount>? Families = null)
{
    /// <summary>Whether the fields include the text box (/acteurs puts it above the folded filter panel instead).</summary>
    public bool IncludeText { get; init; } = true;
}
