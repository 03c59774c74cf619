using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ocim.Portal.Features.Listings;

/// <summary>
/// What the listing form binds: only the fields a representative may change (never the entity, so that a posted
/// Status, Source, Circle, FamilyId or Id binds to nothing). The location is given one of three ways: coordinates,
/// a commune (its centre, flagged approximate), or none.
/// </summary>
public sealed class EditListingForm
{
    public const string ByCoordinates = "coordonnees";
    public const string ByCommune = "commune";
    public const string NoLocation = "aucune";

    [Required(ErrorMessage = "Indiquez le nom de la structure.")]
    [StringLength(300, ErrorMessage = "Le nom tient en 300 caractères au plus.")]
    public string? Name { get; set; }

    [StringLength(50, ErrorMessage = "Le sigle tient en 50 caractères au plus.")]
    public string? Acronym { get; set; }

    [StringLength(300, ErrorMessage = "La description courte tient en 300 caractères au plus.")]
    public string? ShortDescription { get; set; }

    [DataType(DataType.MultilineText)]
    [StringLength(20000, ErrorMessage = "La description longue tient en 20 000 caractères au plus.")]
    public string? LongDescription { get; set; }

    public List<string> ActionTypes { get; set; } = [];

    public List<string> Themes { get; set; } = [];

    public List<string> Audiences { get; set; } = [];

    [StringLength(300, ErrorMessage = "L'adresse tient en 300 caractères au plus.")]
    public string? Address { get; set; }

    [RegularExpression("^[0-9]{5}$", ErrorMessage = "Le code postal compte cinq chiffres.")]
    public string? PostalCode { get; set; }

    [RegularExpression("^(coordonnees|commune|aucune)$", ErrorMessage = "Choisissez comment situer la structure.")]
    public string Location { get; set; } = ByCoordinates;

    [StringLength(30, ErrorMessage = "Latitude trop longue.")]
    public string? Latitude { get; set; }

    [StringLength(30, ErrorMessage = "Longitude trop longue.")]
    public string? Longitude { get; set; }

    [RegularExpression("^[0-9][0-9AB][0-9]{3}$", ErrorMessage = "Le code INSEE d'une commune compte cinq caractères (par exemple 21231 pour Dijon, 2A004 pour Ajaccio).")]
    public string? CommuneCode { get; set; }

    [StringLength(500, ErrorMessage = "L'adresse du site tient en 500 caractères au plus.")]
    [RegularExpression(@"^https?://\S+$", ErrorMessage = "L'adresse du site commence par http:// ou https://.")]
    public string? Website { get; set; }

    [StringLength(320, ErrorMessage = "L'adresse électronique est trop longue.")]
    public string? Email { get; set; }

    [StringLength(30, ErrorMessage = "Le numéro de téléphone tient en 30 caractères au plus.")]
    public string? Phone { get; set; }

    [DataType(DataType.MultilineText)]
    [StringLength(3000, ErrorMessage = "Les liens tiennent en 3 000 caractères au plus.")]
    public string? SocialLinks { get; set; }

    [DataType(DataType.MultilineText)]
    [StringLength(4000, ErrorMessage = "Ce texte tient en 4 000 caractères au plus.")]
    public string? OfferTrainings { get; set; }

    [DataType(DataType.MultilineText)]
    [StringLength(4000, ErrorMessage = "Ce texte tient en 4 000 caractères au plus.")]
    public string? OfferTourism { get; set; }

    [DataType(DataType.MultilineText)]
    [StringLength(4000, ErrorMessage = "Ce texte tient en 4 000 caractères au plus.")]
    public string? OfferResources { get; set; }

    [RegularExpression("^[0-9]{9}([0-9]{5})?$", ErrorMessage = "Un SIRET compte 14 chiffres (ou 9 pour un SIREN), sans espaces.")]
    public string? Siret { get; set; }

    [RegularExpression("^W[0-9A-Z]{9}$", ErrorMessage = "Un numéro RNA s'écrit W suivi de 9 caractères (W212001234).")]
    public string? Rna { get; set; }

