using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Places;

/// <summary>How a search text was read: the words that name a place, the place taken, the other readings, the rest.</summary>
public sealed record PlaceReading(
    string PlaceWords,
    PlaceSuggestion Place,
    IReadOnlyList<PlaceSuggestion> Alternatives,
    string? RemainingText);

/// <summary>
/// Finds the words of a directory search that name a place (« musée Dijon », « fablab près de Rennes »,
/// « bibliothèques 21 », « musées en Côte-d'Or »): a commune, a department (name or number) or a region, with the
/// connecting words before it (« à », « près de », « en », « dans la »…). Every run of up to five words is looked up
/// in the place index in one query (exact keys, department numbers, postal and INSEE codes). The longest run wins,
/// then the last one; among homonyms the most populous, the others offered. A lone word that is also an everyday
/// word (« jardin », « fontaine ») or a small commune (fewer than <see cref="MinPopulationForLoneWord"/> inhabitants)
/// is read as a place only after a connecting word (« à Jardin »): the text search still finds the actors of that
/// commune by its name.
/// </summary>
public sealed partial class ReadPlaceInText(NpgsqlDataSource dataSource)
{
    public const int MinPopulationForLoneWord = 5000;
    private const int MaxRunWords = 5;

    private static readonly HashSet<string> Articles = ["le", "la", "les", "l", "de", "du", "des", "d", "en", "sur", "sous", "et", "a", "au", "aux"];

    /// <summary>Words that connect the text to a place, dropped with it: « musées en Côte-d'Or » → « musées ».</summary>
    private static readonly HashSet<string> Connectors =
        ["a", "au", "aux", "en", "dans", "le", "la", "les", "l", "de", "du", "des", "d", "pres", "proche", "autour", "vers", "sur", "region", "departement", "commune", "ville"];

    /// <summary>Connectors that say "a place follows" on their own (« à », « près de », « en »).</summary>
    private static readonly HashSet<string> PlaceMarkers = ["a", "au", "aux", "en", "dans", "pres", "proche", "autour", "vers"];

    /// <summary>Everyday words that are also the name of a commune, never read as a place without a connector.</summary>
    private static readonly HashSet<string> EverydayWords =
    [
        "jardin", "jardins", "fontaine", "mer", "port", "val", "bois", "mont", "ville", "saint", "sainte", "plan", "ecole",
        "chateau", "parc", "pont", "bourg", "bar", "beaux", "ile", "lac", "foret", "vie", "arts", "art", "orgues", "sciences",
        "nature", "terre", "eau", "moulin", "ferme", "abbaye", "lieu", "centre", "maison", "grand", "petit", "nord", "sud", "est", "ouest",
    ];

