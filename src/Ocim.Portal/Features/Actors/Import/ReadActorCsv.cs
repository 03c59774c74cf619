using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;
using Ocim.Portal.Infrastructure.Text;

namespace Ocim.Portal.Features.Actors.Import;

/// <summary>A family of the curated list, as the CSV may name it: by slug (musee) or by its French name (Musée).</summary>
public sealed record ActorFamilyName(string Slug, string Name);

/// <summary>What a CSV file holds: the rows that passed every check, the errors of the others, and the number of data rows.</summary>
public sealed record ActorCsvContent(IReadOnlyList<ActorRecord> Records, IReadOnlyList<ImportError> Errors, int Rows);

/// <summary>
/// Reads an actor CSV file (docs/import.md): UTF-8 with or without BOM, ';' or ',' (detected from the header),
/// French or English headers. Each row is checked on its own and every problem is reported with its line, column,
/// value and a French reason; only rows without any problem become <see cref="ActorRecord"/>s. Checks that need
/// the database (unknown commune, point outside France, unknown vocabulary) are <see cref="WriteActors"/>'s.
/// </summary>
public sealed class ReadActorCsv(NpgsqlDataSource dataSource)
{
    public async Task<ActorCsvContent> ReadAsync(Stream stream, string source, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var families = (await connection.QueryAsync<ActorFamilyName>(new CommandDefinition(
            "select slug, name from actor_family order by sort_order", cancellationToken: cancellationToken))).ToList();
        return Parse(stream, source, families);
    }

    /// <summary>The columns: French header first (the one reports use), then the English one, then other accepted spellings.</summary>
    internal static readonly IReadOnlyList<string[]> Columns =
    [
        ["id_externe", "external_id", "identifiant_externe"],
        ["nom", "name"],
        ["sigle", "acronym"],
        ["cercle", "circle"],
        ["famille", "family"],
        ["types_action", "action_types", "types_d_action"],
        ["themes", "themes_disciplines"],
        ["publics", "audiences"],
        ["description_courte", "short_description"],
        ["description_longue", "long_description"],
        ["adresse", "address"],
        ["code_postal", "postal_code"],
        ["commune", "commune_code", "code_commune", "code_insee"],
        ["longitude", "lon", "lng"],
        ["latitude", "lat"],
        ["site_web", "website", "site_internet"],
        ["email", "e_mail", "courriel"],
        ["telephone", "phone"],
        ["reseaux_sociaux", "social_links"],
        ["formations", "offer_trainings"],
        ["offre_touristique", "offer_tourism"],
        ["ressources", "offer_resources"],
        ["siret", "siren"],
        ["rna"],
        ["uai"],
        ["museofile"],
        ["statut", "status"],
        ["verifie_le", "verified_at"],
        ["verifie_par", "verified_by"],
    ];

    private static readonly string[] Required = ["id_externe", "nom", "cercle", "famille"];

    private static readonly string[] MultilineColumns = ["description_longue", "formations", "offre_touristique", "ressources"];

    private static readonly Dictionary<string, string> HeaderAliases = Columns
        .SelectMany(names => names.Select(alias => (Key: ActorRules.Slugify(alias), Canonical: names[0])))
        .ToDictionary(p => p.Key, p => p.Canonical, StringComparer.Ordinal);

    internal static ActorCsvContent Parse(Stream stream, string source, IReadOnlyCollection<ActorFamilyName> families)
    {
        string text;
        try
        {
            // Strict UTF-8: a Latin-1 or Windows-1252 file is refused with a clear reason rather than read as mojibake.
            using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
            text = reader.ReadToEnd();
        }
        catch (DecoderFallbackException)
        {
            return new ActorCsvContent([], [new ImportError(1, string.Empty, string.Empty,
                "Le fichier n'est pas encodé en UTF-8 (il vient peut-être d'Excel en Windows-1252) : enregistrez-le en « CSV UTF-8 ».")], 0);
        }

        return Parse(text, source, families);
    }

    internal static ActorCsvContent Parse(string text, string source, IReadOnlyCollection<ActorFamilyName> families)
    {
        var errors = new List<ImportError>();
        var firstLineEnd = text.IndexOfAny(['\r', '\n']);
        var delimiter = CsvRecordReader.DetectDelimiter(firstLineEnd < 0 ? text : text[..firstLineEnd]);
        using var records = CsvRecordReader.Read(new StringReader(text), delimiter).GetEnumerator();
        if (!records.MoveNext())
        {
            return new ActorCsvContent([], [new ImportError(1, string.Empty, string.Empty, "Le fichier est vide : il faut au moins une ligne d'en-tête.")], 0);
        }

        var header = ReadHeader(records.Current, errors);
        if (errors.Count > 0)
        {
            return new ActorCsvContent([], errors, 0);
        }

        var familyBySlug = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var family in families)
        {
            familyBySlug[family.Slug] = family.Slug;
            familyBySlug.TryAdd(ActorRules.Slugify(family.Name), family.Slug);
        }

