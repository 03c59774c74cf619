using System.Globalization;
using System.Text.Json;
using Dapper;
using Npgsql;
using Ocim.Portal.Features.Audit;

namespace Ocim.Portal.Features.Curation;

/// <summary>A field a merge chooses: its label, the columns it moves together (the location is one field).</summary>
public sealed record MergeField(string Key, string Label, string[] Columns);

/// <summary>Two listings side by side, each field's value as text for the comparison page.</summary>
public sealed record MergeComparison(MergeSide Left, MergeSide Right);

public sealed record MergeSide(long Id, string Name, string Status, long? MergedInto, IReadOnlyDictionary<string, string> Values);

public enum MergeOutcome
{
    Merged,
    NotFound,
    SameListing,
    AlreadyMerged,
}

/// <summary>
/// Merges two listings in one transaction (docs/decisions/0017-duplicates-and-merge.md): the survivor takes, field by
/// field, the value the curator chose; the other is archived with merged_into pointing to the survivor; its
/// representatives, reports and import key (as an alias, or as the survivor's own key when it has none) move to the
/// survivor, so a re-import of either source updates the survivor; both get an audit row.
/// </summary>
public sealed class MergeActors(NpgsqlDataSource dataSource)
{
    public static readonly IReadOnlyList<MergeField> Fields =
    [
        new("name", "Nom", ["name"]),
        new("acronym", "Sigle", ["acronym"]),
        new("circle", "Cercle", ["circle"]),
        new("family", "Famille", ["family_id"]),
        new("action_types", "Types d'action", ["action_types"]),
        new("themes", "Thèmes", ["themes"]),
        new("audiences", "Publics", ["audiences"]),
        new("short_description", "Description courte", ["short_description"]),
        new("long_description", "Description longue", ["long_description"]),
        new("address", "Adresse", ["address", "postal_code"]),
        new("location", "Position", ["longitude", "latitude", "commune_code", "location_approximate"]),
        new("website", "Site web", ["website"]),
        new("email", "Courriel", ["email"]),
        new("phone", "Téléphone", ["phone"]),
        new("social_links", "Réseaux sociaux", ["social_links"]),
        new("offer_trainings", "Formations proposées", ["offer_trainings"]),
        new("offer_tourism", "Offre touristique", ["offer_tourism"]),
        new("offer_resources", "Ressources", ["offer_resources"]),
        new("siret", "SIRET", ["siret"]),
        new("rna", "RNA", ["rna"]),
        new("uai", "UAI", ["uai"]),
        new("museofile", "Muséofile", ["museofile"]),
        new("verified", "Vérification", ["verified_at", "verified_by"]),
    ];

    public async Task<MergeComparison?> CompareAsync(long leftId, long rightId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var left = await ReadSideAsync(connection, null, leftId, cancellationToken);
        var right = await ReadSideAsync(connection, null, rightId, cancellationToken);
        return left is null || right is null ? null : new MergeComparison(left, right);
    }