    public async Task<PlaceReading?> ReadAsync(string text, CancellationToken cancellationToken)
    {
        var words = PlaceKey.Words(text);
        if (words.Count == 0 || words.Count > 12)
        {
            return null;
        }

        var runs = new List<(int Start, int Count, string Key)>();
        for (var start = 0; start < words.Count; start++)
        {
            for (var count = 1; count <= MaxRunWords && start + count <= words.Count; count++)
            {
                runs.Add((start, count, string.Join(' ', words.Skip(start).Take(count).Select(w => w.Key))));
            }
        }

        var keys = runs.Select(r => r.Key).Distinct().ToArray();
        var codes = words.Select(w => w.Key.ToUpperInvariant()).Where(k => CodeShape().IsMatch(k)).Distinct().ToArray();
        if (keys.All(k => k.Length < 2) && codes.Length == 0)
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var candidates = (await connection.QueryAsync<CandidateRow>(new CommandDefinition("""
            select p.kind, p.code, p.name, p.label, p.context, p.lon, p.lat, p.bbox, p.population, p.key, p.alias_key, p.postal_codes, p.department_code
            from place p
            where p.kind <> 'epci' and (p.key = any(@keys) or p.alias_key = any(@keys))
            union all
            select p.kind, p.code, p.name, p.label, p.context, p.lon, p.lat, p.bbox, p.population, p.key, p.alias_key, p.postal_codes, p.department_code
            from place p
            where (p.kind = 'departement' and p.code = any(@codes))
               or (p.kind = 'commune' and (p.code = any(@codes) or p.postal_codes && @codes))
            """, new { keys, codes }, cancellationToken: cancellationToken))).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        (int Start, int Count, List<CandidateRow> Places)? best = null;
        foreach (var run in runs)
        {
            var upper = run.Count == 1 ? run.Key.ToUpperInvariant() : null;
            var places = candidates
                .Where(c => c.Key == run.Key || c.AliasKey == run.Key
                    || (upper is not null && CodeShape().IsMatch(upper) && MatchesCode(c, upper)))
                .DistinctBy(c => (c.Kind, c.Code))
                .ToList();
            var afterMarker = run.Start > 0 && IsMarkerBefore(words, run.Start);
            places = [.. places.Where(p => Acceptable(p, words, run.Start, run.Count, afterMarker))];
            if (places.Count == 0)
            {
                continue;
            }

            if (best is null || run.Count > best.Value.Count || (run.Count == best.Value.Count && run.Start > best.Value.Start))
            {
                best = (run.Start, run.Count, places);
            }
        }

        if (best is not { } chosen)
        {
            return null;
        }

        // « Saint-Denis 93 », « Saint-Denis (93) »: a department number right after homonyms chooses among them.
        var end = chosen.Start + chosen.Count;
        if (end < words.Count && chosen.Places.Count > 1
            && chosen.Places.Where(p => string.Equals(p.DepartmentCode, words[end].Key, StringComparison.OrdinalIgnoreCase)).ToList() is [_, ..] inDepartment)
        {
            chosen = (chosen.Start, chosen.Count + 1, inDepartment);
        }

        var ordered = chosen.Places
            .OrderByDescending(p => p.Population ?? 0)
            .ThenBy(p => p.Kind switch { PlaceKinds.Commune => 0, PlaceKinds.Department => 1, _ => 2 })
            .Select(p => p.ToSuggestion())
            .ToList();

        // The connecting words just before the place go with it (« près de », « en », « dans la »).
        var cutStart = chosen.Start;
        while (cutStart > 0 && Connectors.Contains(words[cutStart - 1].Key) && cutStart > chosen.Start - 3)
        {
            cutStart--;
        }

        var from = words[cutStart].Start;
        var to = words[chosen.Start + chosen.Count - 1].End;
        if (to < text.Length && text[to] == ')')
        {
            to++;
        }

        var placeWords = text[words[chosen.Start].Start..to];
        var remaining = Spaces().Replace(text[..from] + " " + text[to..], " ").Trim(' ', ',', ';', '-', '–', '.', '/');
        return new PlaceReading(placeWords, ordered[0], ordered.Skip(1).Take(5).ToList(),
            PlaceKey.Words(remaining).Count == 0 ? null : remaining);
    }

    private static bool MatchesCode(CandidateRow place, string code) => place.Kind switch
    {
        PlaceKinds.Department => place.Code == code,
        PlaceKinds.Commune => code.Length == 5 && (place.Code == code || place.PostalCodes.Contains(code)),
        _ => false,
    };

    private static bool IsMarkerBefore(IReadOnlyList<PlaceWord> words, int start)
    {
        for (var i = start - 1; i >= 0 && i >= start - 3; i--)
        {
            if (PlaceMarkers.Contains(words[i].Key))
            {
                return true;
            }

            if (!Connectors.Contains(words[i].Key))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Whether a run may be read as this place: lone everyday words and small villages need « à », « en »….</summary>
    private static bool Acceptable(CandidateRow place, IReadOnlyList<PlaceWord> words, int start, int count, bool afterMarker)
    {
        var run = words.Skip(start).Take(count).Select(w => w.Key).ToList();
        if (count == 1 && CodeShape().IsMatch(run[0].ToUpperInvariant()))
        {
            // A number is a place on its own only when it is the whole of the place words' shape (« 21 », « 21000 »).
            return true;
        }

        var significant = run.Where(w => !Articles.Contains(w)).ToList();
        if (significant.Count == 0)
        {
            return false;
        }

        if (significant.Count > 1 || afterMarker)
        {
            return true;
        }

        var word = significant[0];
        return word.Length >= 3 && !EverydayWords.Contains(word)
            && (place.Kind != PlaceKinds.Commune || place.Population >= MinPopulationForLoneWord);
    }

    [GeneratedRegex("^([0-9]{2}|2A|2B|97[1-6]|[0-9]{5}|2A[0-9]{3}|2B[0-9]{3})$")]
    private static partial Regex CodeShape();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    private sealed class CandidateRow : PlaceRow
    {
        public string Key { get; set; } = string.Empty;
        public string? AliasKey { get; set; }
        public string[] PostalCodes { get; set; } = [];
        public string? DepartmentCode { get; set; }
    }
}
