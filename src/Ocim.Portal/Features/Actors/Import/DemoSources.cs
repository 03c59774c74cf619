using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ocim.Portal.Features.Actors.Import;

/// <summary>
/// What a demo source yields: the listings to import, and the rows left out on purpose (abroad, or with neither
/// coordinates nor commune), each with its line and a French reason.
/// </summary>
public sealed record DemoSourceContent(IReadOnlyList<ActorRecord> Records, IReadOnlyList<ImportError> Skipped, int Rows);

/// <summary>
/// One of the real open-data lists in data/actors/ (see data/actors/SOURCES.md), read into listings: its source name
/// (actor.source), its file, and how a row maps onto circle, family, vocabulary and identifiers.
/// </summary>
public sealed record DemoSource(string Name, string FileName, Func<CsvRow, List<ImportError>, ActorRecord?> Map)
{
    public DemoSourceContent Read(string path)
    {
        var records = new List<ActorRecord>();
        var skipped = new List<ImportError>();
        var rows = 0;
        foreach (var row in CsvRow.ReadFile(path))
        {
            rows++;
            if (Map(row, skipped) is { } record)
            {
                records.Add(record with { Source = Name, Line = row.Line });
            }
        }

        return new DemoSourceContent(records, skipped, rows);
    }
}

/// <summary>A row of a comma-separated source file, its values trimmed, empty ones null.</summary>
public sealed class CsvRow(int line, Dictionary<string, string> values)
{
    public int Line { get; } = line;

    public string? this[string column] => values.TryGetValue(column, out var value) && value.Trim() is { Length: > 0 } trimmed ? trimmed : null;

    public static IEnumerable<CsvRow> ReadFile(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        string[]? header = null;
        foreach (var record in CsvRecordReader.Read(reader, ','))
        {
            if (header is null)
            {
                header = [.. record.Fields];
                continue;
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length && i < record.Fields.Count; i++)
            {
                values[header[i]] = record.Fields[i];
            }

            yield return new CsvRow(record.Line, values);
        }
    }
}

/// <summary>The five demo sources, in load order. The fablabs.io 2017 list has no stated licence: it is not one of them.</summary>
public static class DemoSources
{
    public static readonly IReadOnlyList<DemoSource> All =
    [
        new("bibliotheques-publiques", "bibliotheques_publiques_adresses.csv", MapLibrary),
        new("jardins-remarquables", "jardins_remarquables.csv", MapGarden),
        new("etablissements-enseignement-superieur", "esr_principaux_etablissements.csv", MapHigherEducation),
        new("rnsr-structures-recherche", "rnsr_structures_recherche_actives.csv", MapResearchLab),
        new("fablabs-tiers-lieux-bretagne", "fablabs_tierslieux_bretagne.csv", MapBrittanyMakerspace),
    ];

    /// <summary>Public libraries (Ministère de la Culture): circle 3, family bibliotheque, action lecture-publique.</summary>
    internal static ActorRecord? MapLibrary(CsvRow row, List<ImportError> skipped)
    {
        var name = row["nom_de_l_etablissement"] ?? "Bibliothèque";
        var commune = Code(row["code_insee_commune"]);
        var (longitude, latitude) = (Number(row["longitude"]), Number(row["latitude"]));
        if (!Located(row, longitude, latitude, commune, "code_insee_commune", skipped))
        {
            return null;
        }

        // 120 departmental libraries have no code_bib: their commune and name identify them instead.
        var externalId = row["code_bib"] ?? $"sans-code-{commune}-{ActorRules.Slugify(name)}";
        return new ActorRecord
        {
            Source = string.Empty,
            ExternalId = Truncate(externalId, ActorRules.ExternalIdMax)!,
            Name = Truncate(row["libelle_2"] is { } second ? $"{name} – {second}" : name, ActorRules.NameMax)!,
            Circle = 3,
            FamilySlug = "bibliotheque",
            ActionTypes = ["lecture-publique"],
            ShortDescription = Truncate(row["statut"], ActorRules.ShortDescriptionMax),
            Address = row["complement"] is { } complement ? $"{complement}, {row["adresse"]}" : row["adresse"],
            PostalCode = PostalCode(row["cp"]),
            CommuneCode = commune,
            Longitude = longitude,
            Latitude = latitude,
        };
    }

