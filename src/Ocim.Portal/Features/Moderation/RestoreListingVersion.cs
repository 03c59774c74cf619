using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using Ocim.Portal.Features.Audit;
using Ocim.Portal.Features.Listings;

namespace Ocim.Portal.Features.Moderation;

/// <summary>
/// « Restaurer cette version »: writes the snapshot of an audit row back to the listing as a new change, audited
/// like any other (nothing is deleted or rewritten: the trail only grows). Guarded by the listing's version, so that a
/// restore decided on an outdated history page is refused.
/// </summary>
public sealed class RestoreListingVersion(NpgsqlDataSource dataSource)
{
    public async Task<DecisionOutcome> RestoreAsync(long actorId, long entryId, long seenVersion, long accountId, string? requestId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var entry = await connection.QueryFirstOrDefaultAsync<SnapshotRow>(new CommandDefinition(
            "select snapshot::text as snapshot, at from audit_log where id = @entryId and entity = 'actor' and entity_id = @actorId and snapshot is not null",
            new { entryId, actorId },
            transaction,
            cancellationToken: cancellationToken));
        var current = await ListingFields.ReadAsync(connection, transaction, actorId, forUpdate: true, cancellationToken);
        if (entry is null || current is null)
        {
            return new DecisionOutcome(DecisionResult.NotFound);
        }

        if (current.Version != seenVersion)
        {
            return new DecisionOutcome(DecisionResult.Stale, "La fiche a été modifiée depuis l'affichage de cet historique : relisez-le avant de restaurer une version.");
        }

        var snapshot = new JsonObject();
        foreach (var (column, value) in (JsonObject)JsonNode.Parse(entry.Snapshot)!)
        {
            if (ListingFields.IsKnown(column))
            {
                snapshot[column] = value?.DeepClone();
            }
        }

        var changes = ListingFields.Diff(current.Fields, snapshot);
        if (changes.Count == 0)
        {
            return new DecisionOutcome(DecisionResult.Invalid, "La fiche est déjà dans cet état : rien à restaurer.");
        }

        await ListingFields.ApplyAsync(connection, transaction, actorId, snapshot, cancellationToken);
        var after = await ListingFields.ReadAsync(connection, transaction, actorId, forUpdate: false, cancellationToken);
        await AuditTrail.WriteAsync(connection, transaction, new AuditEntry(
            "actor.restored", "actor", actorId, accountId, ListingFields.AuditChanges(changes), after!.Fields,
            $"Retour à la version de l'entrée n° {entryId} de l'historique"), requestId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return DecisionOutcome.Done;
    }

    private sealed class SnapshotRow
    {
        public required string Snapshot { get; init; }
        public DateTime At { get; init; }
    }
}
