using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Ocim.Portal.Features.Accounts;

namespace Ocim.Portal.Features.Events;

/// <summary>Staff actions on one registrant of an event (/gestion/evenements/{id}/inscrits/…), curators and administrators only.</summary>
[Authorize(Policy = PortalPolicies.Staff)]
[Route("/gestion/evenements/{id:long}/inscrits")]
public sealed class StaffRegistrantsController : Controller
{
    [HttpPost("{registrationId:long}/annuler")]
    public async Task<IActionResult> Cancel(long id, long registrationId, [FromServices] CancelRegistrant cancel, [FromServices] Infrastructure.PublicSite site, CancellationToken cancellationToken)
    {
        var result = await cancel.RunAsync(id, registrationId, site.Url, cancellationToken);
        if (result == CancellationResult.NotFound)
        {
            return NotFound();
        }

        if (result == CancellationResult.Busy)
        {
            Response.Headers.RetryAfter = "5";
        }

        TempData["message"] = result switch
        {
            CancellationResult.Cancelled => "L'inscription est annulée ; la personne en est prévenue par courriel et, si elle avait une place, la première personne de la liste d'attente la reçoit.",
            CancellationResult.AlreadyCancelled => "Cette inscription était déjà annulée.",
            _ => "Le service est très sollicité : l'annulation n'a pas pu être enregistrée. Réessayez dans quelques secondes.",
        };
        Response.Headers.Location = $"/gestion/evenements/{id}/inscrits";
        return StatusCode(StatusCodes.Status303SeeOther);
    }
}
