using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Ocim.Portal.Features.Actors.Import;

/// <summary>A row that cannot be imported: its line (1 = header), the column (French name), the value and why, in French.</summary>
public sealed record ImportError(int Line, string Column, string Value, string Reason);

/// <summary>
/// The constraints the actor table's CHECKs enforce (003_actors.sql), restated so that an import reports them row by
/// row, in French, instead of failing on the first database error. Used by the CSV reader and, for every record
/// whatever its origin, by <see cref="WriteActors"/>. Columns are named by their French CSV header (docs/import.md).
/// </summary>
public static partial class ActorRules
{
    public const int NameMax = 300;
    public const int AcronymMax = 50;
    public const int ShortDescriptionMax = 300;
    public const int LongDescriptionMax = 20_000;
    public const int ExternalIdMax = 200;
    public const int TextMax = 2_000;

    public static IEnumerable<ImportError> Check(ActorRecord record)
    {
        var line = record.Line;
        if (string.IsNullOrWhiteSpace(record.ExternalId))
        {
            yield return new ImportError(line, "id_externe", string.Empty, "L'identifiant externe est obligatoire.");
        }
        else if (record.ExternalId.Length > ExternalIdMax)
        {
            yield return new ImportError(line, "id_externe", record.ExternalId, $"L'identifiant externe dépasse {ExternalIdMax} caractères.");
        }

        if (string.IsNullOrWhiteSpace(record.Name))
        {
            yield return new ImportError(line, "nom", record.Name, "Le nom est obligatoire.");
        }
        else if (record.Name.Trim().Length > NameMax)
        {
            yield return new ImportError(line, "nom", record.Name, $"Le nom dépasse {NameMax} caractères ({record.Name.Trim().Length}).");
        }

        if (record.Acronym is { Length: > AcronymMax })
        {
            yield return new ImportError(line, "sigle", record.Acronym, $"Le sigle dépasse {AcronymMax} caractères ({record.Acronym.Length}).");
        }

        if (record.Circle is < 1 or > 3)
        {
            yield return new ImportError(line, "cercle", record.Circle.ToString(CultureInfo.InvariantCulture), "Le cercle doit être 1, 2 ou 3.");
        }

        if (string.IsNullOrWhiteSpace(record.FamilySlug))
        {
            yield return new ImportError(line, "famille", string.Empty, "La famille est obligatoire.");
        }

        if (record.ShortDescription is { Length: > ShortDescriptionMax })
        {
            yield return new ImportError(line, "description_courte", record.ShortDescription,
                $"La description courte dépasse {ShortDescriptionMax} caractères ({record.ShortDescription.Length}).");
        }

        if (record.LongDescription is { Length: > LongDescriptionMax })
        {
            yield return new ImportError(line, "description_longue", Preview(record.LongDescription),
                $"La description longue dépasse {LongDescriptionMax} caractères ({record.LongDescription.Length}).");
        }

        if (record.PostalCode is not null && !IsPostalCode(record.PostalCode))
        {
            yield return new ImportError(line, "code_postal", record.PostalCode, "Le code postal doit compter exactement 5 chiffres.");
        }

        if (record.CommuneCode is not null && !IsCommuneCode(record.CommuneCode))
        {
            yield return new ImportError(line, "commune", record.CommuneCode,
                "Le code commune doit être un code INSEE de 5 caractères (2 chiffres, ou 2A/2B, puis 3 chiffres).");
        }

        if ((record.Longitude is null) != (record.Latitude is null))
        {
            yield return new ImportError(line, record.Longitude is null ? "longitude" : "latitude", string.Empty,
                "La longitude et la latitude vont ensemble : donnez les deux, ou aucune.");
        }

        if (record.Longitude is { } longitude && (double.IsNaN(longitude) || longitude is < -180 or > 180))
        {
            yield return new ImportError(line, "longitude", longitude.ToString(CultureInfo.InvariantCulture), "La longitude doit être comprise entre -180 et 180.");
        }

        if (record.Latitude is { } latitude && (double.IsNaN(latitude) || latitude is < -90 or > 90))
        {
            yield return new ImportError(line, "latitude", latitude.ToString(CultureInfo.InvariantCulture), "La latitude doit être comprise entre -90 et 90.");
        }

        if (record.Longitude is null && record.CommuneCode is null)
        {
            yield return new ImportError(line, "commune", string.Empty,
                "La localisation est obligatoire : donnez la longitude et la latitude, ou le code INSEE de la commune.");
        }

        if (record.Website is not null && !IsWebsite(record.Website))
        {
            yield return new ImportError(line, "site_web", record.Website, "Le site web doit être une adresse complète commençant par http:// ou https://.");
        }

        if (record.Email is not null && !IsEmail(record.Email))
        {
            yield return new ImportError(line, "email", record.Email, "L'adresse e-mail n'est pas valide.");
        }

        foreach (var link in record.SocialLinks.Where(l => !IsWebsite(l)))
        {
            yield return new ImportError(line, "reseaux_sociaux", link, "Chaque lien de réseau social doit commencer par http:// ou https://.");
        }

        if (record.Siret is not null && !SiretPattern().IsMatch(record.Siret))
        {
            yield return new ImportError(line, "siret", record.Siret, "Le SIRET doit compter 14 chiffres (ou 9 pour un SIREN seul).");
        }

        if (record.Rna is not null && !RnaPattern().IsMatch(record.Rna))
        {
            yield return new ImportError(line, "rna", record.Rna, "Le numéro RNA doit être un W suivi de 9 chiffres ou lettres (ex. W212000123).");
        }

        if (record.Uai is not null && !UaiPattern().IsMatch(record.Uai))
        {
            yield return new ImportError(line, "uai", record.Uai, "Le code UAI doit compter 7 chiffres suivis d'une lettre (ex. 0211237F).");
        }

        if (record.Museofile is not null && !MuseofilePattern().IsMatch(record.Museofile))
        {
            yield return new ImportError(line, "museofile", record.Museofile, "L'identifiant Muséofile doit être un M suivi de 4 chiffres (ex. M0123).");
        }

        if (record.Status is not (Data.ActorStatus.Draft or Data.ActorStatus.Published or Data.ActorStatus.Archived))
        {
            yield return new ImportError(line, "statut", record.Status, "Le statut doit être brouillon, publie ou archive.");
        }

        foreach (var (column, value) in new[]
                 {
                     ("adresse", record.Address), ("telephone", record.Phone), ("formations", record.OfferTrainings),
                     ("offre_touristique", record.OfferTourism), ("ressources", record.OfferResources), ("verifie_par", record.VerifiedBy),
                 })
        {
            if (value is { Length: > TextMax })
            {
                yield return new ImportError(line, column, Preview(value), $"La valeur dépasse {TextMax} caractères ({value.Length}).");
            }
        }
    }