        var knownFamilies = string.Join(", ", families.Select(f => f.Slug));
        var result = new List<ActorRecord>();
        var firstLineOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        var rows = 0;
        while (records.MoveNext())
        {
            rows++;
            var row = records.Current;
            var rowErrors = new List<ImportError>();
            if (row.Unterminated)
            {
                rowErrors.Add(new ImportError(row.Line, string.Empty, string.Empty,
                    "Un guillemet ouvert n'est jamais refermé : la fin du fichier a été lue comme un seul champ."));
            }
            else if (row.Fields.Count != header.Count)
            {
                rowErrors.Add(new ImportError(row.Line, string.Empty, ActorRules.Preview(string.Join(delimiter, row.Fields)),
                    $"La ligne compte {row.Fields.Count} champs alors que l'en-tête en annonce {header.Count} (séparateur « {delimiter} », guillemets à vérifier)."));
            }

            if (rowErrors.Count == 0)
            {
                var values = new Dictionary<string, string>(StringComparer.Ordinal);
                for (var i = 0; i < header.Count; i++)
                {
                    // Control characters go as they do from the forms; long texts keep their line breaks.
                    if (TextInput.Clean(row.Fields[i], MultilineColumns.Contains(header[i])).Trim() is { Length: > 0 } value)
                    {
                        values[header[i]] = value;
                    }
                }

                var record = ReadRow(row.Line, values, source, familyBySlug, knownFamilies, rowErrors);
                if (record is not null)
                {
                    rowErrors.AddRange(ActorRules.Check(record));
                    if (rowErrors.Count == 0 && firstLineOfId.TryGetValue(record.ExternalId, out var firstLine))
                    {
                        rowErrors.Add(new ImportError(row.Line, "id_externe", record.ExternalId,
                            $"Cet identifiant externe figure déjà ligne {firstLine} : chaque ligne doit avoir le sien."));
                    }

                    if (rowErrors.Count == 0)
                    {
                        firstLineOfId[record.ExternalId] = row.Line;
                        result.Add(record);
                    }
                }
            }

            errors.AddRange(rowErrors);
        }

