using System.Data.Common;
using System.Globalization;
using Dapper;
using Npgsql;
using Ocim.Portal.Features.Audit;
using Ocim.Portal.Features.Moderation;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Features.EventProposals;

/// <summary>
/// A curator publishes or rejects a pending event proposal. One transaction each: the proposal's transition
/// (<c>status = 'pending' and version = @seen</c>: of two curators deciding at once, or a curator deciding while the
/// representative edits, exactly one succeeds), the event's publication, the audit row and the e-mail to the proposer.
/// </summary>
public sealed class DecideEventProposal(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public Task<DecisionOutcome> ApproveAsync(long proposalId, int seenVersion, long deciderId, string? note, string siteUrl, string? requestId, CancellationToken cancellationToken) =>
        DecideAsync(proposalId, seenVersion, deciderId, note, approve: true, siteUrl, requestId, cancellationToken);

    public Task<DecisionOutcome> RejectAsync(long proposalId, int seenVersion, long deciderId, string note, string siteUrl, string? requestId, CancellationToken cancellationToken) =>
        DecideAsync(proposalId, seenVersion, deciderId, note, approve: false, siteUrl, requestId, cancellationToken);

    private async Task<DecisionOutcome> DecideAsync(long proposalId, int seenVersion, long deciderId, string? note, bool approve, string siteUrl, string? requestId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var trimmed = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        var proposal = await connection.QueryFirstOrDefaultAsync<DecidedProposal>(new CommandDefinition(
            """
            update event_proposal
            set status = @status, decided_by = @deciderId, decided_at = @now, decision_note = @note, version = version + 1
            where id = @proposalId and status = 'pending' and version = @seenVersion
            returning id, event_id, actor_id, proposed_by
            """,
            new { proposalId, seenVersion, status = approve ? "published" : "rejected", deciderId, now = clock.GetUtcNow(), note = trimmed },
            transaction,
            cancellationToken: cancellationToken));
        if (proposal is null)
        {
            return await WhyNotAsync(connection, transaction, proposalId, cancellationToken);
        }

        // A draft becomes public; an event that staff already moved on (published, cancelled) keeps its state.
        var previous = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "select status from event where id = @eventId for update", new { eventId = proposal.EventId }, transaction, cancellationToken: cancellationToken));
        if (approve && previous == "draft")
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "update event set status = 'published' where id = @eventId", new { eventId = proposal.EventId }, transaction, cancellationToken: cancellationToken));
        }

        var facts = await connection.QuerySingleAsync<EventFacts>(new CommandDefinition(
            "select e.slug, e.title, e.status, a.name as actor_name from event e join actor a on a.id = @actorId where e.id = @eventId",
            new { eventId = proposal.EventId, actorId = proposal.ActorId }, transaction, cancellationToken: cancellationToken));
        await AuditTrail.WriteAsync(connection, transaction, new AuditEntry(
            approve ? "event.proposal.approved" : "event.proposal.rejected", "event", proposal.EventId, deciderId,
            Changes: approve && previous != facts.Status ? new Dictionary<string, object?> { ["status"] = new { old = previous, @new = facts.Status } } : null,
            Snapshot: new { proposal = proposal.Id, actor = proposal.ActorId, facts.Slug, facts.Title, facts.Status },
            Message: trimmed), requestId, cancellationToken);
        await TellProposerAsync(connection, transaction, proposal, facts, approve, trimmed, siteUrl, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return DecisionOutcome.Done;
    }

    private static async Task<DecisionOutcome> WhyNotAsync(DbConnection connection, DbTransaction transaction, long proposalId, CancellationToken cancellationToken)
    {
        var found = await connection.QueryFirstOrDefaultAsync<(string Status, string? Decider)>(new CommandDefinition(
            "select p.status, a.display_name from event_proposal p left join account a on a.id = p.decided_by where p.id = @proposalId",
            new { proposalId }, transaction, cancellationToken: cancellationToken));
        if (found.Status is null)
        {
            return new DecisionOutcome(DecisionResult.NotFound);
        }

        if (found.Status == "pending")
        {
            return new DecisionOutcome(DecisionResult.Stale,
                "Son auteur a modifié la proposition depuis que vous l'avez ouverte : relisez-la ci-dessous avant de décider. Rien n'a été enregistré.");
        }

        var what = found.Status == "published" ? "publiée" : "refusée";
        var by = found.Decider is null ? string.Empty : $" par {found.Decider}";
        return new DecisionOutcome(DecisionResult.AlreadyDecided, $"Cette proposition a déjà été traitée : {what}{by}. Rien n'a été modifié.");
    }

    private static async Task TellProposerAsync(DbConnection connection, DbTransaction transaction, DecidedProposal proposal, EventFacts facts, bool approved, string? note, string siteUrl, CancellationToken cancellationToken)
    {
        var email = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "select email from account where id = @proposer and disabled_at is null", new { proposer = proposal.ProposedBy }, transaction, cancellationToken: cancellationToken));
        if (email is null || !MailAddressRules.IsValid(email))
        {
            return;
        }

        var body = approved
            ? $"Bonjour,\n\nVotre proposition d'événement « {facts.Title} » pour la fiche « {facts.ActorName} » a été acceptée par l'équipe de l'Ocim : il est publié.\n{siteUrl.TrimEnd('/')}/evenements/{facts.Slug}\n"
            : $"Bonjour,\n\nVotre proposition d'événement « {facts.Title} » pour la fiche « {facts.ActorName} » n'a pas été retenue par l'équipe de l'Ocim.\n";
        if (note is not null)
        {
            body += $"\nMessage de l'équipe :\n{note}\n";
        }

        body += "\nVous suivez vos propositions depuis la page « Mes fiches » de votre compte.\n\nL'équipe du portail Ocim\n";
        await Outbox.EnqueueAsync(connection, transaction, new MailRequest(
            approved ? "event-proposal-approved" : "event-proposal-rejected",
            email,
            approved ? $"Événement publié : {Subject(facts.Title)}" : $"Événement non retenu : {Subject(facts.Title)}",
            body,
            DeduplicationKey: string.Create(CultureInfo.InvariantCulture, $"event-proposal-decided:{proposal.Id}")), cancellationToken);
    }

    private static string Subject(string title) => title.ReplaceLineEndings(" ") is { Length: > 200 } longTitle ? longTitle[..200] + "…" : title.ReplaceLineEndings(" ");

    private sealed class DecidedProposal
    {
        public long Id { get; init; }
        public long EventId { get; init; }
        public long ActorId { get; init; }
        public long? ProposedBy { get; init; }
    }

    private sealed class EventFacts
    {
        public required string Slug { get; init; }
        public required string Title { get; init; }
        public required string Status { get; init; }
        public required string ActorName { get; init; }
    }
}