    /// <summary>
    /// "Jardin remarquable" gardens (Ministère de la Culture): circle 3 jardin-remarquable, or circle 1
    /// jardin-botanique when the name or description speaks of botany.
    /// </summary>
    internal static ActorRecord? MapGarden(CsvRow row, List<ImportError> skipped)
    {
        var name = row["nom_du_jardin"] ?? "Jardin";
        var description = row["description"];
        var commune = Code(row["code_insee"]);
        var (longitude, latitude) = (Number(row["longitude"]), Number(row["latitude"]));
        if (!Located(row, longitude, latitude, commune, "code_insee", skipped))
        {
            return null;
        }

        var botanical = name.Contains("botani", StringComparison.OrdinalIgnoreCase)
            || (description?.Contains("botani", StringComparison.OrdinalIgnoreCase) ?? false);
        var links = JsonLinks(row["site_internet_et_autres_liens"]);
        return new ActorRecord
        {
            Source = string.Empty,
            ExternalId = row["identifiant_deps"] ?? row["identifiant_origine"] ?? $"sans-id-{commune}-{ActorRules.Slugify(name)}",
            Name = Truncate(name, ActorRules.NameMax)!,
            Circle = botanical ? 1 : 3,
            FamilySlug = botanical ? "jardin-botanique" : "jardin-remarquable",
            Themes = botanical ? ["botanique", "environnement"] : ["botanique", "patrimoine"],
            Audiences = ["tout-public"],
            ShortDescription = Truncate(description, ActorRules.ShortDescriptionMax),
            LongDescription = Truncate(description, ActorRules.LongDescriptionMax),
            Address = row["numero_et_libelle_de_la_voie"] ?? row["adresse_complete"],
            PostalCode = PostalCode(row["code_postal"]),
            CommuneCode = commune,
            Longitude = longitude,
            Latitude = latitude,
            Website = links.FirstOrDefault(),
            SocialLinks = links.Skip(1).ToArray(),
        };
    }

    private static readonly string[] HigherEducationSocialColumns =
        ["compte_facebook", "compte_twitter", "compte_instagram", "compte_linkedin", "compte_youtube"];

    /// <summary>Main higher-education institutions (MESR): circle 2, universite or ecole-superieure; those abroad are left out.</summary>
    internal static ActorRecord? MapHigherEducation(CsvRow row, List<ImportError> skipped)
    {
        if (row["Pays"] is { } country && !country.Equals("France", StringComparison.Ordinal))
        {
            skipped.Add(new ImportError(row.Line, "Pays", country, $"Établissement à l'étranger ({country}) : hors du périmètre de l'inventaire."));
            return null;
        }

        var commune = Code(row["Code commune"]);
        var (longitude, latitude) = (Number(row["longitude"]), Number(row["latitude"]));
        if (!Located(row, longitude, latitude, commune, "Code commune", skipped))
        {
            return null;
        }

        var type = row["type d'établissement"];
        var sector = row["secteur d'établissement"];
        return new ActorRecord
        {
            Source = string.Empty,
            ExternalId = row["identifiant interne"] ?? row["uai - identifiant"] ?? $"ligne-{row.Line}",
            Name = Truncate(row["libellé"] ?? row["nom court"] ?? "Établissement d'enseignement supérieur", ActorRules.NameMax)!,
            Acronym = row["sigle"] is { Length: <= ActorRules.AcronymMax } acronym ? acronym : null,
            Circle = 2,
            FamilySlug = type == "Université" ? "universite" : "ecole-superieure",
            ActionTypes = ["formations"],
            Audiences = ["etudiants"],
            ShortDescription = Truncate(sector is null ? type : $"{type} ({sector})", ActorRules.ShortDescriptionMax),
            Address = row["Adresse"],
            PostalCode = PostalCode(row["Code postal"]),
            CommuneCode = commune,
            Longitude = longitude,
            Latitude = latitude,
            Website = Website(row["site internet"]),
            Phone = row["Numéro de téléphone"],
            SocialLinks = HigherEducationSocialColumns.Select(c => Website(row[c])).OfType<string>().ToArray(),
            Uai = row["uai - identifiant"] is { } uai && ActorRules.IsUai(uai) ? uai : null,
            Siret = row["siret"] is { } siret && ActorRules.IsSiret(siret) ? siret : null,
        };
    }

