using Ocim.Portal.Features.Actors;

namespace Ocim.Portal.Features.Territories;

/// <summary>
/// The filter controls of the territory and white-zone pages (circle, family, theme): a GET form whose keys are
/// those of /acteurs, so that its address is understood everywhere. The other actor keys of the address (text,
/// action, audience) ride along as hidden fields; so do the page's own (<paramref name="Keep"/>: the measure). The
/// white-zone pages add the distance field (<paramref name="DistanceKm"/>), so that one button applies everything.
/// </summary>
public sealed record TerritoryFilterForm(
    ActorFilter Filter,
    ActorChoices Choices,
    string Action,
    IReadOnlyList<KeyValuePair<string, string>> Keep,
    bool CoverageDefaults,
    int? DistanceKm = null)
{
    /// <summary>The hidden fields: the filter's keys that the form has no control for, then the page's own.</summary>
    public IEnumerable<KeyValuePair<string, string>> Hidden =>
        Filter.ToQuery().Where(p => p.Key is not ("cercle" or "famille" or "theme")).Concat(Keep);
}

public static class TerritoryFilters
{
    /// <summary>The circles the white zones count when the address names none: the actors whose mission is science culture.</summary>
    public static readonly IReadOnlyList<int> CoverageDefaultCircles = [1, 2];

    /// <summary>
    /// The white zones open on circles 1–2 (circle 3, mostly public libraries, covers nearly every commune at 10 km):
    /// an address without a <c>cercle</c> key means 1–2; every circle is asked explicitly, <c>cercle=1,2,3</c>.
    /// </summary>
    public static ActorFilter WithCoverageDefault(ActorFilter filter, IQueryCollection query) =>
        query.Keys.Any(k => string.Equals(k, "cercle", StringComparison.OrdinalIgnoreCase)) || filter.Circles.Count > 0
            ? filter
            : filter with { Circles = CoverageDefaultCircles };

    /// <summary>
    /// Families and themes of the address that do not exist: each gets a French message and is left out (a family
    /// nobody can choose would otherwise show an empty territory as if it had no actor).
    /// </summary>
    public static ActorFilter KnownTermsOnly(ActorFilter filter, ActorChoices choices, List<string> errors)
    {
        var families = Known(filter.Families, choices.Families, "La famille", errors);
        var themes = Known(filter.Themes, choices.Themes, "Le thème", errors);
        return filter with { Families = families, Themes = themes };
    }

    private static List<string> Known(IReadOnlyList<string> asked, IReadOnlyList<Choice> choices, string what, List<string> errors)
    {
        var known = new List<string>();
        foreach (var value in asked)
        {
            if (choices.Any(c => c.Value == value))
            {
                known.Add(value);
            }
            else
            {
                errors.Add($"{what} « {value} » n'existe pas.");
            }
        }

        return known;
    }
}
