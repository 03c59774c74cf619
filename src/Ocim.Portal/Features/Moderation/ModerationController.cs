using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Ocim.Portal.Data;
using Ocim.Portal.Features.Accounts;
using Ocim.Portal.Features.Audit;
using Ocim.Portal.Features.Listings;

namespace Ocim.Portal.Features.Moderation;

/// <summary>
/// The curators' queue: pending changes of listings with their field-by-field diff, approve or reject; a listing's
/// history and restore. A curator sees only the listings of their scope; any other id answers 404.
/// </summary>
[Authorize(Policy = PortalPolicies.Staff)]
public sealed class ModerationController(ActorAccess access, ShowRevision showRevision, DecideRevision decide) : Controller
{
    [HttpGet("/gestion/moderation")]
    public async Task<IActionResult> Index(string? type, string? departement, [FromServices] ListPendingItems queue, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        var kind = type is ListPendingItems.Revisions or ListPendingItems.Claims or ListPendingItems.Events ? type : null;
        var department = departement is { Length: >= 2 and <= 3 } && departement.All(char.IsAsciiLetterOrDigit) ? departement.ToUpperInvariant() : null;
        var page = await queue.LoadAsync(Me, User.IsInRole(PortalRoles.Administrator), new QueueFilter(kind, department), cancellationToken);
        return View("Index", page);
    }

    [HttpGet("/gestion/moderation/modifications/{id:long}")]
    public async Task<IActionResult> Revision([FromRoute] long id, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        return await RevisionPageAsync(id, null, cancellationToken);
    }

    [HttpPost("/gestion/moderation/modifications/{id:long}/approuver")]
    public async Task<IActionResult> Approve([FromRoute] long id, DecisionForm form, CancellationToken cancellationToken)
    {
        if (!await MayDecideAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await RevisionPageAsync(id, null, cancellationToken);
        }

        return await OutcomeAsync(id, await decide.ApproveAsync(id, form.Version!.Value, Me, form.Message, HttpContext.TraceIdentifier, cancellationToken), "La modification est approuvée et publiée ; son auteur est prévenu.", cancellationToken);
    }

