using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using Ocim.Portal.Features.Accounts;

namespace Ocim.Portal.Features.Listings;

/// <summary>A change proposed by the signed-in account, and where it stands.</summary>
public sealed class MyRevision
{
    public long Id { get; init; }
    public long ActorId { get; init; }
    public required string ActorName { get; init; }
    public DateTime ProposedAt { get; init; }
    public required string Status { get; init; }
    public DateTime? DecidedAt { get; init; }
    public string? DecisionNote { get; init; }
    public required string Fields { get; init; }

    public IEnumerable<string> FieldLabels => ((JsonObject)JsonNode.Parse(Fields)!).Select(p => ListingFields.Label(p.Key)).Distinct();

    public string StatusLabel => Status switch
    {
        "pending" => "en attente de relecture",
        "approved" => "publiée",
        "rejected" => "non retenue",
        "superseded" => "remplacée par une proposition plus récente",
        _ => Status,
    };
}

/// <summary>An event proposed for one of the account's listings (by this account or another representative), and where it stands.</summary>
public sealed class MyEventProposal
{
    public long Id { get; init; }
    public long ActorId { get; init; }
    public required string ActorName { get; init; }
    public required string Title { get; init; }
    public required string Slug { get; init; }
    public DateTime ProposedAt { get; init; }
    public required string Status { get; init; }
    public DateTime? DecidedAt { get; init; }
    public string? DecisionNote { get; init; }

    public string StatusLabel => EventProposals.ProposalLabels.Status(Status);
}

public sealed record MyListingsPage(IReadOnlyList<RepresentedActor> Actors, IReadOnlyList<MyRevision> Revisions, IReadOnlyList<MyEventProposal> EventProposals);

/// <summary>« Mes fiches »: the actors an account speaks for, its last 100 proposed changes and the last 100 events proposed for its listings.</summary>
public sealed class MyListings(NpgsqlDataSource dataSource, ActorAccess access)
{
    public async Task<MyListingsPage> LoadAsync(long accountId, CancellationToken cancellationToken)
    {
        var actors = await access.RepresentedAsync(accountId, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var revisions = await connection.QueryAsync<MyRevision>(new CommandDefinition(
            """
            select r.id, r.actor_id, a.name as actor_name, r.proposed_at, r.status, r.decided_at, r.decision_note, r.fields::text as fields
            from actor_revision r join actor a on a.id = r.actor_id
            where r.proposed_by = @accountId
            order by r.id desc
            limit 100
            """,
            new { accountId },
            cancellationToken: cancellationToken));
        var proposals = await connection.QueryAsync<MyEventProposal>(new CommandDefinition(
            """
            select p.id, p.actor_id, a.name as actor_name, e.title, e.slug, p.proposed_at, p.status, p.decided_at, p.decision_note
            from event_proposal p join actor a on a.id = p.actor_id join event e on e.id = p.event_id
            where p.proposed_by = @accountId
               or p.actor_id in (select actor_id from actor_representative where account_id = @accountId)
            order by p.id desc
            limit 100
            """,
            new { accountId },
            cancellationToken: cancellationToken));
        return new MyListingsPage(actors, revisions.AsList(), proposals.AsList());
    }
}
