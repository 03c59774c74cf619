using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Features.MyData;

/// <summary>The « Mes données » form: the address as typed, its error, and whether the request was taken.</summary>
public sealed record MyDataRequestPage(string? Email, bool Sent, MyDataSettings Settings);

/// <summary>A mailed link's page: the button that opens it, or the data once opened.</summary>
public sealed record MyDataLinkPage(string Token, MyDataExport? Export, DateTimeOffset? ReadableUntil, MyDataSettings Settings);

/// <summary>Why a link shows nothing, in French, with the way to ask for a new one.</summary>
public sealed record MyDataGonePage(string Title, string Message);

/// <summary>
/// « Mes données » (RGPD right of access): ask for a link by e-mail address, open it, read and download the data.
/// See docs/decisions/0023-my-data-export.md.
/// </summary>
public sealed class MyDataController(MyDataSettings settings) : Controller
{
    private const string Views = "/Features/MyData/";

    [HttpGet("/mes-donnees")]
    public IActionResult Form() => View(Views + "Request.cshtml", new MyDataRequestPage(null, false, settings));

    [HttpPost("/mes-donnees")]
    [EnableRateLimiting(MyDataSetup.RateLimitPolicy)]
    public async Task<IActionResult> Ask([FromForm(Name = "Email")] string? email, [FromServices] RequestMyDataLink request, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (string.IsNullOrWhiteSpace(email))
        {
            ModelState.AddModelError("Email", "Indiquez votre adresse électronique.");
        }
        else if (!MailAddressRules.IsValid(email))
        {
            ModelState.AddModelError("Email", "L'adresse électronique n'est pas valide\u202F: elle doit avoir la forme nom@domaine.fr.");
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(Views + "Request.cshtml", new MyDataRequestPage(email, false, settings));
        }

        // Sent, nothing to send, or sent a moment ago: the same page, so the answer tells nobody whether the address is known.
        await request.RunAsync(email!, SiteUrl(), cancellationToken);
        return View(Views + "Request.cshtml", new MyDataRequestPage(null, true, settings));
    }

    [HttpGet("/mes-donnees/{token}")]
    public async Task<IActionResult> Link(string token, [FromServices] MyDataLinks links, [FromServices] ReadMyData read, CancellationToken cancellationToken)
    {
        var link = await links.FindAsync(token, cancellationToken);
        TokenPageHeaders();
        return link.State switch
        {
            MyDataLinkState.Ready => View(Views + "Link.cshtml", new MyDataLinkPage(token, null, null, settings)),
            MyDataLinkState.Open => View(Views + "Link.cshtml", new MyDataLinkPage(token, await read.ReadAsync(link.Email!, cancellationToken), link.ReadableUntil, settings)),
            _ => Gone(link.State),
        };
    }

    [HttpPost("/mes-donnees/{token}")]
    public async Task<IActionResult> Open(string token, [FromServices] MyDataLinks links, CancellationToken cancellationToken)
    {
        TokenPageHeaders();
        // A second click while the data are readable lands on them too; anything else says why the link is gone.
        if (await links.OpenAsync(token, cancellationToken) || (await links.FindAsync(token, cancellationToken)).State == MyDataLinkState.Open)
        {
            Response.Headers.Location = RequestMyDataLink.LinkPath(token);
            return StatusCode(StatusCodes.Status303SeeOther);
        }

        return Gone((await links.FindAsync(token, cancellationToken)).State);
    }

    [HttpGet("/mes-donnees/{token}.json")]
    public Task<IActionResult> Json(string token, [FromServices] MyDataLinks links, [FromServices] ReadMyData read, CancellationToken cancellationToken) =>
        DownloadAsync(token, links, read, export => File(ReadMyData.ToJson(export, SiteUrl()), "application/json; charset=utf-8", "mes-donnees-ocim.json"), cancellationToken);

    [HttpGet("/mes-donnees/{token}.csv")]
    public Task<IActionResult> Csv(string token, [FromServices] MyDataLinks links, [FromServices] ReadMyData read, CancellationToken cancellationToken) =>
        DownloadAsync(token, links, read, export => File(Encoding.UTF8.GetBytes(ReadMyData.ToCsv(export, SiteUrl())), "text/csv; charset=utf-8", "mes-donnees-ocim.csv"), cancellationToken);

    private async Task<IActionResult> DownloadAsync(string token, MyDataLinks links, ReadMyData read, Func<MyDataExport, FileContentResult> file, CancellationToken cancellationToken)
    {
        var link = await links.FindAsync(token, cancellationToken);
        TokenPageHeaders();
        switch (link.State)
        {
            case MyDataLinkState.Open:
                return file(await read.ReadAsync(link.Email!, cancellationToken));
            case MyDataLinkState.Ready:
                // Not opened yet: the page with the button, which a download must not skip (opening is a POST).
                Response.Headers.Location = RequestMyDataLink.LinkPath(token);
                return StatusCode(StatusCodes.Status303SeeOther);
            default:
                return Gone(link.State);
        }
    }

    private ViewResult Gone(MyDataLinkState state)
    {
        var (status, page) = state switch
        {
            MyDataLinkState.Expired => (StatusCodes.Status410Gone, new MyDataGonePage("Lien expiré",
                $"Ce lien n'était valable que {settings.LinkLifetimeHours} heures. Demandez-en un nouveau ci-dessous{'\u202F'}: il sera envoyé à la même adresse.")),
            MyDataLinkState.Spent => (StatusCodes.Status410Gone, new MyDataGonePage("Lien déjà utilisé",
                $"Ce lien a déjà servi{'\u202F'}: il ne fonctionne qu'une fois, et les données restent affichées {settings.OpenWindowMinutes} minutes après son ouverture. Demandez-en un nouveau ci-dessous.")),
            _ => (StatusCodes.Status404NotFound, new MyDataGonePage("Lien introuvable",
                "Ce lien n'existe pas. Vérifiez qu'il a été copié en entier depuis le courriel reçu, ou demandez-en un nouveau ci-dessous.")),
        };
        Response.StatusCode = status;
        return View(Views + "Gone.cshtml", page);
    }

    /// <summary>The token is a credential: no cache may keep the page, no Referer may carry it elsewhere.</summary>
    private void TokenPageHeaders()
    {
        Response.Headers.CacheControl = "no-store";
        Response.Headers["Referrer-Policy"] = "no-referrer";
    }

    private string SiteUrl() => HttpContext.RequestServices.GetRequiredService<Infrastructure.PublicSite>().Url;
}