        return new ActorCsvContent(result, errors, rows);
    }

    private static List<string> ReadHeader(CsvRecord row, List<ImportError> errors)
    {
        var header = new List<string>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in row.Fields)
        {
            var name = raw.Trim();
            if (!HeaderAliases.TryGetValue(ActorRules.Slugify(name), out var canonical))
            {
                errors.Add(new ImportError(1, name, name,
                    $"Colonne inconnue « {name} ». Colonnes possibles : {string.Join(", ", Columns.Select(c => c[0]))} (ou leur nom anglais, voir docs/import.md)."));
                header.Add(string.Empty);
                continue;
            }

            if (seen.TryGetValue(canonical, out var previous))
            {
                errors.Add(new ImportError(1, name, name, $"La colonne « {canonical} » apparaît deux fois (« {previous} » et « {name} »)."));
            }

            seen[canonical] = name;
            header.Add(canonical);
        }

        foreach (var missing in Required.Where(r => !seen.ContainsKey(r)))
        {
            errors.Add(new ImportError(1, missing, string.Empty, $"La colonne obligatoire « {missing} » manque."));
        }

        if (!seen.ContainsKey("commune") && !(seen.ContainsKey("longitude") && seen.ContainsKey("latitude")))
        {
            errors.Add(new ImportError(1, "commune", string.Empty,
                "Il faut une localisation : la colonne « commune » (code INSEE) ou les colonnes « longitude » et « latitude »."));
        }

        return header;
    }

    private static ActorRecord? ReadRow(int line, Dictionary<string, string> values, string source,
        Dictionary<string, string> familyBySlug, string knownFamilies, List<ImportError> errors)
    {
        string? Get(string column) => values.GetValueOrDefault(column);

        var circleText = Get("cercle");
        var circle = 0;
        if (circleText is null)
        {
            errors.Add(new ImportError(line, "cercle", string.Empty, "Le cercle est obligatoire (1, 2 ou 3)."));
        }
        else if (!int.TryParse(circleText, NumberStyles.None, CultureInfo.InvariantCulture, out circle) || circle is < 1 or > 3)
        {
            errors.Add(new ImportError(line, "cercle", circleText, "Le cercle doit être 1, 2 ou 3."));
        }

        var familyText = Get("famille");
        string? family = null;
        if (familyText is not null && !familyBySlug.TryGetValue(ActorRules.Slugify(familyText), out family))
        {
            errors.Add(new ImportError(line, "famille", familyText, $"Famille inconnue. Familles possibles : {knownFamilies}."));
        }

        var longitude = ReadCoordinate(line, "longitude", Get("longitude"), errors);
        var latitude = ReadCoordinate(line, "latitude", Get("latitude"), errors);
        var status = ReadStatus(line, Get("statut"), errors);
        var verifiedAt = ReadDate(line, Get("verifie_le"), errors);
        if (errors.Count > 0)
        {
            return null;
        }

        return new ActorRecord
        {
            Line = line,
            Source = source,
            ExternalId = Get("id_externe") ?? string.Empty,
            Name = Get("nom") ?? string.Empty,
            Acronym = Get("sigle"),
            Circle = circle,
            FamilySlug = family ?? string.Empty,
            ActionTypes = ReadList(Get("types_action"), slugs: true),
            Themes = ReadList(Get("themes"), slugs: true),
            Audiences = ReadList(Get("publics"), slugs: true),
            ShortDescription = Get("description_courte"),
            LongDescription = Get("description_longue"),
            Address = Get("adresse"),
            PostalCode = PadCode(Get("code_postal")?.Replace(" ", string.Empty, StringComparison.Ordinal)),
            CommuneCode = PadCode(Get("commune")?.ToUpperInvariant()),
            Longitude = longitude,
            Latitude = latitude,
            Website = Get("site_web"),
            Email = Get("email"),
            Phone = Get("telephone"),
            SocialLinks = ReadList(Get("reseaux_sociaux"), slugs: false),
            OfferTrainings = Get("formations"),
            OfferTourism = Get("offre_touristique"),
            OfferResources = Get("ressources"),
            Siret = Get("siret")?.Replace(" ", string.Empty, StringComparison.Ordinal),
            Rna = Get("rna")?.ToUpperInvariant(),
            Uai = Get("uai")?.ToUpperInvariant(),
            Museofile = Get("museofile")?.ToUpperInvariant(),
            Status = status,
            VerifiedAt = verifiedAt,
            VerifiedBy = Get("verifie_par"),
        };
    }

    /// <summary>'|'-separated values; vocabulary terms are compared as slugs, so « Médiation » is mediation.</summary>
    private static string[] ReadList(string? value, bool slugs) =>
        value is null
            ? []
            : value.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(v => slugs ? ActorRules.Slugify(v) : v)
                .Where(v => v.Length > 0)
                .Distinct(StringComparer.Ordinal)
                .ToArray();

    /// <summary>Spreadsheets drop the leading zero of codes such as 01500 or 01007: four digits get it back.</summary>
    private static string? PadCode(string? value) =>
        value is { Length: 4 } && value.All(char.IsAsciiDigit) ? "0" + value : value;

    private static double? ReadCoordinate(int line, string column, string? value, List<ImportError> errors)
    {
        if (value is null)
        {
            return null;
        }

        if (double.TryParse(value.Replace(',', '.'), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
                CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        errors.Add(new ImportError(line, column, value, $"La {column} doit être un nombre décimal en degrés (ex. 47,3220 ou 47.3220)."));
        return null;
    }

    private static string ReadStatus(int line, string? value, List<ImportError> errors)
    {
        switch (value is null ? null : ActorRules.Slugify(value))
        {
            case null or "publie" or "published":
                return Data.ActorStatus.Published;
            case "brouillon" or "draft":
                return Data.ActorStatus.Draft;
            case "archive" or "archived":
                return Data.ActorStatus.Archived;
            default:
                errors.Add(new ImportError(line, "statut", value!, "Le statut doit être brouillon, publie ou archive (ou draft, published, archived)."));
                return Data.ActorStatus.Published;
        }
    }

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "dd/MM/yyyy", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss"];

    /// <summary>A date (2025-03-31 or 31/03/2025), or an ISO 8601 date and time; without an offset it is taken as UTC.</summary>
    private static DateTimeOffset? ReadDate(int line, string? value, List<ImportError> errors)
    {
        if (value is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParseExact(value, DateFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
        {
            return date;
        }

        errors.Add(new ImportError(line, "verifie_le", value, "La date de vérification doit s'écrire AAAA-MM-JJ (ex. 2025-03-31) ou JJ/MM/AAAA."));
        return null;
    }
}
