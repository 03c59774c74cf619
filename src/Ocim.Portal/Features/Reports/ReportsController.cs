using System.ComponentModel.DataAnnotations;
using Dapper;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Npgsql;
using Ocim.Portal.Features.Actors;
using Ocim.Portal.Infrastructure.Http;

namespace Ocim.Portal.Features.Reports;

/// <summary>What a visitor reports about a listing. The honeypot <see cref="Site"/> is hidden from people: a robot fills it.</summary>
public sealed class ReportForm
{
    [Required(ErrorMessage = "Choisissez ce que vous signalez.")]
    [RegularExpression("^(ferme|erreur|autre)$", ErrorMessage = "Choisissez ce que vous signalez.")]
    public string? Kind { get; set; }

    [DataType(DataType.MultilineText)]
    [Required(ErrorMessage = "Décrivez ce qui ne va pas.")]
    [StringLength(4000, ErrorMessage = "Le message est limité à 4 000 caractères.")]
    public string? Message { get; set; }

    [EmailAddress(ErrorMessage = "L'adresse électronique n'est pas valide (exemple : nom@exemple.fr).")]
    [StringLength(254, ErrorMessage = "L'adresse électronique est trop longue.")]
    public string? Email { get; set; }

    public string? Site { get; set; }
}

public sealed record ReportPage(long ActorId, string ActorName, string ActorHref, ReportForm Form);

/// <summary>
/// « Signaler une erreur » on a listing (/acteurs/{id}/signaler): no account, no JavaScript; a honeypot and a per-address
/// rate limit keep robots out; the report waits in the curators' queue (/gestion/signalements).
/// </summary>
public sealed partial class ReportsController(NpgsqlDataSource dataSource, ShowActor showActor, ILogger<ReportsController> logger) : Controller
{
    public static readonly IReadOnlyList<(string Value, string Label)> Kinds =
    [
        ("ferme", "Ce lieu a fermé"),
        ("erreur", "Information erronée"),
        ("autre", "Autre"),
    ];

    [HttpGet("/acteurs/{id:long}/signaler")]
    public async Task<IActionResult> Form(long id, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        var actor = await showActor.FindAsync(id, cancellationToken);
        return actor is null ? NotFound() : View("/Features/Reports/Form.cshtml", new ReportPage(actor.Id, actor.Name, actor.Href, new ReportForm()));
    }

    [HttpPost("/acteurs/{id:long}/signaler")]
    [EnableRateLimiting(RateLimits.Report)]
    public async Task<IActionResult> Send(long id, ReportForm form, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        var actor = await showActor.FindAsync(id, cancellationToken);
        if (actor is null)
        {
            return NotFound();
        }

        if (!string.IsNullOrEmpty(form.Site))
        {
            // A robot: thanked like anyone, nothing stored.
            LogHoneypot(logger, id);
            return Redirect($"/acteurs/{id}/signaler/merci");
        }

        if (string.IsNullOrWhiteSpace(form.Message) && ModelState.IsValid)
        {
            ModelState.AddModelError(nameof(ReportForm.Message), "Décrivez ce qui ne va pas.");
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View("/Features/Reports/Form.cshtml", new ReportPage(actor.Id, actor.Name, actor.Href, form));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "insert into actor_report (actor_id, kind, message, email) values (@id, @Kind, @Message, @Email)",
            new { id, form.Kind, Message = form.Message!.Trim(), Email = string.IsNullOrWhiteSpace(form.Email) ? null : form.Email.Trim() },
            cancellationToken: cancellationToken));
        LogReported(logger, id, form.Kind!);
        return Redirect($"/acteurs/{id}/signaler/merci");
    }

    [HttpGet("/acteurs/{id:long}/signaler/merci")]
    public async Task<IActionResult> Thanks(long id, CancellationToken cancellationToken)
    {
        var actor = await showActor.FindAsync(id, cancellationToken);
        return actor is null ? NotFound() : View("/Features/Reports/Thanks.cshtml", new ReportPage(actor.Id, actor.Name, actor.Href, new ReportForm()));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Report of kind {Kind} received for actor {ActorId}")]
    private static partial void LogReported(ILogger logger, long actorId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report for actor {ActorId} dropped: honeypot filled")]
    private static partial void LogHoneypot(ILogger logger, long actorId);
}
