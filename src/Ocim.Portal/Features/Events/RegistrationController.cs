using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Npgsql;
using Ocim.Portal.Features.Errors;

namespace Ocim.Portal.Features.Events;

/// <summary>What the registration page shows: the event, its sessions, the form as typed and its errors.</summary>
public sealed record RegistrationPage(EventDetail Event, RegistrationForm Form, IReadOnlyDictionary<string, string> Errors, string? Message, DateTimeOffset Now);

/// <summary>
/// What the confirmation page shows, found by the form's key (known only to whoever posted it).
/// <see cref="ConfirmBefore"/>: the deadline of a hold whose address is not confirmed yet (null once it is).
/// </summary>
public sealed record RegistrationStatusPage(string Status, int? Position, EventMails.SessionFacts Session, DateTimeOffset? ConfirmBefore = null);

/// <summary>
/// The page shown when the database stopped answering while a registration was sent: the form as typed, ready to be
/// sent again (its key makes a second sending the same registration). <see cref="MayHaveBeenSaved"/> is true when the
/// failure came once the registration's transaction had begun: its commit may have reached the server.
/// </summary>
public sealed record RegistrationResendPage(string Slug, RegistrationForm Form, bool MayHaveBeenSaved);

/// <summary>Registration without an account, the confirmation page, and the registrant's cancel link.</summary>
public sealed class RegistrationController(ShowEvent showEvent, TimeProvider clock) : Controller
{
    public const string RateLimitPolicy = "inscription";

    [HttpGet("/evenements/{slug}/inscription")]
    public async Task<IActionResult> Form(string slug, [FromQuery(Name = "seance")] long? session, CancellationToken cancellationToken)
    {
        var detail = await showEvent.FindAsync(slug, includeDrafts: false, cancellationToken);
        if (detail is null)
        {
            return NotFound();
        }

        var now = clock.GetUtcNow();
        var open = detail.Sessions.Where(s => detail.ClosedReason(s, now) is null).ToList();
        var form = new RegistrationForm
        {
            Session = session is { } chosen && open.Any(s => s.Id == chosen) ? chosen : open.Count == 1 ? open[0].Id : 0,
            Key = Guid.NewGuid(),
        };
        Response.Headers.CacheControl = "no-store";
        return View(EventViews.Path("Register"), new RegistrationPage(detail, form, new Dictionary<string, string>(), null, now));
    }

    [HttpPost("/evenements/{slug}/inscription")]
    [EnableRateLimiting(RateLimitPolicy)]
    public async Task<IActionResult> Register(string slug, [FromForm] RegistrationForm form, [FromServices] RegisterForSession register, CancellationToken cancellationToken)
    {
        var writing = false;
        try
        {
            return await RegisterAsync(slug, form, register, () => writing = true, cancellationToken);
        }
        catch (Exception ex) when (ErrorPages.IsDatabaseUnavailable(ex) && !cancellationToken.IsCancellationRequested && !form.IsBot)
        {
            // The database went away (stopped, unreachable or hanging past the command timeout). Nothing typed is
            // lost: the page holds the form, with the same key, to be sent again once the database answers.
            HttpContext.RequestServices.GetRequiredService<NpgsqlDataSource>().Clear();
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = "10";
            Response.Headers.CacheControl = "no-store";
            return View(EventViews.Path("Resend"), new RegistrationResendPage(slug, form, writing));
        }
    }

    private async Task<IActionResult> RegisterAsync(string slug, RegistrationForm form, RegisterForSession register, Action writing, CancellationToken cancellationToken)
    {
        var detail = await showEvent.FindAsync(slug, includeDrafts: false, cancellationToken);
        if (detail is null)
        {
            return NotFound();
        }

        var now = clock.GetUtcNow();
        Response.Headers.CacheControl = "no-store";
        if (form.IsBot)
        {
            // The honeypot was filled in: nothing is written, and the page says so plainly.
            return Page(400, detail, form, now, "Le formulaire n'a pas pu être traité. Si vous êtes une personne, videz le champ « Ne pas remplir » et recommencez.");
        }

        var errors = form.Validate(detail.Sessions.Select(s => s.Id).ToList());
        if (errors.Count > 0)
        {
            return WithStatus(View(EventViews.Path("Register"), new RegistrationPage(detail, form, errors, null, now)), 400);
        }

        writing();
        var outcome = await register.RunAsync(form.ToRequest(), MailSiteUrl(), cancellationToken);
        switch (outcome.Result)
        {
            case RegistrationResult.Confirmed or RegistrationResult.Waitlisted:
                // 303: a reload of the next page is a GET, never a second POST.
                return SeeOther(ConfirmationPath(outcome.IdempotencyKey));
            case RegistrationResult.AlreadyRegistered:
                return Page(409, detail, form, now, "Vous êtes déjà inscrit·e à cette séance avec cette adresse électronique (ou sur sa liste d'attente). Le courriel reçu lors de l'inscription contient le lien pour l'annuler.");
            case RegistrationResult.Closed:
                return Page(409, detail, form, now, outcome.ClosedReason ?? "Les inscriptions sont closes.");
            case RegistrationResult.PendingConfirmation:
                return Page(409, detail, form, now, "Une autre inscription attend déjà la confirmation de cette adresse électronique. Ouvrez d'abord le lien du courriel reçu pour la confirmer (ou attendez la fin de son délai), puis inscrivez-vous ici.");
            case RegistrationResult.TooManyHolds:
                Response.Headers.RetryAfter = "600";
                return Page(429, detail, form, now, "Trop d'inscriptions à cet événement attendent encore la confirmation de leur adresse électronique. Rien n'a été enregistré ; réessayez dans une dizaine de minutes.");
            case RegistrationResult.Busy:
                Response.Headers.RetryAfter = "5";
                return Page(503, detail, form, now, "Beaucoup de personnes s'inscrivent en ce moment : votre demande n'a pas pu être enregistrée. Rien n'a été enregistré ; réessayez dans quelques secondes.");
            default:
                return NotFound();
        }
    }

