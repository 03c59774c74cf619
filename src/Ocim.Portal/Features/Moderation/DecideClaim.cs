using Dapper;
using Npgsql;
using Ocim.Portal.Features.Audit;
using Ocim.Portal.Features.Listings;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Features.Moderation;

public sealed class ClaimDetail
{
    public long Id { get; init; }
    public long ActorId { get; init; }
    public required string ActorName { get; init; }
    public string? ActorEmail { get; init; }
    public required string Name { get; init; }
    public required string Email { get; init; }
    public required string Role { get; init; }
    public string? Message { get; init; }
    public DateTime CreatedAt { get; init; }
    public required string Status { get; init; }
    public string? DecidedByName { get; init; }
}

/// <summary>
/// A curator's answer to « c'est ma structure »: approving sends an invitation (a single-use link) to the address
/// given; rejecting sends a polite e-mail. One transaction each, guarded by <c>status = 'pending'</c>.
/// </summary>
public sealed class DecideClaim(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<ClaimDetail?> LoadAsync(long claimId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<ClaimDetail>(new CommandDefinition(
            """
            select c.id, c.actor_id, a.name as actor_name, a.email as actor_email, c.name, c.email, c.role, c.message, c.created_at,
                   c.status, d.display_name as decided_by_name
            from actor_claim c join actor a on a.id = c.actor_id left join account d on d.id = c.decided_by
            where c.id = @claimId
            """,
            new { claimId },
            cancellationToken: cancellationToken));
    }

    public async Task<DecisionOutcome> DecideAsync(long claimId, bool approve, long deciderId, string? deciderName, string? note, string siteUrl, string? requestId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var claim = await connection.QueryFirstOrDefaultAsync<ClaimDetail>(new CommandDefinition(
            """
            update actor_claim c set status = @status, decided_by = @deciderId, decided_at = @now, decision_note = @note
            from actor a
            where c.id = @claimId and c.status = 'pending' and a.id = c.actor_id
            returning c.id, c.actor_id, a.name as actor_name, c.name, c.email, c.role, c.status
            """,
            new { claimId, status = approve ? "approved" : "rejected", deciderId, now, note = string.IsNullOrWhiteSpace(note) ? null : note.Trim() },
            transaction,
            cancellationToken: cancellationToken));
        if (claim is null)
        {
            var decided = await connection.QueryFirstOrDefaultAsync<ClaimDetail>(new CommandDefinition(
                """
                select c.id, c.actor_id, '' as actor_name, c.name, c.email, c.role, c.status, d.display_name as decided_by_name
                from actor_claim c left join account d on d.id = c.decided_by where c.id = @claimId
                """,
                new { claimId },
                transaction,
                cancellationToken: cancellationToken));
            return decided is null
                ? new DecisionOutcome(DecisionResult.NotFound)
                : new DecisionOutcome(DecisionResult.AlreadyDecided, $"Cette demande a déjà été traitée ({(decided.Status == "approved" ? "acceptée" : "refusée")}{(decided.DecidedByName is { } by ? $" par {by}" : string.Empty)}). Rien n'a été modifié.");
        }

        if (approve)
        {
            await Invitations.CreateAsync(connection, transaction, new InvitationRequest(
                Invitations.Representative, claim.Email, claim.ActorId, null, null, null, deciderId,
                $"représenter « {claim.ActorName} » sur le portail de l'Ocim et tenir sa fiche à jour, comme vous l'avez demandé"),
                now, siteUrl, deciderName, requestId, cancellationToken);
        }
        else
        {
            var body = $"Bonjour {claim.Name},\n\nMerci de votre demande concernant la fiche « {claim.ActorName} » sur le portail de l'Ocim. "
                + "Nous ne pouvons pas y donner suite pour l'instant : nous n'avons pas pu vérifier que vous représentez cette structure.\n";
            if (!string.IsNullOrWhiteSpace(note))
            {
                body += $"\n{note.Trim()}\n";
            }

            body += "\nSi vous pensez qu'il s'agit d'une erreur, répondez à l'équipe de l'Ocim depuis l'adresse électronique de la structure.\n\nL'équipe du portail Ocim\n";
            await Outbox.EnqueueAsync(connection, transaction, new MailRequest("claim-rejected", claim.Email, "Votre demande sur le portail de l'Ocim", body), cancellationToken);
        }

        await AuditTrail.WriteAsync(connection, transaction, new AuditEntry(
            approve ? "actor.claim.approved" : "actor.claim.rejected", "actor", claim.ActorId, deciderId,
            new Dictionary<string, object> { ["claim"] = claimId }, Message: note), requestId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return DecisionOutcome.Done;
    }
}
