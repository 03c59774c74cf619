using System.ComponentModel.DataAnnotations;
using Dapper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Ocim.Portal.Features.Accounts;
using Ocim.Portal.Features.Audit;

namespace Ocim.Portal.Features.Curation;

public sealed class OpenReport
{
    public long Id { get; init; }
    public long ActorId { get; init; }
    public required string ActorName { get; init; }
    public required string Kind { get; init; }
    public required string Message { get; init; }
    public string? Email { get; init; }
    public DateTime CreatedAt { get; init; }
}

public sealed record OpenReportsPage(IReadOnlyList<OpenReport> Reports, bool HasNext, int Page);

/// <summary>The visitors' reports waiting for a curator (/gestion/signalements): oldest first, within the curator's scope.</summary>
[Authorize(Policy = PortalPolicies.Staff)]
public sealed class ReportQueueController(NpgsqlDataSource dataSource, ActorAccess access) : Controller
{
    private const int PageSize = 50;

    [HttpGet("/gestion/signalements")]
    public async Task<IActionResult> Index([FromQuery] int page, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        page = Math.Clamp(page, 1, 10_000);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var scope = await CuratorScope.ReadAsync(connection, User, cancellationToken);
        var rows = (await connection.QueryAsync<OpenReport>(new CommandDefinition(
            $"""
            select r.id, r.actor_id, a.name as actor_name, r.kind, r.message, r.email, r.created_at
            from actor_report r join actor a on a.id = r.actor_id
            where r.status = 'ouvert' and {CuratorScope.Condition("a")}
            order by r.created_at, r.id
            limit @limit offset @offset
            """,
            new { scopeRegion = scope.RegionCode, scopeDepartment = scope.DepartmentCode, limit = PageSize + 1, offset = (page - 1) * PageSize },
            cancellationToken: cancellationToken))).AsList();
        return View("/Features/Curation/Reports.cshtml", new OpenReportsPage(rows.Take(PageSize).ToList(), rows.Count > PageSize, page));
    }

    /// <summary>« Traité » or « rejeté », with a note; only an open report can be closed, once.</summary>
    [HttpPost("/gestion/signalements/{id:long}")]
    public async Task<IActionResult> Handle(long id, [FromForm(Name = "decision")] string? decision, [FromForm(Name = "note"), DataType(DataType.MultilineText)] string? note, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var actorId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "select actor_id from actor_report where id = @id", new { id }, cancellationToken: cancellationToken));
        if (actorId is null || !await access.CanEditAsync(User, actorId.Value, cancellationToken))
        {
            return NotFound();
        }

        if (decision is not ("traite" or "rejete"))
        {
            return BadRequest("Choisissez « traité » ou « rejeté ».");
        }

        if (note is { Length: > 4000 })
        {
            return BadRequest("La note est limitée à 4 000 caractères.");
        }

        var accountId = ActorAccess.AccountId(User);
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var closed = await connection.ExecuteAsync(new CommandDefinition(
            """
            update actor_report set status = @decision, note = @note, handled_at = now(), handled_by = @accountId
            where id = @id and status = 'ouvert'
            """,
            new { id, decision, note, accountId }, transaction, cancellationToken: cancellationToken));
        if (closed == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            TempData["Message"] = "Ce signalement avait déjà été traité par quelqu'un d'autre : rien n'a changé.";
            return Redirect("/gestion/signalements");
        }

        await AuditTrail.WriteAsync(connection, transaction, new AuditEntry(
            decision == "traite" ? "actor_report.handled" : "actor_report.rejected", "actor_report", id, accountId,
            new Dictionary<string, object?> { ["status"] = new { old = "ouvert", @new = decision }, ["actor_id"] = actorId },
            Message: note),
            HttpContext.TraceIdentifier, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        TempData["Message"] = decision == "traite" ? "Signalement marqué comme traité." : "Signalement rejeté.";
        return Redirect("/gestion/signalements");
    }
}
