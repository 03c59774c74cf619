using System.Globalization;

namespace Ocim.Portal.Features.Territories;

/// <summary>What the choropleth of a territory page shows: actors, or actors per 10,000 inhabitants.</summary>
public enum ChoroplethMeasure
{
    PerInhabitants,
    Actors,
}

/// <summary>One class of the legend: its CSS class and its range in words.</summary>
public sealed record ChoroplethClass(string CssClass, string Label, int Territories);

/// <summary>Why a territory has no rate per 10,000 inhabitants (or None: it has one).</summary>
public enum MissingRate
{
    None,

    /// <summary>Fewer inhabitants than <see cref="Choropleth.MinPopulationForRate"/>: one actor would make it the darkest.</summary>
    SmallPopulation,

    /// <summary>No legal population is known for it (a commune merged or split since 2018, outlines without INSEE figures).</summary>
    UnknownPopulation,
}

/// <summary>A territory's value on the map: the count or rate, or why there is none.</summary>
public sealed record ChoroplethValue(string Code, double? Value, MissingRate Missing = MissingRate.None);

/// <summary>
/// Fill classes for the server-drawn SVG: "aucun acteur" apart, then up to four classes split at the quartiles of
/// the non-zero values, so that every class holds about as many territories whatever the distribution. The legend
/// says each range in words, so the map never relies on colour alone (RGAA 3.1): the table holds every value.
/// Per 10,000 inhabitants, territories under <see cref="MinPopulationForRate"/> inhabitants and those whose
/// population is unknown get no rate and a hatched class of their own (choro-small, choro-unknown), each with its
/// own legend line: neither looks like "aucun acteur".
/// </summary>
public sealed record Choropleth(ChoroplethMeasure Measure, IReadOnlyDictionary<string, string> Classes, IReadOnlyList<ChoroplethClass> Legend)
{
    /// <summary>
    /// The rate per 10,000 inhabitants is computed from this population up (at 5,000 inhabitants one actor is 2 per
    /// 10,000; in a village of 300 it would be 33, darker than Montpellier's 4.7 with 146 actors).
    /// </summary>
    public const int MinPopulationForRate = 5000;

    public const string SmallClass = "choro-small";
    public const string UnknownClass = "choro-unknown";

    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    /// <summary>Actors per 10,000 inhabitants, or why it is not given.</summary>
    public static (double? Rate, MissingRate Missing) Rate(long actors, int? population) => population switch
    {
        null or <= 0 => (null, MissingRate.UnknownPopulation),
        < MinPopulationForRate => (null, MissingRate.SmallPopulation),
        _ => (actors * 10_000.0 / population.Value, MissingRate.None),
    };

    public static ChoroplethMeasure ParseMeasure(string? value) => value == "acteurs" ? ChoroplethMeasure.Actors : ChoroplethMeasure.PerInhabitants;

    public static string MeasureKey(ChoroplethMeasure measure) => measure == ChoroplethMeasure.Actors ? "acteurs" : "densite";

    /// <summary>Classes the values of the territories, by code (a value without a reason to be missing counts as 0).</summary>
    public static Choropleth Build(ChoroplethMeasure measure, IEnumerable<ChoroplethValue> values)
    {
        var list = values.ToList();
        var small = list.Count(v => v.Value is null && v.Missing == MissingRate.SmallPopulation);
        var unknown = list.Count(v => v.Value is null && v.Missing == MissingRate.UnknownPopulation);
        var positive = list.Where(v => v.Value > 0).Select(v => v.Value!.Value).Order().ToList();
        var breaks = new List<double>();
        for (var q = 1; q <= 3 && positive.Count > 0; q++)
        {
            var value = positive[(int)Math.Floor(q * (positive.Count - 1) / 4.0)];
            if (breaks.Count == 0 || value > breaks[^1])
            {
                breaks.Add(value);
            }
        }

        // Class k (1-based) holds values in (breaks[k-2], breaks[k-1]]; the last one everything above.
        var upper = breaks.Concat([positive.Count > 0 ? positive[^1] : 0]).Distinct().ToList();
        var classes = new Dictionary<string, string>(StringComparer.Ordinal);
        var counts = new int[upper.Count + 1];
        foreach (var (code, value, missing) in list)
        {
            if (value is null && missing != MissingRate.None)
            {
                classes[code] = missing == MissingRate.SmallPopulation ? SmallClass : UnknownClass;
                continue;
            }

            var k = value is not > 0 ? 0 : 1 + upper.FindIndex(u => value <= u);
            classes[code] = $"choro-{k.ToString(CultureInfo.InvariantCulture)}";
            counts[k]++;
        }

        var legend = new List<ChoroplethClass> { new("choro-0", "aucun acteur", counts[0]) };
        for (var k = 0; k < upper.Count; k++)
        {
            var from = k == 0 ? (positive.Count > 0 ? positive[0] : 0) : upper[k - 1];
            var label = k == 0 ? $"de {Format(measure, from)} à {Format(measure, upper[k])}" : $"plus de {Format(measure, from)} jusqu'à {Format(measure, upper[k])}";
            legend.Add(new ChoroplethClass($"choro-{(k + 1).ToString(CultureInfo.InvariantCulture)}", label, counts[k + 1]));
        }

        if (small > 0)
        {
            legend.Add(new ChoroplethClass(SmallClass, $"moins de {MinPopulationForRate.ToString("N0", French)} habitants : taux non calculé", small));
        }

        if (unknown > 0)
        {
            legend.Add(new ChoroplethClass(UnknownClass, "population inconnue", unknown));
        }

        return new Choropleth(measure, classes, legend);
    }

    public static string Format(ChoroplethMeasure measure, double value) =>
        measure == ChoroplethMeasure.Actors ? value.ToString("N0", French) : value.ToString("N1", French);
}
