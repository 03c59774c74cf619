using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Ocim.Portal.Features.Accounts;

namespace Ocim.Portal.Features.Actors.Import;

public sealed record ImportUploadForm(string? Error, string? Source);

/// <summary>
/// The staff's import page (/gestion/import): upload a CSV, read its dry-run report (the CLI's own report), then
/// import all of it, or with the explicit option its good rows only, in one transaction. Jobs run in the background
/// and the page refreshes itself (Refresh header) until they finish; no JavaScript.
/// </summary>
[Authorize(Policy = PortalPolicies.Staff)]
public sealed class ImportPageController(ImportUploads uploads, TimeProvider clock) : Controller
{
    [HttpGet("/gestion/import")]
    public IActionResult Form()
    {
        Response.Headers.CacheControl = "no-store";
        return View("/Features/Actors/Import/Upload.cshtml", new ImportUploadForm(null, null));
    }

    [HttpPost("/gestion/import")]
    [UploadLimit]
    public async Task<IActionResult> Upload([FromForm(Name = "fichier")] IFormFile? file, [FromForm(Name = "source")] string? source, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        source = string.IsNullOrWhiteSpace(source) ? null : source.Trim();
        if (file is null || file.Length == 0)
        {
            return Refuse(StatusCodes.Status400BadRequest, "Choisissez un fichier CSV à importer.", source);
        }

        if (file.Length > ImportUploads.MaxBytes)
        {
            return Refuse(StatusCodes.Status413PayloadTooLarge, "Le fichier dépasse 20 Mo : découpez-le en plusieurs fichiers.", source);
        }

        if (source is { Length: > 100 })
        {
            return Refuse(StatusCodes.Status400BadRequest, "Le nom de la source est limité à 100 caractères.", source[..100]);
        }

        await using var stream = file.OpenReadStream();
        var head = new byte[8192];
        var read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        if (ImportUploads.RefuseContent(file.FileName, head.AsSpan(0, read)) is { } reason)
        {
            return Refuse(StatusCodes.Status415UnsupportedMediaType, reason, source);
        }

        stream.Position = 0;
        var name = Path.GetFileName(file.FileName);
        var upload = await uploads.StartAsync(stream, name, source ?? "import:" + Path.GetFileNameWithoutExtension(name),
            ActorAccess.AccountId(User)!.Value, clock, cancellationToken);
        return RedirectToUpload(upload.Id);
    }

    [HttpGet("/gestion/import/{id:guid}")]
    public IActionResult Show(Guid id)
    {
        Response.Headers.CacheControl = "no-store";
        if (uploads.Find(id) is not { } upload)
        {
            return NotFound();
        }

        if (upload.Phase is UploadPhase.Checking or UploadPhase.Importing)
        {
            Response.Headers["Refresh"] = "2";
        }

        return View("/Features/Actors/Import/Upload.cshtml", upload);
    }

    [HttpPost("/gestion/import/{id:guid}/importer")]
    public IActionResult Import(Guid id, [FromForm(Name = "partiel")] bool partial)
    {
        if (uploads.Find(id) is not { } upload)
        {
            return NotFound();
        }

        if (!uploads.Import(upload, partial))
        {
            TempData["Message"] = upload.DryRun is { Errors.Count: > 0 } && !partial
                ? "Le fichier contient des erreurs : corrigez-le, ou cochez « importer seulement les lignes valides »."
                : "Ce fichier n'est pas prêt à être importé (vérification en cours, ou déjà importé ou abandonné).";
            Response.StatusCode = StatusCodes.Status409Conflict;
            return View("/Features/Actors/Import/Upload.cshtml", upload);
        }

        return RedirectToUpload(id);
    }

    [HttpPost("/gestion/import/{id:guid}/abandon")]
    public IActionResult Abandon(Guid id)
    {
        if (uploads.Find(id) is not { } upload)
        {
            return NotFound();
        }

        if (!uploads.Abandon(upload))
        {
            Response.StatusCode = StatusCodes.Status409Conflict;
            TempData["Message"] = upload.Phase is UploadPhase.Checking or UploadPhase.Importing
                ? "Un traitement est en cours sur ce fichier : attendez qu'il se termine."
                : "Ce fichier a déjà été importé ou abandonné.";
            return View("/Features/Actors/Import/Upload.cshtml", upload);
        }

        TempData["Message"] = "Import abandonné : le fichier a été supprimé, rien n'a été écrit.";
        return Redirect("/gestion/import");
    }

    private ViewResult Refuse(int status, string error, string? source)
    {
        Response.StatusCode = status;
        return View("/Features/Actors/Import/Upload.cshtml", new ImportUploadForm(error, source));
    }

    private RedirectResult RedirectToUpload(Guid id) => Redirect("/gestion/import/" + id.ToString("D"));
}
