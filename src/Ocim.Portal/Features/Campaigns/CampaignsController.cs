using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Ocim.Portal.Features.Accounts;
using Ocim.Portal.Features.Territories;
using Ocim.Portal.Infrastructure.Http;

namespace Ocim.Portal.Features.Campaigns;

/// <summary>
/// Survey campaigns: the staff pages (/gestion/campagnes…) and the questionnaire behind each personal link
/// (/questionnaire/{token}, no account needed: the link is the credential).
/// </summary>
public sealed class CampaignsController(
    ManageCampaigns campaigns,
    CampaignStatistics statistics,
    AnswerQuestionnaire questionnaires,
    DrawOutline outlines,
    Actors.ListActorChoices choices,
    Infrastructure.PublicSite site) : Controller
{
    [HttpGet("/gestion/campagnes")]
    [Authorize(Policy = PortalPolicies.Staff)]
    public async Task<IActionResult> Index(CancellationToken cancellationToken) =>
        View("Index", new CampaignsPage(await campaigns.ListAsync(cancellationToken), new CampaignForm
        {
            Year = DateTime.UtcNow.Year - 1,
            Population = Request.Query["population"].LastOrDefault(),
        }));

    [HttpPost("/gestion/campagnes")]
    [Authorize(Policy = PortalPolicies.Staff)]
    public async Task<IActionResult> Create(CampaignForm form, CancellationToken cancellationToken)
    {
        var (population, errors) = ManageCampaigns.ReadPopulation(form.Population);
        foreach (var error in errors)
        {
            ModelState.AddModelError(nameof(form.Population), error);
        }

        if (form.OpensOn is { } opens && form.ClosesOn is { } closes && closes < opens)
        {
            ModelState.AddModelError(nameof(form.ClosesOn), "La clôture ne peut précéder l'ouverture.");
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View("Index", new CampaignsPage(await campaigns.ListAsync(cancellationToken), form));
        }

        var id = await campaigns.CreateAsync(form, population, ActorAccess.AccountId(User), cancellationToken);
        return Redirect($"/gestion/campagnes/{id}");
    }

    [HttpGet("/gestion/campagnes/{id:long}")]
    [Authorize(Policy = PortalPolicies.Staff)]
    public async Task<IActionResult> Show(long id, CancellationToken cancellationToken)
    {
        if (await campaigns.FindAsync(id, cancellationToken) is not { } campaign)
        {
            return NotFound();
        }

        var (population, _) = ManageCampaigns.ReadPopulation(campaign.Population);
        var progress = await statistics.ReadAsync(id, cancellationToken);
        var map = await outlines.DrawAsync(null, null, cancellationToken);
        var classes = progress.ByRegion.ToDictionary(r => r.Key, r => RateClass(r), StringComparer.Ordinal);
        return View("Show", new CampaignPage(campaign, population, await campaigns.CountPopulationAsync(population, cancellationToken), progress, map, classes));
    }

    [HttpPost("/gestion/campagnes/{id:long}/invitations")]
    [Authorize(Policy = PortalPolicies.Staff)]
    public async Task<IActionResult> SendInvitations(long id, CancellationToken cancellationToken)
    {
        if (await campaigns.FindAsync(id, cancellationToken) is not { } campaign)
        {
            return NotFound();
        }

        var (invited, withoutEmail) = await campaigns.SendInvitationsAsync(campaign, PublicUrl(), ActorAccess.AccountId(User), cancellationToken);
        TempData["Message"] = $"{invited} invitation(s) envoyée(s) ; {withoutEmail} structure(s) sans adresse électronique, à joindre par téléphone.";
        return Redirect($"/gestion/campagnes/{id}");
    }

    [HttpPost("/gestion/campagnes/{id:long}/relances")]
    [Authorize(Policy = PortalPolicies.Staff)]
    public async Task<IActionResult> SendReminders(long id, CancellationToken cancellationToken)
    {
        if (await campaigns.FindAsync(id, cancellationToken) is not { } campaign)
        {
            return NotFound();
        }

        var reminded = await campaigns.SendRemindersAsync(campaign, PublicUrl(), ActorAccess.AccountId(User), cancellationToken);
        TempData["Message"] = $"{reminded} relance(s) envoyée(s) aux structures qui n'ont pas encore répondu.";
        return Redirect($"/gestion/campagnes/{id}");
    }

    [HttpGet("/gestion/campagnes/{id:long}/suivi")]
    [Authorize(Policy = PortalPolicies.Staff)]
    public async Task<IActionResult> FollowUp(long id, CancellationToken cancellationToken)
    {
        if (await campaigns.FindAsync(id, cancellationToken) is not { } campaign)
        {
            return NotFound();
        }

        return View("FollowUp", new FollowUpPage(campaign, await campaigns.PendingAsync(id, cancellationToken), new CallForm()));
    }

    [HttpPost("/gestion/campagnes/{id:long}/appels")]
    [Authorize(Policy = PortalPolicies.Staff)]
    public async Task<IActionResult> LogCall(long id, CallForm form, CancellationToken cancellationToken)
    {
        if (await campaigns.FindAsync(id, cancellationToken) is not { } campaign)
        {
            return NotFound();
        }

        if (ModelState.IsValid && !await campaigns.LogCallAsync(id, form, ActorAccess.AccountId(User), cancellationToken))
        {
            ModelState.AddModelError(nameof(form.ActorId), "Cette structure ne fait pas partie de la campagne.");
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View("FollowUp", new FollowUpPage(campaign, await campaigns.PendingAsync(id, cancellationToken), form));
        }

        TempData["Message"] = "L'appel a été noté.";
        return Redirect($"/gestion/campagnes/{id}/suivi");
    }

    [HttpGet("/questionnaire/{token}")]
    public async Task<IActionResult> Questionnaire(string token, CancellationToken cancellationToken)
    {
        PrivateLinkHeaders();
        return await questionnaires.ReadAsync(token, cancellationToken) is { } questionnaire
            ? View("Questionnaire", new QuestionnairePage(questionnaire, questionnaire.Form, await AudiencesAsync(cancellationToken), Saved: TempData["Saved"] is true))
            : UnknownLink();
    }

    [HttpPost("/questionnaire/{token}")]
    [EnableRateLimiting(RateLimits.Questionnaire)]
    public async Task<IActionResult> Answer(string token, QuestionnaireForm form, CancellationToken cancellationToken)
    {
        PrivateLinkHeaders();
        if (await questionnaires.ReadAsync(token, cancellationToken) is not { } questionnaire)
        {
            return UnknownLink();
        }

        var audiences = await AudiencesAsync(cancellationToken);
        if (form.Audiences.Any(a => audiences.All(c => c.Value != a)))
        {
            ModelState.AddModelError(nameof(form.Audiences), "Un des publics cochés n'existe pas dans la liste.");
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View("Questionnaire", new QuestionnairePage(questionnaire, form, audiences, Saved: false));
        }

        switch (await questionnaires.SubmitAsync(token, form, cancellationToken))
        {
            case QuestionnaireOutcome.Saved:
                TempData["Saved"] = true;
                // Back to the same page: its address is the link itself, which the person already holds.
                return Redirect($"/questionnaire/{token}");
            case QuestionnaireOutcome.Closed:
                Response.StatusCode = StatusCodes.Status410Gone;
                return View("Questionnaire", new QuestionnairePage(questionnaire with { Open = false }, form, audiences, Saved: false));
            default:
                return UnknownLink();
        }
    }

    private async Task<IReadOnlyList<Actors.Choice>> AudiencesAsync(CancellationToken cancellationToken) =>
        (await choices.ListAsync(cancellationToken)).Audiences;

    private ViewResult UnknownLink()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        return View("Error", new Errors.ErrorPage(404, "Lien inconnu",
            "Ce lien de questionnaire n'est pas (ou plus) valable. Si vous avez reçu une relance, utilisez le lien du message le plus récent, ou écrivez à l'équipe de l'Ocim."));
    }

    /// <summary>The link is a credential: it must not leak through the Referer nor stay in a shared cache.</summary>
    private void PrivateLinkHeaders()
    {
        Response.Headers.CacheControl = "no-store";
        Response.Headers["Referrer-Policy"] = "no-referrer";
    }

    /// <summary>The address written in e-mails: the configured public one, never the request's Host header.</summary>
    private string PublicUrl() => site.Url;

    private static string RateClass(ResponseRate rate) => rate.Rate switch
    {
        0 => "share-0",
        < 0.25 => "share-1",
        < 0.5 => "share-2",
        < 0.75 => "share-3",
        _ => "share-4",
    };
}

public sealed record CampaignsPage(IReadOnlyList<Campaign> Campaigns, CampaignForm Form);

public sealed record CampaignPage(
    Campaign Campaign,
    Actors.ActorFilter Population,
    long PopulationNow,
    CampaignProgress Progress,
    OutlineMap Map,
    IReadOnlyDictionary<string, string> Classes);

public sealed record FollowUpPage(Campaign Campaign, IReadOnlyList<PendingRecipient> Pending, CallForm Form);

public sealed record QuestionnairePage(Questionnaire Questionnaire, QuestionnaireForm Form, IReadOnlyList<Actors.Choice> Audiences, bool Saved);
