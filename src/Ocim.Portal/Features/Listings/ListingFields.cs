using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;

namespace Ocim.Portal.Features.Listings;

/// <summary>One field of a listing that changed: its column, French label, and the values before and after.</summary>
public sealed record FieldChange(string Column, string Label, JsonNode? Old, JsonNode? New)
{
    public string OldText => ListingFields.Display(Old);

    public string NewText => ListingFields.Display(New);
}

/// <summary>A listing's fields as JSON (column name → value) and its version (the row's xmin).</summary>
public sealed record ListingState(long Version, JsonObject Fields);

/// <summary>
/// The fields of a listing that revisions, the audit trail and restores handle, by column name
/// (docs/decisions/0015-listing-revisions-and-invitations.md). Representatives may change the descriptive fields,
/// contact, offers, identifiers and location; the circle, the family and the status stay with curators; the id,
/// source, external id, verification and territories are never written from here (the database resolves
/// territories from the location). Values travel as JSON so that one UPDATE from <c>jsonb_populate_record</c> applies
/// any subset, with PostgreSQL doing the type conversions.
/// </summary>
public static class ListingFields
{
    /// <summary>What a representative may propose, in the order of the form.</summary>
    public static readonly IReadOnlyList<(string Column, string Label)> Representative =
    [
        ("name", "Nom"),
        ("acronym", "Sigle"),
        ("short_description", "Description courte"),
        ("long_description", "Description longue"),
        ("action_types", "Types d'action"),
        ("themes", "Thèmes"),
        ("audiences", "Publics"),
        ("address", "Adresse"),
        ("postal_code", "Code postal"),
        ("longitude", "Longitude"),
        ("latitude", "Latitude"),
        ("location_approximate", "Position approchée (centre de la commune)"),
        ("commune_code", "Commune (code INSEE)"),
        ("website", "Site web"),
        ("email", "E-mail"),
        ("phone", "Téléphone"),
        ("social_links", "Réseaux sociaux"),
        ("offer_trainings", "Formations"),
        ("offer_tourism", "Offre touristique"),
        ("offer_resources", "Ressources"),
        ("siret", "SIRET / SIREN"),
        ("rna", "RNA"),
        ("uai", "UAI"),
        ("museofile", "Muséofile"),
    ];

    /// <summary>Kept in snapshots and restored by curators, never proposed by representatives.</summary>
    public static readonly IReadOnlyList<(string Column, string Label)> CuratorOnly =
    [
        ("circle", "Cercle"),
        ("family_id", "Famille (n°)"),
        ("status", "Statut"),
    ];

    private static readonly Dictionary<string, string> Labels =
        Representative.Concat(CuratorOnly).ToDictionary(f => f.Column, f => f.Label, StringComparer.Ordinal);

    private static readonly string SelectList = string.Join(", ", Labels.Keys.Select(c => "a." + c));

    public static bool IsKnown(string column) => Labels.ContainsKey(column);

    public static bool IsRepresentative(string column) => Representative.Any(f => f.Column == column);

    public static string Label(string column) => Labels.TryGetValue(column, out var label) ? label : column;

    /// <summary>The listing's fields and version; <paramref name="forUpdate"/> locks the row until the transaction ends.</summary>
    public static async Task<ListingState?> ReadAsync(DbConnection connection, DbTransaction? transaction, long actorId, bool forUpdate, CancellationToken cancellationToken)
    {
#pragma warning disable CA2100 // The column list is the constant whitelist above; the id is a parameter.
        var row = await connection.QueryFirstOrDefaultAsync<(long Version, string Fields)>(new CommandDefinition(
            $"""
            select a.xmin::text::bigint, (select to_jsonb(r) from (select {SelectList}) r)::text
            from actor a where a.id = @actorId {(forUpdate ? "for update" : string.Empty)}
            """,
            new { actorId },
            transaction,
            cancellationToken: cancellationToken));
#pragma warning restore CA2100
        return row.Fields is null ? null : new ListingState(row.Version, (JsonObject)JsonNode.Parse(row.Fields)!);
    }

    /// <summary>
    /// Writes the known columns present in <paramref name="values"/> (others are ignored) and returns how many rows
    /// changed. The location trigger resolves the territories when longitude, latitude or commune change.
    /// </summary>
    public static async Task<int> ApplyAsync(DbConnection connection, DbTransaction transaction, long actorId, JsonObject values, CancellationToken cancellationToken)
    {
        var columns = values.Select(p => p.Key).Where(IsKnown).ToList();
        if (columns.Count == 0)
        {
            return 0;
        }

        var assignments = string.Join(", ", columns.Select(c => $"{c} = r.{c}"));
#pragma warning disable CA2100 // Column names come from the constant whitelist (IsKnown); values are one jsonb parameter.
        return await connection.ExecuteAsync(new CommandDefinition(
            $"""
            update actor a set {assignments}, updated_at = now()
            from jsonb_populate_record(null::actor, @values::jsonb) r
            where a.id = @actorId
            """,
            new { actorId, values = values.ToJsonString() },
            transaction,
            cancellationToken: cancellationToken));
#pragma warning restore CA2100
    }

