using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Ocim.Portal.Features.Accounts;

namespace Ocim.Portal.Features.EventProposals;

/// <summary>
/// A representative proposes events for the listings they speak for (/compte/fiches/{id}/evenements/…), and edits a
/// proposal while it waits for a curator. Who may is <see cref="ActorAccess.CanEditAsync"/> on the listing of the
/// route; a proposal of another listing answers 404, whatever the id (QUALITY S2).
/// </summary>
[Authorize]
public sealed class EventProposalsController(ActorAccess access, ShowEventProposal show) : Controller
{
    [HttpGet("/compte/fiches/{id:long}/evenements/nouveau")]
    public async Task<IActionResult> New([FromRoute] long id, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (!await access.CanEditAsync(User, id, cancellationToken))
        {
            return NotFound();
        }

        return await PageAsync(id, null, new EventProposalForm { Kind = "atelier" }, null, cancellationToken);
    }

    [HttpPost("/compte/fiches/{id:long}/evenements/nouveau")]
    public async Task<IActionResult> Create([FromRoute] long id, [FromForm] EventProposalForm form, [FromServices] SubmitEventProposal submit, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (!await access.CanEditAsync(User, id, cancellationToken))
        {
            return NotFound();
        }

        var publishAtOnce = await access.PublishesAtOnceAsync(User, id, cancellationToken);
        var outcome = await submit.RunAsync(id, null, form, ActorAccess.AccountId(User)!.Value, publishAtOnce, HttpContext.TraceIdentifier, ModelState, cancellationToken);
        return await OutcomeAsync(id, null, form, outcome, cancellationToken);
    }

    [HttpGet("/compte/fiches/{id:long}/evenements/{proposalId:long}")]
    public async Task<IActionResult> Edit([FromRoute] long id, [FromRoute] long proposalId, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (await ProposalOfAsync(id, proposalId, cancellationToken) is not { } proposal
            || await show.EventAsync(proposal.EventId, cancellationToken) is not { } entity)
        {
            return NotFound();
        }

        return await PageAsync(id, proposal, EventProposalForm.From(entity, id, proposal.Version), null, cancellationToken);
    }

    [HttpPost("/compte/fiches/{id:long}/evenements/{proposalId:long}")]
    public async Task<IActionResult> Update([FromRoute] long id, [FromRoute] long proposalId, [FromForm] EventProposalForm form, [FromServices] SubmitEventProposal submit, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (await ProposalOfAsync(id, proposalId, cancellationToken) is not { } proposal)
        {
            return NotFound();
        }

        var outcome = await submit.RunAsync(id, proposalId, form, ActorAccess.AccountId(User)!.Value, publishAtOnce: false, HttpContext.TraceIdentifier, ModelState, cancellationToken);
        return await OutcomeAsync(id, proposal, form, outcome, cancellationToken);
    }

    /// <summary>The proposal when it belongs to the listing of the route and the account may edit that listing.</summary>
    private async Task<ProposalState?> ProposalOfAsync(long actorId, long proposalId, CancellationToken cancellationToken) =>
        await access.CanEditAsync(User, actorId, cancellationToken) && await show.StateAsync(proposalId, cancellationToken) is { } proposal && proposal.ActorId == actorId
            ? proposal
            : null;

    private async Task<IActionResult> OutcomeAsync(long id, ProposalState? proposal, EventProposalForm form, SubmitOutcome outcome, CancellationToken cancellationToken)
    {
        switch (outcome.Result)
        {
            case SubmitResult.Pending:
                TempData["Message"] = proposal is null
                    ? "Votre proposition d'événement est enregistrée : l'équipe de l'Ocim la relira avant publication. Vous serez prévenu·e par e-mail."
                    : "Votre proposition est modifiée ; elle attend toujours la relecture de l'équipe de l'Ocim.";
                return Redirect("/compte/fiches");
            case SubmitResult.Published:
                TempData["Message"] = "Votre événement est publié.";
                return Redirect("/compte/fiches");
            case SubmitResult.NotFound:
                return NotFound();
            case SubmitResult.AlreadyDecided:
                Response.StatusCode = StatusCodes.Status409Conflict;
                return await PageAsync(id, await show.StateAsync(outcome.ProposalId!.Value, cancellationToken), form,
                    "L'équipe de l'Ocim a traité cette proposition entre-temps : elle ne peut plus être modifiée, et vos saisies n'ont pas été enregistrées.", cancellationToken);
            case SubmitResult.Stale:
                Response.StatusCode = StatusCodes.Status409Conflict;
                return await PageAsync(id, proposal, form,
                    "La proposition a été modifiée depuis que vous avez ouvert ce formulaire (dans un autre onglet ?). Rouvrez-la pour repartir de sa version actuelle : vos saisies ci-dessous n'ont pas été enregistrées.", cancellationToken);
            default:
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return await PageAsync(id, proposal, form, null, cancellationToken);
        }
    }

    private async Task<IActionResult> PageAsync(long id, ProposalState? proposal, EventProposalForm form, string? problem, CancellationToken cancellationToken)
    {
        if (await show.ListingAsync(id, cancellationToken) is not { } listing)
        {
            return NotFound();
        }

        var publishesAtOnce = proposal is null && await access.PublishesAtOnceAsync(User, id, cancellationToken);
        return View("/Features/EventProposals/Propose.cshtml",
            new ProposalPage(id, listing.Name, listing.Place, proposal, form, await show.ThemesAsync(cancellationToken), publishesAtOnce, problem));
    }
}
