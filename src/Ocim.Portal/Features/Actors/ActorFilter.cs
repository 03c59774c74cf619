using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace Ocim.Portal.Features.Actors;

/// <summary>
/// The one definition of "which actors": the list, the exports and (later) the map tiles and territory counts all
/// take this type and translate it with <see cref="ActorFilterSql"/>, so that they always agree.
/// It lives in the query string with French keys, so that a filtered view is a shareable link.
/// </summary>
public sealed partial record ActorFilter
{
    public const int MaxRadiusKm = 500;

    public string? Text { get; init; }
    public IReadOnlyList<int> Circles { get; init; } = [];
    public IReadOnlyList<string> Families { get; init; } = [];
    public IReadOnlyList<string> ActionTypes { get; init; } = [];
    public IReadOnlyList<string> Themes { get; init; } = [];
    public IReadOnlyList<string> Audiences { get; init; } = [];
    public string? Region { get; init; }
    public string? Department { get; init; }
    public string? Epci { get; init; }
    public string? Commune { get; init; }

    /// <summary>The centre of "around": a commune (its centre) or coordinates.</summary>
    public string? NearCommune { get; init; }
    public double? NearLongitude { get; init; }
    public double? NearLatitude { get; init; }
    public double? RadiusKm { get; init; }

    /// <summary>The actors inside a box of WGS 84 degrees (the map's view): <c>bbox=west,south,east,north</c>.</summary>
    public BoundingBox? Bbox { get; init; }

    /// <summary>
    /// <c>lieu=texte</c>: the text is searched as it is, no word of it read as a place (the « other reading » link of
    /// /acteurs, docs/decisions/0025).
    /// </summary>
    public bool TextOnly { get; init; }

    /// <summary><c>lu=</c>: the words of the text that /acteurs read as the filter's place (shown beside its chip).</summary>
    public string? PlaceWords { get; init; }

    /// <summary>Public views show published listings only; staff views may widen this.</summary>
    public IReadOnlyList<string> Statuses { get; init; } = [Data.ActorStatus.Published];

    public bool HasCentre => NearCommune is not null || NearLongitude is not null;

    public bool IsEmpty => Text is null && Circles.Count == 0 && Families.Count == 0 && ActionTypes.Count == 0 && Themes.Count == 0
        && Audiences.Count == 0 && Region is null && Department is null && Epci is null && Commune is null && !HasCentre && Bbox is null;