    [HttpPost("/gestion/moderation/modifications/{id:long}/rejeter")]
    public async Task<IActionResult> Reject([FromRoute] long id, DecisionForm form, CancellationToken cancellationToken)
    {
        if (!await MayDecideAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (string.IsNullOrWhiteSpace(form.Message))
        {
            ModelState.AddModelError(nameof(form.Message), "Expliquez en quelques mots pourquoi la modification n'est pas retenue : son auteur recevra ce message.");
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await RevisionPageAsync(id, null, cancellationToken);
        }

        return await OutcomeAsync(id, await decide.RejectAsync(id, form.Version!.Value, Me, form.Message!, HttpContext.TraceIdentifier, cancellationToken), "La modification est refusée ; son auteur est prévenu.", cancellationToken);
    }

    [HttpGet("/gestion/moderation/revendications/{id:long}")]
    public async Task<IActionResult> Claim([FromRoute] long id, [FromServices] DecideClaim claims, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        return await ClaimPageAsync(id, claims, null, cancellationToken);
    }

    [HttpPost("/gestion/moderation/revendications/{id:long}/approuver")]
    public Task<IActionResult> ApproveClaim([FromRoute] long id, ClaimDecisionForm form, [FromServices] DecideClaim claims, CancellationToken cancellationToken) =>
        DecideClaimAsync(id, approve: true, form, claims, cancellationToken);

    [HttpPost("/gestion/moderation/revendications/{id:long}/rejeter")]
    public Task<IActionResult> RejectClaim([FromRoute] long id, ClaimDecisionForm form, [FromServices] DecideClaim claims, CancellationToken cancellationToken) =>
        DecideClaimAsync(id, approve: false, form, claims, cancellationToken);

    [HttpGet("/gestion/acteurs/{id:long}/historique")]
    public async Task<IActionResult> History([FromRoute] long id, [FromServices] NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (!await access.CanEditAsync(User, id, cancellationToken))
        {
            return NotFound();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var state = await ListingFields.ReadAsync(connection, null, id, forUpdate: false, cancellationToken);
        if (state is null)
        {
            return NotFound();
        }

        var rows = await AuditTrail.HistoryAsync(connection, "actor", id, cancellationToken);
        return View("History", new HistoryPage(id, state.Fields["name"]!.GetValue<string>(), state.Version, rows));
    }

    [HttpPost("/gestion/acteurs/{id:long}/historique/{entry:long}/restaurer")]
    public async Task<IActionResult> Restore([FromRoute] long id, [FromRoute] long entry, RestoreForm form, [FromServices] RestoreListingVersion restore, CancellationToken cancellationToken)
    {
        if (!await access.CanEditAsync(User, id, cancellationToken))
        {
            return NotFound();
        }

        if (!ModelState.IsValid)
        {
            return BadRequest();
        }

        var outcome = await restore.RestoreAsync(id, entry, form.Version!.Value, Me, HttpContext.TraceIdentifier, cancellationToken);
        switch (outcome.Result)
        {
            case DecisionResult.Done:
                TempData["Message"] = "La version choisie est restaurée ; le retour en arrière figure dans l'historique.";
                return Redirect($"/gestion/acteurs/{id}/historique");
            case DecisionResult.NotFound:
                return NotFound();
            default:
                Response.StatusCode = outcome.Result == DecisionResult.Stale ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
                return View("Problem", new ProblemPage("Restauration impossible", outcome.Message!, $"/gestion/acteurs/{id}/historique"));
        }
    }

    private long Me => ActorAccess.AccountId(User)!.Value;

    private async Task<IActionResult> ClaimPageAsync(long id, DecideClaim claims, string? problem, CancellationToken cancellationToken)
    {
        if (await claims.LoadAsync(id, cancellationToken) is not { } claim || !await access.CanEditAsync(User, claim.ActorId, cancellationToken))
        {
            return NotFound();
        }

        return View("Claim", new ClaimDecisionPage(claim, problem));
    }

    private async Task<IActionResult> DecideClaimAsync(long id, bool approve, ClaimDecisionForm form, DecideClaim claims, CancellationToken cancellationToken)
    {
        if (await claims.LoadAsync(id, cancellationToken) is not { } claim || !await access.CanEditAsync(User, claim.ActorId, cancellationToken))
        {
            return NotFound();
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await ClaimPageAsync(id, claims, null, cancellationToken);
        }

        var siteUrl = HttpContext.RequestServices.GetRequiredService<Infrastructure.PublicSite>().Url;
        var outcome = await claims.DecideAsync(id, approve, Me, null, form.Message, siteUrl, HttpContext.TraceIdentifier, cancellationToken);
        switch (outcome.Result)
        {
            case DecisionResult.Done:
                TempData["Message"] = approve ? $"Une invitation est envoyée à {claim.Email}." : $"La demande est refusée ; {claim.Email} en est informé·e.";
                return Redirect("/gestion/moderation");
            case DecisionResult.NotFound:
                return NotFound();
            default:
                Response.StatusCode = StatusCodes.Status409Conflict;
                return await ClaimPageAsync(id, claims, outcome.Message, cancellationToken);
        }
    }

    private async Task<bool> MayDecideAsync(long revisionId, CancellationToken cancellationToken) =>
        await showRevision.ActorOfAsync(revisionId, cancellationToken) is { } actorId && await access.CanEditAsync(User, actorId, cancellationToken);

    private async Task<IActionResult> RevisionPageAsync(long id, string? problem, CancellationToken cancellationToken)
    {
        if (!await MayDecideAsync(id, cancellationToken) || await showRevision.LoadAsync(id, problem, cancellationToken) is not { } page)
        {
            return NotFound();
        }

        return View("Revision", page);
    }

    private async Task<IActionResult> OutcomeAsync(long id, DecisionOutcome outcome, string done, CancellationToken cancellationToken)
    {
        switch (outcome.Result)
        {
            case DecisionResult.Done:
                TempData["Message"] = done;
                return Redirect("/gestion/moderation");
            case DecisionResult.NotFound:
                return NotFound();
            default:
                Response.StatusCode = outcome.Result is DecisionResult.AlreadyDecided or DecisionResult.Stale ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
                return await RevisionPageAsync(id, outcome.Message, cancellationToken);
        }
    }
}

public sealed class DecisionForm
{
    [Required(ErrorMessage = "La page de décision est incomplète : rouvrez-la.")]
    public int? Version { get; set; }

    [DataType(DataType.MultilineText)]
    [StringLength(2000, ErrorMessage = "Le message tient en 2 000 caractères au plus.")]
    public string? Message { get; set; }
}

public sealed class ClaimDecisionForm
{
    [DataType(DataType.MultilineText)]
    [StringLength(2000, ErrorMessage = "Le message tient en 2 000 caractères au plus.")]
    public string? Message { get; set; }
}

public sealed record ClaimDecisionPage(ClaimDetail Claim, string? Problem);

public sealed class RestoreForm
{
    [Required]
    public long? Version { get; set; }
}

public sealed record HistoryPage(long ActorId, string ActorName, long Version, IReadOnlyList<AuditRow> Rows);

public sealed record ProblemPage(string Title, string Message, string BackHref);
