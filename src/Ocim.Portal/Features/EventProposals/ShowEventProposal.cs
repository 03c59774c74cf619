using Dapper;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Ocim.Portal.Data;
using Ocim.Portal.Features.Events;

namespace Ocim.Portal.Features.EventProposals;

/// <summary>Where a proposal stands, with the names the pages show.</summary>
public sealed class ProposalState
{
    public long Id { get; init; }
    public long EventId { get; init; }
    public long ActorId { get; init; }
    public required string ActorName { get; init; }
    public string? ProposedByName { get; init; }
    public DateTime ProposedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public required string Status { get; init; }
    public string? DecidedByName { get; init; }
    public DateTime? DecidedAt { get; init; }
    public string? DecisionNote { get; init; }
    public int Version { get; init; }
    public required string EventTitle { get; init; }
    public required string EventSlug { get; init; }
    public required string EventStatus { get; init; }

    public string StatusLabel => ProposalLabels.Status(Status);
}

public static class ProposalLabels
{
    public static string Status(string status) => status switch
    {
        "pending" => "en attente de relecture",
        "published" => "publié",
        "rejected" => "refusé",
        _ => status,
    };
}

/// <summary>The form and choices of the representative's page.</summary>
public sealed record ProposalPage(
    long ActorId,
    string ActorName,
    string? ActorPlace,
    ProposalState? Proposal,
    EventProposalForm Form,
    IReadOnlyList<Choice> Themes,
    bool PublishesAtOnce,
    string? Problem)
{
    /// <summary>Rows of sessions to show: those typed, then blank ones, at least three and one spare, ten at most.</summary>
    public int SessionRows => Math.Min(EventProposalForm.MaxSessions, Math.Max(3, Form.Sessions.Count(s => !s.IsBlank) + 1));
}

/// <summary>The curators' page of a proposal: what would be published, and the decision forms.</summary>
public sealed record ProposalReviewPage(ProposalState Proposal, Event Event, string AboutHtml, IReadOnlyList<string> ThemeLabels, string? Problem);

/// <summary>Reads a proposal, its event and the form's choices.</summary>
public sealed class ShowEventProposal(NpgsqlDataSource dataSource, PortalDbContext db)
{
    public async Task<ProposalState?> StateAsync(long proposalId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<ProposalState>(new CommandDefinition(
            """
            select p.id, p.event_id, p.actor_id, a.name as actor_name, u.display_name as proposed_by_name, p.proposed_at, p.updated_at,
                   p.status, d.display_name as decided_by_name, p.decided_at, p.decision_note, p.version,
                   e.title as event_title, e.slug as event_slug, e.status as event_status
            from event_proposal p join actor a on a.id = p.actor_id join event e on e.id = p.event_id
                 left join account u on u.id = p.proposed_by left join account d on d.id = p.decided_by
            where p.id = @proposalId
            """,
            new { proposalId },
            cancellationToken: cancellationToken));
    }

    public Task<Event?> EventAsync(long eventId, CancellationToken cancellationToken) =>
        db.Events.AsNoTracking().Include(e => e.Sessions).SingleOrDefaultAsync(e => e.Id == eventId, cancellationToken);

    /// <summary>The listing's name and place (« 1 avenue Albert Premier, 21000 Dijon »), or null when it has none.</summary>
    public async Task<(string Name, string? Place)?> ListingAsync(long actorId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QueryFirstOrDefaultAsync<(string Name, string? Place)>(new CommandDefinition(
            """
            select a.name, nullif(concat_ws(', ', a.address, nullif(concat_ws(' ', a.postal_code, c.name), '')), '') as place
            from actor a left join commune c on c.code = a.commune_code where a.id = @actorId
            """,
            new { actorId },
            cancellationToken: cancellationToken));
        return row.Name is null ? null : row;
    }

    public async Task<IReadOnlyList<Choice>> ThemesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Choice>(new CommandDefinition(
            "select slug as value, label from actor_vocabulary where kind = 'theme' order by sort_order, label", cancellationToken: cancellationToken))).AsList();
    }
}
