using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using Ocim.Portal.Features.Audit;
using Ocim.Portal.Features.Listings;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Features.Moderation;

public enum DecisionResult
{
    Done,
    NotFound,
    AlreadyDecided,
    Stale,
    Invalid,
}

/// <summary>How a decision went; <see cref="Message"/> is the French explanation shown when it did not.</summary>
public sealed record DecisionOutcome(DecisionResult Result, string? Message = null)
{
    public static readonly DecisionOutcome Done = new(DecisionResult.Done);
}

/// <summary>
/// Approves or rejects a pending revision. Each decision is one transaction: the revision's transition (guarded by
/// <c>status = 'pending' and version = @seen</c>, so that of two curators deciding at once exactly one succeeds), the
/// listing's update, its audit row and the e-mail to the proposer. A revision based on an older version of the
/// listing (its xmin moved since) is refused: applying it would silently undo the change made in between.
/// </summary>
public sealed class DecideRevision(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<DecisionOutcome> ApproveAsync(long revisionId, int seenVersion, long deciderId, string? note, string? requestId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var outcome = await ApproveInTransactionAsync(connection, transaction, revisionId, seenVersion, deciderId, note, automatic: false, clock.GetUtcNow(), requestId, cancellationToken);
        if (outcome.Result == DecisionResult.Done)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return outcome;
    }

    public async Task<DecisionOutcome> RejectAsync(long revisionId, int seenVersion, long deciderId, string note, string? requestId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var revision = await TransitionAsync(connection, transaction, revisionId, seenVersion, "rejected", deciderId, note, now, cancellationToken);
        if (revision is null)
        {
            return await AlreadyDecidedAsync(connection, transaction, revisionId, cancellationToken);
        }

        await AuditTrail.WriteAsync(connection, transaction, new AuditEntry(
            "actor.revision.rejected", "actor", revision.ActorId, deciderId,
            new Dictionary<string, object> { ["revision"] = revisionId }, Message: note), requestId, cancellationToken);
        await TellProposerAsync(connection, transaction, revision, approved: false, note, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return DecisionOutcome.Done;
    }

    /// <summary>
    /// The approval inside the caller's transaction (the caller commits when Done, and must roll back otherwise).
    /// Automatic: a trusted representative's or a curator's own change, published at once without an e-mail.
    /// </summary>
    internal static async Task<DecisionOutcome> ApproveInTransactionAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        long revisionId,
        int seenVersion,
        long deciderId,
        string? note,
        bool automatic,
        DateTimeOffset now,
        string? requestId,
        CancellationToken cancellationToken)
    {
        var revision = await TransitionAsync(connection, transaction, revisionId, seenVersion, "approved", deciderId, note, now, cancellationToken);
        if (revision is null)
        {
            return await AlreadyDecidedAsync(connection, transaction, revisionId, cancellationToken);
        }

        var before = await ListingFields.ReadAsync(connection, transaction, revision.ActorId, forUpdate: true, cancellationToken);
        if (before is null)
        {
            return new DecisionOutcome(DecisionResult.NotFound);
        }

        if (before.Version != revision.BaseVersion)
        {
            return new DecisionOutcome(DecisionResult.Stale,
                "La fiche a été modifiée depuis que cette proposition a été faite : l'appliquer effacerait la modification intermédiaire. "
                + "Refusez-la en expliquant pourquoi, ou rouvrez la fiche pour y reporter les changements encore utiles.");
        }

        // The first change made through the portal records the listing as it was (imported), so that it can be restored.
        var hasSnapshot = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select from audit_log where entity = 'actor' and entity_id = @actorId and snapshot is not null)",
            new { actorId = revision.ActorId },
            transaction,
            cancellationToken: cancellationToken));
        if (!hasSnapshot)
        {
            await AuditTrail.WriteAsync(connection, transaction, new AuditEntry(
                "actor.baseline.recorded", "actor", revision.ActorId, null, null, before.Fields,
                "État de la fiche avant sa première modification sur le portail"), requestId, cancellationToken);
        }

        var proposed = (JsonObject)JsonNode.Parse(revision.Fields)!;
        var changes = ListingFields.Diff(before.Fields, proposed);
        try
        {
            await ListingFields.ApplyAsync(connection, transaction, revision.ActorId, proposed, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is "OC001" or "OC002" or "23514")
        {
            return new DecisionOutcome(DecisionResult.Invalid, "La fiche ne peut pas prendre ces valeurs : " + e.MessageText);
        }

        var after = await ListingFields.ReadAsync(connection, transaction, revision.ActorId, forUpdate: false, cancellationToken);
        await AuditTrail.WriteAsync(connection, transaction, new AuditEntry(
            automatic ? "actor.revision.published" : "actor.revision.approved", "actor", revision.ActorId, deciderId,
            ListingFields.AuditChanges(changes), after!.Fields, note), requestId, cancellationToken);
        if (!automatic)
        {
            await TellProposerAsync(connection, transaction, revision, approved: true, note, cancellationToken);
        }

        return DecisionOutcome.Done;
    }

    private static Task<RevisionRow?> TransitionAsync(DbConnection connection, DbTransaction transaction, long revisionId, int seenVersion, string status, long deciderId, string? note, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.QueryFirstOrDefaultAsync<RevisionRow>(new CommandDefinition(
            """
            update actor_revision
            set status = @status, decided_by = @deciderId, decided_at = @now, decision_note = @note, version = version + 1
            where id = @revisionId and status = 'pending' and version = @seenVersion
            returning id, actor_id, fields::text as fields, base_version, proposed_by
            """,
            new { revisionId, seenVersion, status, deciderId, now, note = string.IsNullOrWhiteSpace(note) ? null : note.Trim() },
            transaction,
            cancellationToken: cancellationToken));

    private static async Task<DecisionOutcome> AlreadyDecidedAsync(DbConnection connection, DbTransaction transaction, long revisionId, CancellationToken cancellationToken)
    {
        var found = await connection.QueryFirstOrDefaultAsync<DecidedRow>(new CommandDefinition(
            """
            select r.status, a.display_name as decider
            from actor_revision r left join account a on a.id = r.decided_by
            where r.id = @revisionId
            """,
            new { revisionId },
            transaction,
            cancellationToken: cancellationToken));
        if (found is null)
        {
            return new DecisionOutcome(DecisionResult.NotFound);
        }

        var what = found.Status switch
        {
            "approved" => "approuvée",
            "rejected" => "refusée",
            "superseded" => "remplacée par une proposition plus récente",
            _ => "modifiée",
        };
        var by = found.Decider is null || found.Status == "superseded" ? string.Empty : $" par {found.Decider}";
        return new DecisionOutcome(DecisionResult.AlreadyDecided, $"Cette proposition a déjà été traitée : {what}{by}. Rien n'a été modifié.");
    }

    private static async Task TellProposerAsync(DbConnection connection, DbTransaction transaction, RevisionRow revision, bool approved, string? note, CancellationToken cancellationToken)
    {
        var found = await connection.QueryFirstOrDefaultAsync<RecipientRow>(new CommandDefinition(
            "select u.email, a.name as actor_name from account u, actor a where u.id = @proposer and a.id = @actor and u.disabled_at is null",
            new { proposer = revision.ProposedBy, actor = revision.ActorId },
            transaction,
            cancellationToken: cancellationToken));
        if (found?.Email is not { } email || !MailAddressRules.IsValid(email))
        {
            return;
        }

        var body = approved
            ? $"Bonjour,\n\nVotre proposition de modification de la fiche « {found.ActorName} » a été acceptée par l'équipe de l'Ocim : elle est publiée.\n"
            : $"Bonjour,\n\nVotre proposition de modification de la fiche « {found.ActorName} » n'a pas été retenue par l'équipe de l'Ocim.\n";
        if (!string.IsNullOrWhiteSpace(note))
        {
            body += $"\nMessage de l'équipe :\n{note.Trim()}\n";
        }

        body += "\nVous pouvez suivre vos propositions depuis la page « Mes fiches » de votre compte.\n\nL'équipe du portail Ocim\n";
        await Outbox.EnqueueAsync(connection, transaction, new MailRequest(
            approved ? "revision-approved" : "revision-rejected",
            email,
            approved ? $"Modification acceptée : {Subject(found.ActorName)}" : $"Modification non retenue : {Subject(found.ActorName)}",
            body,
            DeduplicationKey: string.Create(CultureInfo.InvariantCulture, $"revision-decided:{revision.Id}")), cancellationToken);
    }

    private static string Subject(string name) => name.ReplaceLineEndings(" ") is { Length: > 200 } longName ? longName[..200] + "…" : name.ReplaceLineEndings(" ");

    private sealed class RevisionRow
    {
        public long Id { get; init; }
        public long ActorId { get; init; }
        public required string Fields { get; init; }
        public long BaseVersion { get; init; }
        public long? ProposedBy { get; init; }
    }

    private sealed class DecidedRow
    {
        public required string Status { get; init; }
        public string? Decider { get; init; }
    }

    private sealed class RecipientRow
    {
        public string? Email { get; init; }
        public required string ActorName { get; init; }
    }
}