    /// <summary>The fields of <paramref name="proposed"/> whose value differs from <paramref name="current"/>.</summary>
    public static IReadOnlyList<FieldChange> Diff(JsonObject current, JsonObject proposed) =>
        proposed
            .Where(p => IsKnown(p.Key) && !Same(p.Key, current[p.Key], p.Value))
            .OrderBy(p => Order(p.Key))
            .Select(p => new FieldChange(p.Key, Label(p.Key), current[p.Key]?.DeepClone(), p.Value?.DeepClone()))
            .ToList();

    /// <summary>The changes as the audit trail stores them: {"name": {"old": …, "new": …}}.</summary>
    public static JsonObject AuditChanges(IEnumerable<FieldChange> changes)
    {
        var result = new JsonObject();
        foreach (var change in changes)
        {
            result[change.Column] = new JsonObject { ["old"] = change.Old?.DeepClone(), ["new"] = change.New?.DeepClone() };
        }

        return result;
    }

    /// <summary>
    /// Whether a column's two values are the same as the form can tell them: vocabulary lists in any order,
    /// coordinates to the form's six decimals (about 10 cm), texts whatever their line endings and outer spaces.
    /// </summary>
    public static bool Same(string column, JsonNode? left, JsonNode? right)
    {
        if (IsEmpty(left) || IsEmpty(right))
        {
            return IsEmpty(left) && IsEmpty(right);
        }

        if (UnorderedColumns.Contains(column) && left is JsonArray leftSet && right is JsonArray rightSet)
        {
            return SortedTexts(leftSet).SequenceEqual(SortedTexts(rightSet), StringComparer.Ordinal);
        }

        if (column is "longitude" or "latitude" && left!.GetValueKind() == JsonValueKind.Number && right!.GetValueKind() == JsonValueKind.Number)
        {
            return Math.Round(left.GetValue<double>(), 6) == Math.Round(right.GetValue<double>(), 6);
        }

        if (left!.GetValueKind() == JsonValueKind.String && right!.GetValueKind() == JsonValueKind.String)
        {
            return string.Equals(NormalText(left.GetValue<string>()), NormalText(right.GetValue<string>()), StringComparison.Ordinal);
        }

        return Same(left, right);
    }

    /// <summary>
    /// The form shows a point to six decimals and the database resolves its commune again: a location posted back
    /// unmoved (the same point to the form's precision, or the same commune's centre, or still none) keeps the
    /// listing's own values, so that it shows no change in the diff.
    /// </summary>
    public static void KeepUnmovedLocation(JsonObject current, JsonObject proposed)
    {
        static bool Approximate(JsonObject fields) => fields["location_approximate"] is JsonValue v && v.GetValueKind() == JsonValueKind.True;
        static bool HasPoint(JsonObject fields) => !IsEmpty(fields["longitude"]) && !IsEmpty(fields["latitude"]);

        var unmoved = (HasPoint(current), HasPoint(proposed)) switch
        {
            (false, false) => true,
            (true, true) when Approximate(proposed) => Approximate(current) && Same("commune_code", current["commune_code"], proposed["commune_code"]),
            (true, true) => !Approximate(current) && Same("longitude", current["longitude"], proposed["longitude"]) && Same("latitude", current["latitude"], proposed["latitude"]),
            _ => false,
        };
        if (unmoved)
        {
            foreach (var column in (string[])["longitude", "latitude", "commune_code", "location_approximate"])
            {
                proposed[column] = current[column]?.DeepClone();
            }
        }
    }

    private static readonly HashSet<string> UnorderedColumns = new(StringComparer.Ordinal) { "action_types", "themes", "audiences" };

    private static IEnumerable<string?> SortedTexts(JsonArray values) => values.Select(v => v?.ToString()).Order(StringComparer.Ordinal);

    private static string NormalText(string value) => value.ReplaceLineEndings("\n").Trim();

    public static bool Same(JsonNode? left, JsonNode? right)
    {
        if (IsEmpty(left) || IsEmpty(right))
        {
            return IsEmpty(left) && IsEmpty(right);
        }

        if (left!.GetValueKind() == JsonValueKind.Number && right!.GetValueKind() == JsonValueKind.Number)
        {
            return Math.Abs(left.GetValue<double>() - right.GetValue<double>()) < 1e-9;
        }

        return JsonNode.DeepEquals(left, right);
    }

    /// <summary>A value as the diff and history pages show it.</summary>
    public static string Display(JsonNode? value) => value switch
    {
        _ when IsEmpty(value) => "(vide)",
        JsonArray array => string.Join(", ", array.Select(v => v?.ToString())),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "oui",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "non",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>().ToString("0.######", CultureInfo.GetCultureInfo("fr-FR")),
        _ => value!.ToString(),
    };

    private static bool IsEmpty(JsonNode? value) =>
        value is null
        || (value is JsonArray array && array.Count == 0)
        || (value is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length == 0);

    private static int Order(string column)
    {
        var index = 0;
        foreach (var column2 in Labels.Keys)
        {
            if (column2 == column)
            {
                return index;
            }

            index++;
        }

        return index;
    }
}
