using Dapper;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Ocim.Portal.Data;
using Ocim.Portal.Features.Audit;
using Ocim.Portal.Features.Events;

namespace Ocim.Portal.Features.EventProposals;

public enum SubmitResult
{
    Invalid,
    Pending,
    Published,
    NotFound,
    AlreadyDecided,
    Stale,
}

public sealed record SubmitOutcome(SubmitResult Result, long? ProposalId = null);

/// <summary>
/// A representative proposes an event for their listing, or edits their proposal while it is pending. The event is
/// written through EF in status draft (hidden everywhere public) with its sessions, and the proposal row beside it, in
/// one transaction. A trusted representative's (or a staff member's) proposal is published in the same transaction
/// and audited as such. The organiser is the listing of the route, whatever was posted.
/// </summary>
public sealed class SubmitEventProposal(PortalDbContext db, TimeProvider clock)
{
    public async Task<SubmitOutcome> RunAsync(
        long actorId,
        long? proposalId,
        EventProposalForm form,
        long accountId,
        bool publishAtOnce,
        string? requestId,
        ModelStateDictionary modelState,
        CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var actorName = await db.Database.SqlQuery<string>($"select name as \"Value\" from actor where id = {actorId}").SingleOrDefaultAsync(cancellationToken);
        if (actorName is null)
        {
            return new SubmitOutcome(SubmitResult.NotFound);
        }

        var now = clock.GetUtcNow();
        var sessions = form.Validate(actorId, actorName, now, modelState);
        await CheckReferencesAsync(form, modelState, cancellationToken);
        if (!modelState.IsValid)
        {
            return new SubmitOutcome(SubmitResult.Invalid);
        }

        // A slug taken between the check and the insert (two proposals with the same title at once): try the next one.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await WriteAsync(connection, actorId, actorName, proposalId, form, sessions, accountId, publishAtOnce, attempt, now, requestId, cancellationToken);
            }
            catch (DbUpdateException e) when (attempt < 3 && e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "event_slug_key" })
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<SubmitOutcome> WriteAsync(
        NpgsqlConnection connection,
        long actorId,
        string actorName,
        long? proposalId,
        EventProposalForm form,
        List<ProposedSession> sessions,
        long accountId,
        bool publishAtOnce,
        int attempt,
        DateTimeOffset now,
        string? requestId,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var tx = (NpgsqlTransaction)transaction.GetDbTransaction();
        Event entity;
        if (proposalId is { } id)
        {
            // The row lock orders this edit with a curator's decision: whichever comes second sees the first.
            var proposal = await connection.QuerySingleOrDefaultAsync<LockedProposal>(new CommandDefinition(
                "select event_id, actor_id, status, version from event_proposal where id = @id for update", new { id }, tx, cancellationToken: cancellationToken));
            if (proposal is null || proposal.ActorId != actorId)
            {
                return new SubmitOutcome(SubmitResult.NotFound);
            }

            if (proposal.Status != "pending")
            {
                return new SubmitOutcome(SubmitResult.AlreadyDecided, id);
            }

            if (form.Version != proposal.Version)
            {
                return new SubmitOutcome(SubmitResult.Stale, id);
            }

            var found = await db.Events.SingleOrDefaultAsync(e => e.Id == proposal.EventId, cancellationToken);
            if (found is null)
            {
                return new SubmitOutcome(SubmitResult.NotFound);
            }

            entity = found;
            form.ToEventForm(actorId, actorName, EventStatus.Draft).ApplyTo(entity);
            entity.Slug = await FreeSlugAsync(connection, tx, form.Title!, entity.Id, attempt, cancellationToken);
            // Nobody can register to a draft: its sessions are replaced as a whole, as typed.
            await db.EventSessions.Where(s => s.EventId == entity.Id).ExecuteDeleteAsync(cancellationToken);
            entity.Sessions.AddRange(sessions.Select(ToSession));
            await db.SaveChangesAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "update event_proposal set version = version + 1, updated_at = @now where id = @id", new { id, now }, tx, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return new SubmitOutcome(SubmitResult.Pending, id);
        }

        var status = publishAtOnce ? EventStatus.Published : EventStatus.Draft;
        entity = new Event { Slug = string.Empty, Kind = form.Kind!, Title = form.Title!, OrganiserName = actorName };
        form.ToEventForm(actorId, actorName, status).ApplyTo(entity);
        entity.Slug = await FreeSlugAsync(connection, tx, form.Title!, 0, attempt, cancellationToken);
        entity.Sessions.AddRange(sessions.Select(ToSession));
        db.Events.Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        var created = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            insert into event_proposal (event_id, actor_id, proposed_by, proposed_at, updated_at, status, decided_by, decided_at)
            values (@eventId, @actorId, @accountId, @now, @now, @status, case when @published then @accountId end, case when @published then @now end)
            returning id
            """,
            new { eventId = entity.Id, actorId, accountId, now, status = publishAtOnce ? "published" : "pending", published = publishAtOnce },
            tx,
            cancellationToken: cancellationToken));
        if (publishAtOnce)
        {
            await AuditTrail.WriteAsync(connection, tx, new AuditEntry(
                "event.proposal.published", "event", entity.Id, accountId,
                Snapshot: new { proposal = created, actor = actorId, entity.Slug, entity.Title, entity.Status },
                Message: "Publié dès sa proposition (représentant de confiance ou équipe)"), requestId, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new SubmitOutcome(publishAtOnce ? SubmitResult.Published : SubmitResult.Pending, created);
    }

    private async Task CheckReferencesAsync(EventProposalForm form, ModelStateDictionary modelState, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        if (form.Venue == EventProposalForm.AtAddress && !string.IsNullOrWhiteSpace(form.CommuneCode) && modelState[nameof(form.CommuneCode)] is not { Errors.Count: > 0 }
            && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition("select exists (select from commune where code = @code)", new { code = form.CommuneCode.Trim() }, cancellationToken: cancellationToken)))
        {
            modelState.AddModelError(nameof(form.CommuneCode), "Aucune commune n'a ce code INSEE.");
        }

        var themes = form.Themes.Where(t => !string.IsNullOrWhiteSpace(t)).Distinct(StringComparer.Ordinal).ToArray();
        if (themes.Length > 0)
        {
            var known = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "select count(*) from actor_vocabulary where kind = 'theme' and slug = any(@themes)", new { themes }, cancellationToken: cancellationToken));
            if (known != themes.Length)
            {
                modelState.AddModelError(nameof(form.Themes), "Choisissez les thèmes dans la liste.");
            }
        }
    }

    /// <summary>The title's slug, or the same followed by -2, -3…: the first that no other event has.</summary>
    private static async Task<string> FreeSlugAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string title, long ownId, int attempt, CancellationToken cancellationToken)
    {
        var stem = EventForm.Slugify(title);
        if (attempt > 0)
        {
            stem = $"{stem}-{Guid.NewGuid().ToString("N")[..6]}";
        }

        var taken = (await connection.QueryAsync<string>(new CommandDefinition(
            "select slug from event where (slug = @stem or slug like @prefix) and id <> @ownId", new { stem, prefix = stem + "-%", ownId }, transaction, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        if (!taken.Contains(stem))
        {
            return stem;
        }

        for (var n = 2; ; n++)
        {
            var candidate = $"{stem}-{n}";
            if (!taken.Contains(candidate))
            {
                return candidate;
            }
        }
    }

    private static EventSession ToSession(ProposedSession session) => new()
    {
        StartsAt = EventTime.FromParis(session.StartsAtParis),
        EndsAt = EventTime.FromParis(session.EndsAtParis),
        Capacity = session.Capacity,
    };

    private sealed class LockedProposal
    {
        public long EventId { get; init; }
        public long ActorId { get; init; }
        public required string Status { get; init; }
        public int Version { get; init; }
    }
}
