using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using Ocim.Portal.Features.Listings;

namespace Ocim.Portal.Features.Moderation;

public sealed class RevisionDetail
{
    public long Id { get; init; }
    public long ActorId { get; init; }
    public required string ActorName { get; init; }
    public required string Fields { get; init; }
    public long BaseVersion { get; init; }
    public string? ProposedByName { get; init; }
    public DateTime ProposedAt { get; init; }
    public required string Status { get; init; }
    public string? DecidedByName { get; init; }
    public string? DecisionNote { get; init; }
    public int Version { get; init; }
}

/// <summary>A revision, field by field: the listing's current value beside the proposed one.</summary>
public sealed record RevisionPage(RevisionDetail Revision, IReadOnlyList<FieldChange> Changes, bool Stale, string? Problem);

public sealed class ShowRevision(NpgsqlDataSource dataSource)
{
    public async Task<long?> ActorOfAsync(long revisionId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "select actor_id from actor_revision where id = @revisionId", new { revisionId }, cancellationToken: cancellationToken));
    }

    public async Task<RevisionPage?> LoadAsync(long revisionId, string? problem, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var revision = await connection.QueryFirstOrDefaultAsync<RevisionDetail>(new CommandDefinition(
            """
            select r.id, r.actor_id, a.name as actor_name, r.fields::text as fields, r.base_version, coalesce(p.display_name, (select 'la réponse à la campagne « ' || c.title || ' »' from campaign c where c.id = r.campaign_id)) as proposed_by_name,
                   r.proposed_at, r.status, d.display_name as decided_by_name, r.decision_note, r.version
            from actor_revision r join actor a on a.id = r.actor_id
                 left join account p on p.id = r.proposed_by left join account d on d.id = r.decided_by
            where r.id = @revisionId
            """,
            new { revisionId },
            cancellationToken: cancellationToken));
        if (revision is null)
        {
            return null;
        }

        var current = await ListingFields.ReadAsync(connection, null, revision.ActorId, forUpdate: false, cancellationToken);
        var proposed = (JsonObject)JsonNode.Parse(revision.Fields)!;
        var changes = current is null ? [] : ListingFields.Diff(current.Fields, proposed);
        return new RevisionPage(revision, changes, current is not null && current.Version != revision.BaseVersion, problem);
    }
}
