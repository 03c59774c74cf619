using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Ocim.Portal.Features.Accounts;
using Ocim.Portal.Features.Audit;

namespace Ocim.Portal.Features.Curation;

/// <summary>Freshness: the dashboard (/gestion/fraicheur), the listings of one state, « marquer comme vérifiée ».</summary>
[Authorize(Policy = PortalPolicies.Staff)]
public sealed class FreshnessController(NpgsqlDataSource dataSource, ActorAccess access, TimeProvider clock) : Controller
{
    [HttpGet("/gestion/fraicheur")]
    public async Task<IActionResult> Index([FromQuery(Name = "region")] string? region, [FromServices] SummariseFreshness summarise, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var scope = await CuratorScope.ReadAsync(connection, User, cancellationToken);
        var dashboard = await summarise.SummariseAsync(scope, string.IsNullOrWhiteSpace(region) ? null : region, cancellationToken);
        return View("/Features/Curation/Freshness.cshtml", dashboard);
    }

    [HttpGet("/gestion/fraicheur/fiches")]
    public async Task<IActionResult> List(
        [FromQuery(Name = "etat")] string? state,
        [FromQuery(Name = "region")] string? region,
        [FromQuery(Name = "departement")] string? department,
        [FromQuery(Name = "cercle")] short? circle,
        [FromQuery(Name = "page")] int page,
        [FromServices] SummariseFreshness summarise,
        CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (!FreshnessState.IsKnown(state ?? FreshnessState.Stale) || circle is < 1 or > 3)
        {
            return BadRequest("Filtre inconnu : etat vaut a-jour, a-verifier ou jamais ; cercle vaut 1, 2 ou 3.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var scope = await CuratorScope.ReadAsync(connection, User, cancellationToken);
        var filter = new FreshnessFilter(state ?? FreshnessState.Stale, Blank(region), Blank(department), circle, Math.Clamp(page, 1, 10_000));
        return View("/Features/Curation/FreshnessList.cshtml", await summarise.ListAsync(scope, filter, cancellationToken));
    }

    /// <summary>« Marquer comme vérifiée »: verified now, by this account (audited). 404 outside the curator's scope.</summary>
    [HttpPost("/gestion/acteurs/{id:long}/verifiee")]
    public async Task<IActionResult> MarkVerified(long id, [FromForm(Name = "retour")] string? back, CancellationToken cancellationToken)
    {
        if (!await access.CanEditAsync(User, id, cancellationToken))
        {
            return NotFound();
        }

        var accountId = ActorAccess.AccountId(User);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var by = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "select display_name from account where id = @accountId", new { accountId }, transaction, cancellationToken: cancellationToken));
        var before = await connection.QuerySingleOrDefaultAsync<(DateTime? VerifiedAt, string? VerifiedBy)?>(new CommandDefinition(
            "select verified_at, verified_by from actor where id = @id and status <> 'archived' for update",
            new { id }, transaction, cancellationToken: cancellationToken));
        if (before is null)
        {
            return NotFound();
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "update actor set verified_at = @now, verified_by = @by, updated_at = now() where id = @id",
            new { id, now, by }, transaction, cancellationToken: cancellationToken));
        await AuditTrail.WriteAsync(connection, transaction, new AuditEntry(
            "actor.verified", "actor", id, accountId,
            new Dictionary<string, object?>
            {
                ["verified_at"] = new { old = before.Value.VerifiedAt, @new = now.UtcDateTime },
                ["verified_by"] = new { old = before.Value.VerifiedBy, @new = by },
            },
            Message: "Fiche marquée comme vérifiée."),
            HttpContext.TraceIdentifier, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        TempData["Message"] = "La fiche est marquée comme vérifiée aujourd'hui.";
        var local = back is not null && back.StartsWith("/gestion/", StringComparison.Ordinal) && !back.StartsWith("//", StringComparison.Ordinal) && Url.IsLocalUrl(back);
        return Redirect(local ? back! : "/gestion/fraicheur/fiches?etat=" + FreshnessState.Stale);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    internal static string Number(long value) => value.ToString("N0", CultureInfo.GetCultureInfo("fr-FR"));
}
