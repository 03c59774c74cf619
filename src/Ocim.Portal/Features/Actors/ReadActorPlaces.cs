using Ocim.Portal.Features.Places;

namespace Ocim.Portal.Features.Actors;

/// <summary>What /acteurs shows about the filter's places: each territory as a named chip, and how the text was read.</summary>
public sealed record ActorPlaces(
    IReadOnlyList<ActorPlaceChip> Chips,
    PlaceReading? Reading)
{
    public static readonly ActorPlaces None = new([], null);
}

/// <summary>A place of the filter, by name, with the link that removes it (and keeps the rest of the filter).</summary>
public sealed record ActorPlaceChip(PlaceSuggestion Place, string RemoveHref);

/// <summary>
/// The directory's place handling, once per request: a place typed in the form (« territoire », « autour-lieu »)
/// or named by the search text becomes explicit keys (a redirect keeps the address shareable and stable:
/// <c>?q=musée Dijon</c> → <c>?q=musée&amp;commune=21231&amp;lu=Dijon</c>, docs/decisions/0025); then the filter's
/// places are named for their chips.
/// </summary>
public sealed class ReadActorPlaces(ReadPlaceInText readPlaceInText, SuggestPlaces suggestPlaces, NamePlaces namePlaces)
{
    /// <summary>
    /// The filter to redirect to, read from a request of /acteurs or /carte: the places typed by name in the form
    /// (« territoire », « autour-lieu »; a key present but empty clears its place) and the one named in the text.
    /// </summary>
    public Task<ActorFilter?> RewriteAsync(ActorFilter filter, IQueryCollection query, CancellationToken cancellationToken)
    {
        string? Typed(string key) => query.ContainsKey(key) ? query[key].LastOrDefault() ?? string.Empty : null;
        return RewriteAsync(filter, Typed("territoire"), Typed("autour-lieu"), cancellationToken);
    }