    /// <summary>
    /// Merges <paramref name="otherId"/> into <paramref name="survivorId"/>; <paramref name="takeFromOther"/> names the
    /// fields (<see cref="MergeField.Key"/>) whose value comes from the other listing.
    /// </summary>
    public async Task<MergeOutcome> MergeAsync(long survivorId, long otherId, IReadOnlySet<string> takeFromOther, long accountId, string? requestId, CancellationToken cancellationToken)
    {
        if (survivorId == otherId)
        {
            return MergeOutcome.SameListing;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Both rows locked in id order: two merges of the same pair, or crossing pairs, wait instead of deadlocking,
        // and the second sees the first's merged_into.
        var locked = (await connection.QueryAsync<(long Id, long? MergedInto, string Status, string Source, string? ExternalId)>(new CommandDefinition(
            "select id, merged_into, status, source, external_id from actor where id in (@survivorId, @otherId) order by id for update",
            new { survivorId, otherId }, transaction, cancellationToken: cancellationToken))).ToList();
        if (locked.Count != 2)
        {
            return MergeOutcome.NotFound;
        }

        if (locked.Any(r => r.MergedInto is not null))
        {
            return MergeOutcome.AlreadyMerged;
        }

        var before = await ReadSideAsync(connection, transaction, survivorId, cancellationToken);
        var other = await ReadSideAsync(connection, transaction, otherId, cancellationToken);
        var chosen = Fields.Where(f => takeFromOther.Contains(f.Key)).ToList();
        if (chosen.Count > 0)
        {
            var assignments = string.Join(", ", chosen.SelectMany(f => f.Columns).Select(c => $"{c} = o.{c}"));
#pragma warning disable CA2100 // Column names come from the constant Fields table, never from the request.
            await connection.ExecuteAsync(new CommandDefinition(
                $"update actor s set {assignments}, updated_at = now() from actor o where s.id = @survivorId and o.id = @otherId",
                new { survivorId, otherId }, transaction, cancellationToken: cancellationToken));
#pragma warning restore CA2100
        }

        var otherKey = locked.Single(r => r.Id == otherId);
        await connection.ExecuteAsync(new CommandDefinition(
            MoveEverything,
            new { survivorId, otherId, otherSource = otherKey.Source, otherExternalId = otherKey.ExternalId },
            transaction, cancellationToken: cancellationToken));

        var after = await ReadSideAsync(connection, transaction, survivorId, cancellationToken);
        var changes = Fields
            .Where(f => before!.Values[f.Key] != after!.Values[f.Key])
            .ToDictionary(f => f.Key, f => (object)new { old = before!.Values[f.Key], @new = after!.Values[f.Key] });
        var snapshot = await SnapshotAsync(connection, transaction, survivorId, cancellationToken);
        var otherSnapshot = await SnapshotAsync(connection, transaction, otherId, cancellationToken);
        var survivorName = after!.Name;
        await AuditTrail.WriteAsync(connection, transaction, new AuditEntry(
            "actor.merged", "actor", survivorId, accountId, changes, snapshot,
            string.Create(CultureInfo.InvariantCulture, $"Fusion : la fiche {otherId} (« {other!.Name} ») a été fusionnée dans celle-ci.")),
            requestId, cancellationToken);
        await AuditTrail.WriteAsync(connection, transaction, new AuditEntry(
            "actor.merged_into", "actor", otherId, accountId,
            new Dictionary<string, object> { ["merged_into"] = new { old = (long?)null, @new = survivorId }, ["status"] = new { old = other.Status, @new = "archived" } },
            otherSnapshot,
            string.Create(CultureInfo.InvariantCulture, $"Fusion : cette fiche a été fusionnée dans la fiche {survivorId} (« {survivorName} »).")),
            requestId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return MergeOutcome.Merged;
    }

    // The other's import key becomes an alias of the survivor (or, when the survivor has no key of its own, the
    // survivor's key: see MergeAsync); aliases already pointing to the other follow it; the other is archived and its
    // key freed; representatives, reports move; « pas un doublon » decisions about the other are moot.
    private const string MoveEverything = """
        insert into actor_alias (source, external_id, actor_id, merged_from)
        select o.source, o.external_id, @survivorId, o.id
        from actor o, actor s
        where o.id = @otherId and s.id = @survivorId and o.external_id is not null and s.external_id is not null;

        update actor_alias set actor_id = @survivorId where actor_id = @otherId;

        update actor o set status = 'archived', merged_into = @survivorId, external_id = null, updated_at = now()
        where o.id = @otherId;

        update actor s set source = @otherSource, external_id = @otherExternalId
        where s.id = @survivorId and s.external_id is null and @otherExternalId::text is not null;

        insert into actor_representative (account_id, actor_id, trusted, granted_at, granted_by)
        select account_id, @survivorId, trusted, granted_at, granted_by from actor_representative where actor_id = @otherId
        on conflict (account_id, actor_id) do update set trusted = actor_representative.trusted or excluded.trusted;
        delete from actor_representative where actor_id = @otherId;

        update actor_report set actor_id = @survivorId where actor_id = @otherId;
        update event_proposal set actor_id = @survivorId where actor_id = @otherId;
        delete from actor_not_duplicate where actor_low = @otherId or actor_high = @otherId;
        """;

    private static async Task<MergeSide?> ReadSideAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long id, CancellationToken cancellationToken)
    {
        var columns = string.Join(", ", Fields.Select(f => $"concat_ws(' ; ', {string.Join(", ", f.Columns.Select(Text))}) as \"{f.Key}\""));
#pragma warning disable CA2100 // Built from the constant Fields table.
        var row = await connection.QuerySingleOrDefaultAsync(new CommandDefinition(
            $"""
            select a.id, a.name as actor_name, a.status as actor_status, a.merged_into, {columns}
            from actor a left join actor_family f on f.id = a.family_id left join commune c on c.code = a.commune_code
            where a.id = @id
            """,
            new { id }, transaction, cancellationToken: cancellationToken));
#pragma warning restore CA2100
        if (row is null)
        {
            return null;
        }

        var values = (IDictionary<string, object?>)row;
        return new MergeSide(
            (long)values["id"]!, (string)values["actor_name"]!, (string)values["actor_status"]!, (long?)values["merged_into"],
            Fields.ToDictionary(f => f.Key, f => (string?)values[f.Key] ?? string.Empty));
    }

    // How each column reads on the comparison page.
    private static string Text(string column) => column switch
    {
        "family_id" => "f.name",
        "commune_code" => "case when a.commune_code is null then null else c.name || ' (' || a.commune_code || ')' end",
        "location_approximate" => "case when a.location_approximate then 'approximative' end",
        "longitude" or "latitude" => $"replace(round(a.{column}::numeric, 5)::text, '.', ',')",
        "action_types" or "themes" or "audiences" or "social_links" => $"nullif(array_to_string(a.{column}, ', '), '')",
        "verified_at" => "to_char(a.verified_at at time zone 'Europe/Paris', 'DD/MM/YYYY')",
        _ => $"a.{column}::text",
    };

    private static async Task<JsonElement> SnapshotAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, CancellationToken cancellationToken)
    {
        var json = await connection.QuerySingleAsync<string>(new CommandDefinition(
            "select (to_jsonb(a) - 'geom' - 'geom_l93' - 'geom_3857' - 'search')::text from actor a where a.id = @id",
            new { id }, transaction, cancellationToken: cancellationToken));
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