    [RegularExpression("^[0-9]{7}[A-Z]$", ErrorMessage = "Un code UAI compte 7 chiffres et une lettre (0211234A).")]
    public string? Uai { get; set; }

    [RegularExpression("^M[0-9]{4}$", ErrorMessage = "Un identifiant Muséofile s'écrit M suivi de 4 chiffres (M0123).")]
    public string? Museofile { get; set; }

    /// <summary>The listing's version when the form was opened: a change based on an older one is refused.</summary>
    public long BaseVersion { get; set; }

    public static EditListingForm From(ListingState state)
    {
        var f = state.Fields;
        var hasPoint = f["longitude"] is not null && f["latitude"] is not null;
        return new EditListingForm
        {
            Name = Text(f, "name"),
            Acronym = Text(f, "acronym"),
            ShortDescription = Text(f, "short_description"),
            LongDescription = Text(f, "long_description"),
            ActionTypes = List(f, "action_types"),
            Themes = List(f, "themes"),
            Audiences = List(f, "audiences"),
            Address = Text(f, "address"),
            PostalCode = Text(f, "postal_code"),
            Location = !hasPoint ? NoLocation : f["location_approximate"]?.GetValue<bool>() == true ? ByCommune : ByCoordinates,
            Latitude = hasPoint ? f["latitude"]!.GetValue<double>().ToString("0.######", CultureInfo.InvariantCulture) : null,
            Longitude = hasPoint ? f["longitude"]!.GetValue<double>().ToString("0.######", CultureInfo.InvariantCulture) : null,
            CommuneCode = Text(f, "commune_code"),
            Website = Text(f, "website"),
            Email = Text(f, "email"),
            Phone = Text(f, "phone"),
            SocialLinks = string.Join('\n', List(f, "social_links")),
            OfferTrainings = Text(f, "offer_trainings"),
            OfferTourism = Text(f, "offer_tourism"),
            OfferResources = Text(f, "offer_resources"),
            Siret = Text(f, "siret"),
            Rna = Text(f, "rna"),
            Uai = Text(f, "uai"),
            Museofile = Text(f, "museofile"),
            BaseVersion = state.Version,
        };
    }

    /// <summary>The proposed values of every representative field but the location (resolved by the use case).</summary>
    public JsonObject ToFields() => new()
    {
        ["name"] = Clean(Name),
        ["acronym"] = Clean(Acronym),
        ["short_description"] = Clean(ShortDescription),
        ["long_description"] = Clean(LongDescription),
        ["action_types"] = Array(ActionTypes),
        ["themes"] = Array(Themes),
        ["audiences"] = Array(Audiences),
        ["address"] = Clean(Address),
        ["postal_code"] = Clean(PostalCode),
        ["website"] = Clean(Website),
        ["email"] = Clean(Email),
        ["phone"] = Clean(Phone),
        ["social_links"] = Array((SocialLinks ?? string.Empty).Split('\n')),
        ["offer_trainings"] = Clean(OfferTrainings),
        ["offer_tourism"] = Clean(OfferTourism),
        ["offer_resources"] = Clean(OfferResources),
        ["siret"] = Clean(Siret),
        ["rna"] = Clean(Rna),
        ["uai"] = Clean(Uai),
        ["museofile"] = Clean(Museofile),
    };

    public static bool TryParseDegrees(string? text, double min, double max, out double value)
    {
        value = 0;
        return text is not null
            && double.TryParse(text.Trim().Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value) && value >= min && value <= max;
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim().ReplaceLineEndings("\n");

    private static JsonArray Array(IEnumerable<string> values) =>
        new(values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    private static string? Text(JsonObject fields, string column) =>
        fields[column] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static List<string> List(JsonObject fields, string column) =>
        fields[column] is JsonArray array ? array.Select(v => v!.GetValue<string>()).ToList() : [];
}

/// <summary>One text field of the listing form (the partial _TextField).</summary>
public sealed record ListingTextField(string Name, string Label, string? Value, bool Required = false, int MaxLength = 300, bool Multiline = false, string Type = "text");
