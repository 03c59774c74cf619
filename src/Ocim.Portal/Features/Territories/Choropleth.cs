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

/// <summary>
/// Fill classes for the server-drawn SVG: "aucun acteur" apart, then up to four classes split at the quartiles of
/// the non-zero values, so that every class holds about as many territories whatever the distribution. The legend
/// says each range in words, so the map never relies on colour alone (RGAA 3.1): the table holds every value.
/// </summary>
public sealed record Choropleth(ChoroplethMeasure Measure, IReadOnlyDictionary<string, string> Classes, IReadOnlyList<ChoroplethClass> Legend)
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    public static ChoroplethMeasure ParseMeasure(string? value) => value == "acteurs" ? ChoroplethMeasure.Actors : ChoroplethMeasure.PerInhabitants;

    public static string MeasureKey(ChoroplethMeasure measure) => measure == ChoroplethMeasure.Actors ? "acteurs" : "densite";

    /// <summary>Classes the values (null: no population, left unfilled) of the territories, by code.</summary>
    public static Choropleth Build(ChoroplethMeasure measure, IEnumerable<(string Code, double? Value)> values)
    {
        var list = values.ToList();
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
        foreach (var (code, value) in list)
        {
            if (value is null)
            {
                continue;
            }

            var k = value <= 0 ? 0 : 1 + upper.FindIndex(u => value <= u);
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

        return new Choropleth(measure, classes, legend);
    }

    public static string Format(ChoroplethMeasure measure, double value) =>
        measure == ChoroplethMeasure.Actors ? value.ToString("N0", French) : value.ToString("N1", French);
}