    /// <summary>The filter to redirect to, or null when the request's filter is already explicit.</summary>
    public async Task<ActorFilter?> RewriteAsync(ActorFilter filter, string? typedTerritory, string? typedCentre, CancellationToken cancellationToken)
    {
        var rewritten = filter;
        var changed = false;
        if (typedTerritory is not null)
        {
            changed = true;
            var current = await CurrentTerritoryAsync(filter, cancellationToken);
            if (typedTerritory.Trim().Length == 0)
            {
                rewritten = rewritten with { Region = null, Department = null, Epci = null, Commune = null, PlaceWords = null };
            }
            else if (current is null || !string.Equals(current.Label, typedTerritory.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                var found = SuggestPlaces.Refusal(typedTerritory) is null
                    && await suggestPlaces.SuggestAsync(typedTerritory.Trim(), 1, null, cancellationToken) is [var first, ..] ? first : null;
                rewritten = found is null ? rewritten : WithTerritory(rewritten with { PlaceWords = null }, found);
            }
        }

        if (typedCentre is not null)
        {
            changed = true;
            if (typedCentre.Trim().Length == 0)
            {
                rewritten = rewritten with { NearCommune = null };
            }
            else
            {
                var names = filter.NearCommune is null ? null
                    : await namePlaces.NameAsync([(PlaceKinds.Commune, filter.NearCommune)], cancellationToken);
                var current = names?.Values.FirstOrDefault();
                if (current is null || !string.Equals(current.Label, typedCentre.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    var found = SuggestPlaces.Refusal(typedCentre) is null
                        && await suggestPlaces.SuggestAsync(typedCentre.Trim(), 1, PlaceKinds.Commune, cancellationToken) is [var first, ..] ? first : null;
                    rewritten = found is null ? rewritten : rewritten with { NearCommune = found.Code, NearLatitude = null, NearLongitude = null };
                }
            }
        }

        if (rewritten.Text is not null && !rewritten.TextOnly && !HasTerritory(rewritten)
            && await readPlaceInText.ReadAsync(rewritten.Text, cancellationToken) is { } reading)
        {
            changed = true;
            rewritten = WithTerritory(rewritten with { Text = reading.RemainingText, PlaceWords = reading.PlaceWords }, reading.Place);
        }

        return changed ? rewritten : null;
    }

    /// <summary>The chips of the filter's territories and, when the text named the place, its other readings.</summary>
    public async Task<ActorPlaces> DescribeAsync(ActorFilter filter, CancellationToken cancellationToken)
    {
        var wanted = Territories(filter).ToList();
        if (wanted.Count == 0)
        {
            return ActorPlaces.None;
        }

        var names = await namePlaces.NameAsync(wanted, cancellationToken);
        var chips = wanted
            .Where(names.ContainsKey)
            .Select(w => new ActorPlaceChip(names[w], "/acteurs" + Without(filter, w.Kind).ToQueryString()))
            .ToList();

        PlaceReading? reading = null;
        if (filter.PlaceWords is not null && chips.Count == 1)
        {
            // The reading of the words alone: the place taken, then the others (homonyms, other kinds).
            var chosen = chips[0].Place;
            var read = await readPlaceInText.ReadAsync(filter.PlaceWords, cancellationToken);
            var alternatives = read is null ? [] : new[] { read.Place }.Concat(read.Alternatives)
                .Where(p => (p.Kind, p.Code) != (chosen.Kind, chosen.Code)).ToList();
            reading = new PlaceReading(filter.PlaceWords, chosen, alternatives, filter.Text);
        }

        return new ActorPlaces(chips, reading);
    }

    /// <summary>The link that searches the place words as text (« lieu=texte »).</summary>
    public static string TextReadingHref(ActorFilter filter) =>
        "/acteurs" + (Without(filter, null) with
        {
            Text = string.Join(' ', new[] { filter.Text, filter.PlaceWords }.Where(t => !string.IsNullOrWhiteSpace(t))),
            TextOnly = true,
        }).ToQueryString();

    /// <summary>The link that takes another place for the same words.</summary>
    public static string AlternativeHref(ActorFilter filter, PlaceSuggestion place) =>
        "/acteurs" + WithTerritory(Without(filter, null) with { PlaceWords = filter.PlaceWords }, place).ToQueryString();

    internal static ActorFilter WithTerritory(ActorFilter filter, PlaceSuggestion place) => (filter with { Region = null, Department = null, Epci = null, Commune = null }) switch
    {
        var f when place.Kind == PlaceKinds.Commune => f with { Commune = place.Code },
        var f when place.Kind == PlaceKinds.Department => f with { Department = place.Code },
        var f when place.Kind == PlaceKinds.Region => f with { Region = place.Code },
        var f => f with { Epci = place.Code },
    };

    /// <summary>The filter without one territory key (null: without any), and without the place words.</summary>
    private static ActorFilter Without(ActorFilter filter, string? kind) => (filter with { PlaceWords = null }) switch
    {
        var f when kind == PlaceKinds.Commune => f with { Commune = null },
        var f when kind == PlaceKinds.Department => f with { Department = null },
        var f when kind == PlaceKinds.Region => f with { Region = null },
        var f when kind == PlaceKinds.Epci => f with { Epci = null },
        var f => f with { Region = null, Department = null, Epci = null, Commune = null },
    };

    private static bool HasTerritory(ActorFilter filter) =>
        filter.Region is not null || filter.Department is not null || filter.Epci is not null || filter.Commune is not null;

    private static IEnumerable<(string Kind, string Code)> Territories(ActorFilter filter)
    {
        if (filter.Commune is not null)
        {
            yield return (PlaceKinds.Commune, filter.Commune);
        }

        if (filter.Department is not null)
        {
            yield return (PlaceKinds.Department, filter.Department);
        }

        if (filter.Region is not null)
        {
            yield return (PlaceKinds.Region, filter.Region);
        }

        if (filter.Epci is not null)
        {
            yield return (PlaceKinds.Epci, filter.Epci);
        }
    }

    private async Task<PlaceSuggestion?> CurrentTerritoryAsync(ActorFilter filter, CancellationToken cancellationToken)
    {
        var wanted = Territories(filter).ToList();
        return wanted.Count == 0 ? null : (await namePlaces.NameAsync(wanted, cancellationToken)).Values.FirstOrDefault();
    }
}