    /// <summary>
    /// Active public research structures (RNSR): circle 2, organisme-de-recherche, action recherche, themes from the
    /// scientific domains. The source has no coordinates: they are placed at their commune's centre (approximate).
    /// </summary>
    internal static ActorRecord? MapResearchLab(CsvRow row, List<ImportError> skipped)
    {
        // The file's geo_longitude/geo_latitude are only geo.api.gouv.fr's centre of geo_commune_insee, which may fall
        // outside the portal's simplified outline (coasts, islands): the commune alone gives the portal's own centre,
        // a point inside the outline, flagged approximate.
        var commune = Code(row["geo_commune_insee"]);
        if (!Located(row, longitude: null, latitude: null, commune, "geo_commune_insee", skipped))
        {
            return null;
        }

        var type = row["type_de_structure"];
        var tutelles = row["sigles_des_tutelles"]?.Replace(";", ", ", StringComparison.Ordinal);
        return new ActorRecord
        {
            Source = string.Empty,
            ExternalId = row["numero_national_de_structure"] ?? $"ligne-{row.Line}",
            Name = Truncate(row["libelle"] ?? row["sigle"] ?? "Structure de recherche", ActorRules.NameMax)!,
            Acronym = row["sigle"] is { Length: <= ActorRules.AcronymMax } acronym ? acronym : null,
            Circle = 2,
            FamilySlug = "organisme-de-recherche",
            ActionTypes = ["recherche"],
            Themes = (row["domaine_scientifique"] ?? string.Empty).Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .SelectMany(d => ResearchThemes.GetValueOrDefault(d, [])).Distinct(StringComparer.Ordinal).ToArray(),
            ShortDescription = Truncate(tutelles is null ? type : $"{type} — tutelles : {tutelles}", ActorRules.ShortDescriptionMax),
            Address = row["adresse"],
            PostalCode = PostalCode(row["code_postal"]),
            CommuneCode = commune,
            Website = Website(row["site_web"]),
        };
    }

    /// <summary>RNSR scientific domains → the portal's themes.</summary>
    private static readonly Dictionary<string, string[]> ResearchThemes = new(StringComparer.Ordinal)
    {
        ["Biologie, médecine et santé"] = ["sciences-de-la-vie", "sante"],
        ["Sciences humaines et humanités"] = ["sciences-humaines"],
        ["Sciences de la société"] = ["sciences-humaines"],
        ["Sciences et technologies de l'information et de la communication"] = ["numerique"],
        ["Sciences agronomiques et écologiques"] = ["environnement"],
        ["Sciences pour l'ingénieur"] = ["techniques-industrie"],
        ["Chimie"] = ["physique-chimie"],
        ["Physique"] = ["physique-chimie"],
        ["Mathématiques et leurs interactions"] = ["mathematiques"],
        ["Sciences de la terre et de l'univers, espace"] = ["sciences-de-la-terre"],
    };