    [HttpGet("/evenements/inscription/{key:guid}")]
    public async Task<IActionResult> Confirmation(Guid key, [FromServices] ShowRegistrationStatus status, CancellationToken cancellationToken)
    {
        var page = await status.FindAsync(key, cancellationToken);
        if (page is null)
        {
            return NotFound();
        }

        Response.Headers.CacheControl = "no-store";
        return View(EventViews.Path("Confirmation"), page);
    }

    [HttpGet("/inscription/annuler/{token}")]
    public async Task<IActionResult> ConfirmCancellation(string token, [FromServices] CancelRegistration cancel, CancellationToken cancellationToken)
    {
        var preview = await cancel.PreviewAsync(token, cancellationToken);
        if (preview is null)
        {
            return NotFound();
        }

        Response.Headers.CacheControl = "no-store";
        Response.Headers["Referrer-Policy"] = "no-referrer";
        return View(EventViews.Path("Cancel"), new CancelPage(token, preview, null));
    }

    [HttpPost("/inscription/annuler/{token}")]
    [EnableRateLimiting(RateLimitPolicy)]
    public async Task<IActionResult> Cancel(string token, [FromServices] CancelRegistration cancel, CancellationToken cancellationToken)
    {
        var result = await cancel.RunAsync(token, MailSiteUrl(), cancellationToken);
        switch (result)
        {
            case CancellationResult.NotFound:
                return NotFound();
            case CancellationResult.Busy:
                Response.Headers.RetryAfter = "5";
                var preview = await cancel.PreviewAsync(token, cancellationToken);
                return preview is null ? NotFound() : WithStatus(View(EventViews.Path("Cancel"), new CancelPage(token, preview, "Le service est très sollicité : l'annulation n'a pas pu être enregistrée. Réessayez dans quelques secondes.")), 503);
            default:
                return SeeOther(RegistrationTokens.CancelPath(token));
        }
    }

    [HttpGet("/inscription/confirmer/{token}")]
    public async Task<IActionResult> ShowAddressConfirmation(string token, [FromServices] ConfirmAddress confirm, CancellationToken cancellationToken)
    {
        var page = await confirm.PreviewAsync(token, cancellationToken);
        if (page is null)
        {
            return NotFound();
        }

        Response.Headers.CacheControl = "no-store";
        Response.Headers["Referrer-Policy"] = "no-referrer";
        return View(EventViews.Path("ConfirmAddress"), new ConfirmAddressPage(token, page));
    }

    [HttpPost("/inscription/confirmer/{token}")]
    [EnableRateLimiting(RateLimitPolicy)]
    public async Task<IActionResult> ConfirmAddress(string token, [FromServices] ConfirmAddress confirm, CancellationToken cancellationToken) =>
        await confirm.RunAsync(token, cancellationToken) is null ? NotFound() : SeeOther(RegistrationTokens.ConfirmPath(token));

    public static string ConfirmationPath(Guid key) => "/evenements/inscription/" + key.ToString("N");

    private ViewResult Page(int status, EventDetail detail, RegistrationForm form, DateTimeOffset now, string message)
    {
        Response.StatusCode = status;
        return View(EventViews.Path("Register"), new RegistrationPage(detail, form, new Dictionary<string, string>(), message, now));
    }

    private ViewResult WithStatus(ViewResult view, int status)
    {
        Response.StatusCode = status;
        return view;
    }

    private StatusCodeResult SeeOther(string path)
    {
        Response.Headers.Location = path;
        return StatusCode(StatusCodes.Status303SeeOther);
    }

    private string MailSiteUrl() => HttpContext.RequestServices.GetRequiredService<Infrastructure.PublicSite>().Url;
}

/// <summary>The address-confirmation page: a button while the hold waits, then what became of it.</summary>
public sealed record ConfirmAddressPage(string Token, AddressConfirmation Confirmation);

/// <summary>The cancel page: before (a button) or after (cancelled).</summary>
public sealed record CancelPage(string Token, CancellationPreview Preview, string? Message);