    /// <summary>
    /// Reads a filter from a query string. Unknown keys are ignored; malformed values are reported in French and
    /// left out of the filter (the page shows the message and the rest of the filter still applies).
    /// </summary>
    public static (ActorFilter Filter, IReadOnlyList<string> Errors) Parse(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        var values = query.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();

        string? Single(string key) => values.TryGetValue(key, out var v) && v.Count > 0 && !string.IsNullOrWhiteSpace(v[^1]) ? v[^1]!.Trim() : null;

        IReadOnlyList<string> Many(string key, Regex shape, string what)
        {
            if (!values.TryGetValue(key, out var v))
            {
                return [];
            }

            var list = new List<string>();
            foreach (var item in v.SelectMany(s => (s ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                if (shape.IsMatch(item))
                {
                    if (!list.Contains(item, StringComparer.Ordinal))
                    {
                        list.Add(item);
                    }
                }
                else
                {
                    errors.Add($"{what} « {Shorten(item)} » n'est pas reconnu·e.");
                }
            }

            return list;
        }

        string? Code(string key, Regex shape, string what)
        {
            var value = Single(key)?.ToUpperInvariant();
            if (value is not null && !shape.IsMatch(value))
            {
                errors.Add($"{what} « {Shorten(value)} » n'est pas un code valide.");
                return null;
            }

            return value;
        }

        double? Number(string key, double min, double max, string what)
        {
            var text = Single(key);
            if (text is null)
            {
                return null;
            }

            if (!double.TryParse(text.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                errors.Add($"{what} « {Shorten(text)} » n'est pas un nombre.");
                return null;
            }

            if (value < min || value > max)
            {
                errors.Add($"{what} doit être compris·e entre {min.ToString(CultureInfo.GetCultureInfo("fr-FR"))} et {max.ToString(CultureInfo.GetCultureInfo("fr-FR"))}.");
                return null;
            }

            return value;
        }

        var circles = new List<int>();
        foreach (var item in Many("cercle", CircleShape(), "Le cercle"))
        {
            circles.Add(int.Parse(item, CultureInfo.InvariantCulture));
        }

        var text = Single("q");
        if (text is not null && text.Any(char.IsControl))
        {
            // NUL cannot be stored in a PostgreSQL text value (22021 on every query): control characters are dropped.
            errors.Add("La recherche contenait des caractères de contrôle : ils ont été retirés.");
            text = new string([.. text.Where(c => !char.IsControl(c))]).Trim() is { Length: > 0 } cleaned ? cleaned : null;
        }

        if (text is { Length: > 200 })
        {
            errors.Add("La recherche est limitée à 200 caractères.");
            text = text[..200];
        }

        var placeWords = Single("lu");
        placeWords = placeWords is null || placeWords.Length > 200 || placeWords.Any(char.IsControl) ? null : placeWords;

        var nearCommune = Code("autour", CommuneShape(), "La commune de référence");
        var latitude = Number("lat", -90, 90, "La latitude");
        var longitude = Number("lon", -180, 180, "La longitude");
        if ((latitude is null) != (longitude is null))
        {
            errors.Add("La latitude et la longitude vont ensemble : indiquez les deux.");
            latitude = longitude = null;
        }

        var radius = Number("rayon", 0.1, MaxRadiusKm, "Le rayon (km)");
        var hasCentre = nearCommune is not null || latitude is not null;
        if (radius is not null && !hasCentre)
        {
            errors.Add("Le rayon demande un point de référence : une commune (autour) ou des coordonnées (lat, lon).");
            radius = null;
        }

        var bbox = ParseBbox(Single("bbox"), errors);

        var filter = new ActorFilter
        {
            Text = text,
            Circles = circles,
            Families = Many("famille", SlugShape(), "La famille"),
            ActionTypes = Many("action", SlugShape(), "Le type d'action"),
            Themes = Many("theme", SlugShape(), "Le thème"),
            Audiences = Many("public", SlugShape(), "Le public"),
            Region = Code("region", RegionShape(), "La région"),
            Department = Code("departement", DepartmentShape(), "Le département"),
            Epci = Code("epci", EpciShape(), "L'intercommunalité"),
            Commune = Code("commune", CommuneShape(), "La commune"),
            NearCommune = nearCommune,
            NearLatitude = latitude,
            NearLongitude = longitude,
            RadiusKm = radius,
            Bbox = bbox,
            TextOnly = Single("lieu") == "texte",
            PlaceWords = placeWords,
        };
        return (filter, errors);
    }

    /// <summary>The query string of this filter (French keys), for links, pagination and exports.</summary>
    public IEnumerable<KeyValuePair<string, string>> ToQuery()
    {
        if (Text is not null)
        {
            yield return new("q", Text);
        }

        foreach (var circle in Circles)
        {
            yield return new("cercle", circle.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var (key, list) in new[] { ("famille", Families), ("action", ActionTypes), ("theme", Themes), ("public", Audiences) })
        {
            foreach (var item in list)
            {
                yield return new(key, item);
            }
        }

        foreach (var (key, value) in new[] { ("region", Region), ("departement", Department), ("epci", Epci), ("commune", Commune), ("autour", NearCommune) })
        {
            if (value is not null)
            {
                yield return new(key, value);
            }
        }

        if (NearLatitude is { } lat && NearLongitude is { } lon)
        {
            yield return new("lat", lat.ToString("R", CultureInfo.InvariantCulture));
            yield return new("lon", lon.ToString("R", CultureInfo.InvariantCulture));
        }

        if (RadiusKm is { } radius)
        {
            yield return new("rayon", radius.ToString("R", CultureInfo.InvariantCulture));
        }

        if (Bbox is { } box)
        {
            yield return new("bbox", box.ToString());
        }

        if (TextOnly)
        {
            yield return new("lieu", "texte");
        }

        if (PlaceWords is not null)
        {
            yield return new("lu", PlaceWords);
        }
    }

    /// <summary>
    /// How many filters a visitor has set, as « Filtres (n) » tells on small screens: each circle, vocabulary term and
    /// territory counts once, a centre (with its radius) once; the text and the map's box do not (the text has its own
    /// box outside the folded panel, the box is the view).
    /// </summary>
    public int ActiveFilterCount => Circles.Count + Families.Count + ActionTypes.Count + Themes.Count + Audiences.Count
        + new[] { Region, Department, Epci, Commune }.Count(code => code is not null) + (HasCentre ? 1 : 0);

    /// <summary>This filter without its box: what the map draws (its tiles cover the world, the box is the view).</summary>
    public ActorFilter WithoutBbox() => this with { Bbox = null };

    public string ToQueryString(params (string Key, string Value)[] extra)
    {
        var pairs = ToQuery().Concat(extra.Select(e => new KeyValuePair<string, string>(e.Key, e.Value))).ToList();
        return pairs.Count == 0 ? string.Empty : "?" + string.Join('&', pairs.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
    }

    /// <summary>
    /// Reads <c>west,south,east,north</c> in decimal degrees (a point as decimal separator: the comma separates the
    /// four numbers). A box that crosses the antimeridian (west greater than east) is refused rather than guessed.
    /// </summary>
    private static BoundingBox? ParseBbox(string? text, List<string> errors)
    {
        if (text is null)
        {
            return null;
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var numbers = new double[4];
        var wellFormed = parts.Length == 4;
        for (var i = 0; wellFormed && i < 4; i++)
        {
            wellFormed = double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) && double.IsFinite(numbers[i]);
        }

        if (!wellFormed)
        {
            errors.Add($"Le cadre de la carte (bbox) « {Shorten(text)} » doit s'écrire ouest,sud,est,nord en degrés décimaux, par exemple 4.8,47.2,5.2,47.4.");
            return null;
        }

        var (west, south, east, north) = (numbers[0], numbers[1], numbers[2], numbers[3]);
        if (west is < -180 or > 180 || east is < -180 or > 180 || south is < -90 or > 90 || north is < -90 or > 90)
        {
            errors.Add("Le cadre de la carte (bbox) sort du globe : les longitudes vont de -180 à 180, les latitudes de -90 à 90.");
            return null;
        }

        if (west > east)
        {
            errors.Add("Le cadre de la carte (bbox) est inversé : l'ouest doit être inférieur ou égal à l'est.");
            return null;
        }

        if (south > north)
        {
            errors.Add("Le cadre de la carte (bbox) est inversé : le sud doit être inférieur ou égal au nord.");
            return null;
        }

        return new BoundingBox(west, south, east, north);
    }

    private static string Shorten(string value) => value.Length > 40 ? value[..40] + "…" : value;

    [GeneratedRegex("^[1-3]$")]
    private static partial Regex CircleShape();

    [GeneratedRegex("^[a-z0-9-]{1,60}$")]
    private static partial Regex SlugShape();

    [GeneratedRegex("^[0-9]{2}$")]
    private static partial Regex RegionShape();

    [GeneratedRegex("^([0-9]{2}|2A|2B|97[0-9])$")]
    private static partial Regex DepartmentShape();

    [GeneratedRegex("^[0-9]{9}$")]
    private static partial Regex EpciShape();

    [GeneratedRegex("^[0-9][0-9AB][0-9]{3}$")]
    private static partial Regex CommuneShape();
}

/// <summary>A box in WGS 84 degrees, west ≤ east and south ≤ north.</summary>
public sealed record BoundingBox(double West, double South, double East, double North)
{
    /// <summary>The query-string form, <c>west,south,east,north</c>, round-trip precise.</summary>
    public override string ToString() => string.Join(',', new[] { West, South, East, North }.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}
