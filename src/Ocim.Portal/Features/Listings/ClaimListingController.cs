using System.ComponentModel.DataAnnotations;
using Dapper;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Npgsql;
using Ocim.Portal.Infrastructure.Http;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Features.Listings;

/// <summary>
/// « C'est ma structure »: a visitor asks to take charge of a listing. The request lands in the curators' queue; the
/// answer is the same whatever the address (it tells nobody whether an account or a request exists). A honeypot
/// field and a per-address rate limit keep robots out.
/// </summary>
public sealed class ClaimListingController(NpgsqlDataSource dataSource, TimeProvider clock) : Controller
{
    [HttpGet("/acteurs/{id:long}/c-est-ma-structure")]
    public async Task<IActionResult> Form([FromRoute] long id, CancellationToken cancellationToken) =>
        await ActorNameAsync(id, cancellationToken) is { } name
            ? View("/Features/Listings/Claim.cshtml", new ClaimPage(id, name, new ClaimForm(), Sent: false))
            : NotFound();

    [HttpPost("/acteurs/{id:long}/c-est-ma-structure")]
    [EnableRateLimiting(RateLimits.ClaimListing)]
    public async Task<IActionResult> Send([FromRoute] long id, ClaimForm form, CancellationToken cancellationToken)
    {
        if (await ActorNameAsync(id, cancellationToken) is not { } name)
        {
            return NotFound();
        }

        if (form.Email is { Length: > 0 } email && !MailAddressRules.IsValid(email.Trim()))
        {
            ModelState.AddModelError(nameof(form.Email), "Cette adresse électronique n'est pas valable.");
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View("/Features/Listings/Claim.cshtml", new ClaimPage(id, name, form, Sent: false));
        }

        // A filled honeypot gets the same thank-you page, and nothing is written.
        if (string.IsNullOrEmpty(form.Website))
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                insert into actor_claim (actor_id, name, email, role, message, created_at)
                values (@id, @name, @email, @role, @message, @now)
                """,
                new { id, name = form.Name!.Trim(), email = form.Email!.Trim(), role = form.Role!.Trim(), message = string.IsNullOrWhiteSpace(form.Message) ? null : form.Message.Trim(), now = clock.GetUtcNow() },
                cancellationToken: cancellationToken));
        }

        return View("/Features/Listings/Claim.cshtml", new ClaimPage(id, name, new ClaimForm(), Sent: true));
    }

    private async Task<string?> ActorNameAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "select name from actor where id = @id and status = 'published'", new { id }, cancellationToken: cancellationToken));
    }
}

public sealed class ClaimForm
{
    [Required(ErrorMessage = "Indiquez votre nom.")]
    [StringLength(200, ErrorMessage = "Le nom tient en 200 caractères au plus.")]
    public string? Name { get; set; }

    [Required(ErrorMessage = "Indiquez votre adresse électronique : l'invitation y sera envoyée.")]
    [StringLength(320, ErrorMessage = "Cette adresse est trop longue.")]
    public string? Email { get; set; }

    [Required(ErrorMessage = "Indiquez votre fonction dans la structure.")]
    [StringLength(200, ErrorMessage = "La fonction tient en 200 caractères au plus.")]
    public string? Role { get; set; }

    [DataType(DataType.MultilineText)]
    [StringLength(2000, ErrorMessage = "Le message tient en 2 000 caractères au plus.")]
    public string? Message { get; set; }

    /// <summary>The honeypot: hidden from people, filled by robots.</summary>
    public string? Website { get; set; }
}

public sealed record ClaimPage(long ActorId, string ActorName, ClaimForm Form, bool Sent);
