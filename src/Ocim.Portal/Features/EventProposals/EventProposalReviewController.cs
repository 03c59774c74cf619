using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Ocim.Portal.Features.Accounts;
using Ocim.Portal.Features.Moderation;
using Ocim.Portal.Infrastructure;

namespace Ocim.Portal.Features.EventProposals;

/// <summary>
/// The curators' side of event proposals, reached from the moderation queue: read what would be published, publish
/// it or reject it with a message. A curator limited to a region or department gets 404 for the events of listings
/// outside it (the scope is the organising listing's, as for its changes).
/// </summary>
[Authorize(Policy = PortalPolicies.Staff)]
public sealed class EventProposalReviewController(ActorAccess access, ShowEventProposal show, DecideEventProposal decide) : Controller
{
    [HttpGet("/gestion/moderation/evenements/{id:long}")]
    public async Task<IActionResult> Review([FromRoute] long id, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        return await PageAsync(id, null, cancellationToken);
    }

    [HttpPost("/gestion/moderation/evenements/{id:long}/approuver")]
    public async Task<IActionResult> Approve([FromRoute] long id, DecisionForm form, CancellationToken cancellationToken)
    {
        if (!await MayDecideAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await PageAsync(id, null, cancellationToken);
        }

        return await OutcomeAsync(id, await decide.ApproveAsync(id, form.Version!.Value, Me, form.Message, SiteUrl(), HttpContext.TraceIdentifier, cancellationToken),
            "L'événement est publié ; son auteur est prévenu.", cancellationToken);
    }

    [HttpPost("/gestion/moderation/evenements/{id:long}/rejeter")]
    public async Task<IActionResult> Reject([FromRoute] long id, DecisionForm form, CancellationToken cancellationToken)
    {
        if (!await MayDecideAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (string.IsNullOrWhiteSpace(form.Message))
        {
            ModelState.AddModelError(nameof(form.Message), "Expliquez en quelques mots pourquoi l'événement n'est pas retenu : son auteur recevra ce message.");
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await PageAsync(id, null, cancellationToken);
        }

        return await OutcomeAsync(id, await decide.RejectAsync(id, form.Version!.Value, Me, form.Message!, SiteUrl(), HttpContext.TraceIdentifier, cancellationToken),
            "La proposition d'événement est refusée ; son auteur est prévenu.", cancellationToken);
    }

    private long Me => ActorAccess.AccountId(User)!.Value;

    private string SiteUrl() => HttpContext.RequestServices.GetRequiredService<Infrastructure.PublicSite>().Url;

    private async Task<bool> MayDecideAsync(long id, CancellationToken cancellationToken) =>
        await show.StateAsync(id, cancellationToken) is { } proposal && await access.CanEditAsync(User, proposal.ActorId, cancellationToken);

    private async Task<IActionResult> PageAsync(long id, string? problem, CancellationToken cancellationToken)
    {
        if (await show.StateAsync(id, cancellationToken) is not { } proposal
            || !await access.CanEditAsync(User, proposal.ActorId, cancellationToken)
            || await show.EventAsync(proposal.EventId, cancellationToken) is not { } entity)
        {
            return NotFound();
        }

        var themes = await show.ThemesAsync(cancellationToken);
        var labels = entity.Themes.Select(t => themes.FirstOrDefault(c => c.Value == t)?.Label ?? t).ToList();
        return View("/Features/EventProposals/Review.cshtml", new ProposalReviewPage(proposal, entity, SafeMarkdown.ToHtml(entity.About), labels, problem));
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
                Response.StatusCode = StatusCodes.Status409Conflict;
                return await PageAsync(id, outcome.Message, cancellationToken);
        }
    }
}