    public static bool IsPostalCode(string value) => PostalCodePattern().IsMatch(value);

    public static bool IsCommuneCode(string value) => CommuneCodePattern().IsMatch(value);

    public static bool IsEmail(string value) => EmailPattern().IsMatch(value);

    public static bool IsUai(string value) => UaiPattern().IsMatch(value);

    public static bool IsSiret(string value) => SiretPattern().IsMatch(value);

    /// <summary>An absolute http(s) address with a host: what the table's CHECK and a browser both accept.</summary>
    public static bool IsWebsite(string value) =>
        WebsitePattern().IsMatch(value)
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && uri.Host.Length > 0
        && !value.Any(char.IsWhiteSpace);

    /// <summary>Lower case, no accents, runs of anything else than letters and digits as one dash: « Muséum d'histoire » → museum-d-histoire.</summary>
    public static string Slugify(string value)
    {
        var builder = new StringBuilder(value.Length);
        var dash = false;
        foreach (var c in value.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            var lower = char.ToLowerInvariant(c switch { 'œ' or 'Œ' => 'o', 'æ' or 'Æ' => 'a', _ => c });
            if (char.IsAsciiLetterOrDigit(lower))
            {
                if (dash && builder.Length > 0)
                {
                    builder.Append('-');
                }

                builder.Append(lower);
                dash = false;
            }
            else
            {
                dash = true;
            }
        }

        return builder.ToString();
    }

    /// <summary>The first characters of a long value, for a report line.</summary>
    public static string Preview(string value) => value.Length <= 80 ? value : string.Concat(value.AsSpan(0, 77), "…");

    [GeneratedRegex("^[0-9]{5}$")]
    private static partial Regex PostalCodePattern();

    [GeneratedRegex("^(?:[0-9]{2}|2[AB])[0-9]{3}$")]
    private static partial Regex CommuneCodePattern();

    // The table's own expressions (003_actors.sql), with .NET's \s for PostgreSQL's.
    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex("^https?://", RegexOptions.IgnoreCase)]
    private static partial Regex WebsitePattern();

    [GeneratedRegex("^[0-9]{9}([0-9]{5})?$")]
    private static partial Regex SiretPattern();

    [GeneratedRegex("^W[0-9A-Z]{9}$")]
    private static partial Regex RnaPattern();

    [GeneratedRegex("^[0-9]{7}[A-Z]$")]
    private static partial Regex UaiPattern();

    [GeneratedRegex("^M[0-9]{4}$")]
    private static partial Regex MuseofilePattern();
}