    /// <summary>Fab labs, makerspaces and tiers-lieux of Brittany (#MapLabBZH, CC BY 4.0): circle 3, fablab or tiers-lieu.</summary>
    internal static ActorRecord? MapBrittanyMakerspace(CsvRow row, List<ImportError> skipped)
    {
        var (longitude, latitude) = (Number(row["longitude"]), Number(row["latitude"]));
        if (!Located(row, longitude, latitude, commune: null, "latitude", skipped))
        {
            return null;
        }

        var structure = row["structure"] ?? string.Empty;
        var maker = structure is "fablab" or "fablabMIT" or "hakerspace" or "makerspace";
        var kind = structure switch
        {
            "fablab" => "Fab lab",
            "fablabMIT" => "Fab lab (charte du MIT)",
            "hakerspace" => "Hackerspace",
            "makerspace" => "Makerspace",
            "cantine" => "Cantine numérique",
            "usages" => "Lieu de médiation et d'usages numériques",
            "formation" => "Lieu de formation au numérique",
            "frenchtech" => "Lieu French Tech",
            _ => "Tiers-lieu",
        };
        return new ActorRecord
        {
            Source = string.Empty,
            ExternalId = row["id"] ?? $"ligne-{row.Line}",
            Name = Truncate(row["name"] ?? row["organisation"] ?? kind, ActorRules.NameMax)!,
            Circle = 3,
            FamilySlug = maker ? "fablab" : "tiers-lieu",
            ActionTypes = maker ? ["fabrication-numerique", "ateliers"] : ["ateliers"],
            Themes = ["numerique"],
            ShortDescription = Truncate(row["organisation"] is { } organisation ? $"{kind}, porté par {organisation}" : kind, ActorRules.ShortDescriptionMax),
            Address = row["adresse"],
            PostalCode = PostalCode(row["cp"]),
            Longitude = longitude,
            Latitude = latitude,
            Website = Website(row["web"]),
            Email = row["email"] is { } email && ActorRules.IsEmail(email) ? email : null,
            Phone = row["tel"],
            SocialLinks = new[]
            {
                Handle(row["twitter"], "https://twitter.com/"), Handle(row["instagram"], "https://www.instagram.com/"),
                Handle(row["facebook"], "https://www.facebook.com/"), Mastodon(row["mastodon"]), Website(row["rss"]),
            }.OfType<string>().ToArray(),
        };
    }

    /// <summary>
    /// Rows need a place: coordinates, or a commune (then its centre, approximate). The others are reported and left out.
    /// </summary>
    private static bool Located(CsvRow row, double? longitude, double? latitude, string? commune, string column, List<ImportError> skipped)
    {
        if ((longitude is not null && latitude is not null) || commune is not null)
        {
            return true;
        }

        skipped.Add(new ImportError(row.Line, column, string.Empty, "Ni coordonnées ni code commune : la structure ne peut pas être placée."));
        return false;
    }

    private static double? Number(string? value) =>
        value is not null && double.TryParse(value.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    /// <summary>An INSEE code with its leading zero restored (1007 → 01007); anything else malformed is dropped.</summary>
    private static string? Code(string? value)
    {
        var code = value is { Length: 4 } && value.All(char.IsAsciiDigit) ? "0" + value : value?.ToUpperInvariant();
        return code is not null && ActorRules.IsCommuneCode(code) ? code : null;
    }

    private static string? PostalCode(string? value)
    {
        var code = value is { Length: 4 } && value.All(char.IsAsciiDigit) ? "0" + value : value;
        return code is not null && ActorRules.IsPostalCode(code) ? code : null;
    }

    private static string? Website(string? value) => value is not null && ActorRules.IsWebsite(value) ? value : null;

    private static string? Handle(string? value, string prefix) =>
        value is null ? null : Website(value) ?? Website(prefix + value.TrimStart('@'));

    /// <summary>@user@instance → https://instance/@user.</summary>
    private static string? Mastodon(string? value)
    {
        var parts = value?.TrimStart('@').Split('@');
        return parts is [var user, var instance] ? Website($"https://{instance}/@{user}") : Website(value);
    }

    /// <summary>The gardens' links column is a JSON array of strings; only http(s) addresses are kept.</summary>
    private static string[] JsonLinks(string? value)
    {
        if (value is null)
        {
            return [];
        }

        try
        {
            return (JsonSerializer.Deserialize<string[]>(value) ?? []).Select(Website).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        }
        catch (JsonException)
        {
            return Website(value) is { } single ? [single] : [];
        }
    }

    /// <summary>Cuts a long text at a word boundary, with an ellipsis, to fit a column's length limit.</summary>
    private static string? Truncate(string? value, int max)
    {
        if (value is null || value.Length <= max)
        {
            return value;
        }

        var cut = value.LastIndexOf(' ', max - 2);
        return string.Concat(value.AsSpan(0, cut > max / 2 ? cut : max - 1), "…");
    }
}
