using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Ocim.Portal.Data;
using Ocim.Portal.Features.Accounts;
using Ocim.Portal.Features.Audit;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Features.Listings;

/// <summary>
/// Invitation links: a curator invites an actor's contact from the listing; the recipient opens /invitation/{token}
/// (GET changes nothing), then accepts (POST consumes the link, creates or links the account, signs in, and
/// redirects to a URL without the token). Used, expired and unknown links get a French page, never an error.
/// </summary>
public sealed partial class InvitationsController(
    PortalDbContext db,
    UserManager<PortalUser> users,
    SignInManager<PortalUser> signIn,
    TimeProvider clock,
    Infrastructure.PublicSite site,
    ILogger<InvitationsController> logger) : Controller
{
    [HttpGet("/invitation/{token}")]
    public async Task<IActionResult> Open(string token, CancellationToken cancellationToken)
    {
        Sensitive();
        var (invitation, gone) = await LookUpAsync(token, cancellationToken);
        return gone ?? await PageAsync(invitation!, new AcceptInvitationForm(), null);
    }

    [HttpPost("/invitation/{token}")]
    public async Task<IActionResult> Accept(string token, AcceptInvitationForm form, CancellationToken cancellationToken)
    {
        Sensitive();
        var (invitation, gone) = await LookUpAsync(token, cancellationToken);
        if (gone is not null)
        {
            return gone;
        }

        var current = await users.GetUserAsync(User);
        if (current is not null && !string.Equals(current.NormalizedEmail, users.NormalizeEmail(invitation!.Email), StringComparison.Ordinal))
        {
            return await PageAsync(invitation!, form, "Cette invitation est adressée à une autre adresse électronique que celle de votre compte. Déconnectez-vous, puis rouvrez le lien.");
        }

        if (current is null)
        {
            if (await users.FindByEmailAsync(invitation!.Email) is not null)
            {
                return await PageAsync(invitation, form, "Un compte existe déjà pour cette adresse : connectez-vous, puis rouvrez le lien de l'invitation.");
            }

            if (!ModelState.IsValid)
            {
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return await PageAsync(invitation, form, null);
            }
        }

        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var dbTransaction = (NpgsqlTransaction)transaction.GetDbTransaction();
        if (!await Invitations.ConsumeAsync(connection, dbTransaction, Invitations.HashOf(token)!, now, cancellationToken))
        {
            LogRefused(logger, invitation!.Id, "consumed concurrently");
            return Gone("Cette invitation a déjà été utilisée", "Le lien a déjà servi : il ne fonctionne qu'une fois. Connectez-vous avec le compte créé, ou demandez une nouvelle invitation à l'équipe de l'Ocim.");
        }

        var user = current;
        if (user is null)
        {
            user = new PortalUser
            {
                DisplayName = form.DisplayName!.Trim(),
                Email = invitation!.Email,
                UserName = invitation.Email,
                EmailConfirmed = true,
            };
            var created = await users.CreateAsync(user, form.Password!);
            if (!created.Succeeded)
            {
                await transaction.RollbackAsync(cancellationToken);
                foreach (var error in created.Errors)
                {
                    ModelState.AddModelError(nameof(form.Password), error.Description);
                }

                Response.StatusCode = StatusCodes.Status400BadRequest;
                return await PageAsync(invitation, form, null);
            }
        }

        await GrantAsync(connection, dbTransaction, user, invitation!, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogAccepted(logger, invitation!.Id, user.Id);

        var properties = new AuthenticationProperties { IsPersistent = false };
        properties.Items[AccountsSetup.SignedInAtItem] = now.ToString("O", CultureInfo.InvariantCulture);
        await signIn.SignInAsync(user, properties);
        TempData["Message"] = invitation.Purpose == Invitations.Representative
            ? $"Bienvenue : vous représentez désormais « {invitation.ActorName} »."
            : "Bienvenue dans l'équipe du portail.";
        return Redirect(invitation.Purpose == Invitations.Representative ? "/compte/fiches" : "/gestion");
    }

    [HttpGet("/gestion/acteurs/{id:long}/inviter")]
    [Authorize(Policy = PortalPolicies.Staff)]
    public async Task<IActionResult> InviteForm([FromRoute] long id, [FromServices] ActorAccess access, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (!await access.CanEditAsync(User, id, cancellationToken))
        {
            return NotFound();
        }

        var actor = await ActorAsync(id, cancellationToken);
        return View("/Features/Listings/Invite.cshtml", new InvitePage(id, actor.Name, new InviteForm { Email = actor.Email }));
    }

    [HttpPost("/gestion/acteurs/{id:long}/inviter")]
    [Authorize(Policy = PortalPolicies.Staff)]
    public async Task<IActionResult> Invite([FromRoute] long id, InviteForm form, [FromServices] ActorAccess access, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (!await access.CanEditAsync(User, id, cancellationToken))
        {
            return NotFound();
        }

        var actor = await ActorAsync(id, cancellationToken);
        if (form.Email is { } email && !MailAddressRules.IsValid(email.Trim()))
        {
            ModelState.AddModelError(nameof(form.Email), "Cette adresse électronique n'est pas valable.");
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View("/Features/Listings/Invite.cshtml", new InvitePage(id, actor.Name, form));
        }

        var me = await users.GetUserAsync(User);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await Invitations.CreateAsync(
            (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction(),
            new InvitationRequest(Invitations.Representative, form.Email!.Trim(), id, null, null, null, me!.Id, $"représenter « {actor.Name} » sur le portail de l'Ocim et tenir sa fiche à jour"),
            clock.GetUtcNow(), SiteUrl(), me.DisplayName, HttpContext.TraceIdentifier, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        TempData["Message"] = $"L'invitation est envoyée à {form.Email.Trim()} ; le lien vaut 7 jours.";
        return Redirect($"/gestion/acteurs/{id}/inviter");
    }

    internal static async Task GrantAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PortalUser user, InvitationRow invitation, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var role = invitation.Purpose == Invitations.Representative ? PortalRoles.Representative : invitation.StaffRole!;
        await connection.ExecuteAsync(new CommandDefinition(
            """
            update invitation set used_by = @account where id = @invitation;
            insert into account_role (user_id, role_id) select @account, id from role where name = @role on conflict do nothing;
            update account set curator_region_code = coalesce(@region, curator_region_code),
                               curator_department_code = coalesce(@department, curator_department_code)
            where id = @account and @staff;
            insert into actor_representative (account_id, actor_id, trusted, granted_at, granted_by)
            select @account, @actor, false, @now, (select created_by from invitation where id = @invitation)
            where @actor is not null
            on conflict do nothing;
            """,
            new
            {
                account = user.Id,
                invitation = invitation.Id,
                role,
                region = invitation.RegionCode,
                department = invitation.DepartmentCode,
                staff = invitation.Purpose == Invitations.Staff,
                actor = invitation.ActorId,
                now,
            },
            transaction,
            cancellationToken: cancellationToken));
        await AuditTrail.WriteAsync(connection, transaction, new AuditEntry(
            invitation.ActorId is null ? "account.invitation.accepted" : "actor.representative.added",
            invitation.ActorId is null ? "account" : "actor",
            invitation.ActorId ?? user.Id,
            user.Id,
            new Dictionary<string, object?> { ["invitation"] = invitation.Id, ["account"] = user.Id, ["role"] = role }), null, cancellationToken);
    }

    private async Task<(InvitationRow? Invitation, IActionResult? Gone)> LookUpAsync(string token, CancellationToken cancellationToken)
    {
        if (Invitations.HashOf(token) is not { } hash)
        {
            return (null, Unknown());
        }

        var invitation = await Invitations.FindAsync(db.Database.GetDbConnection(), null, hash, cancellationToken);
        if (invitation is null)
        {
            return (null, Unknown());
        }

        if (invitation.UsedAt is not null)
        {
            return (invitation, Gone("Cette invitation a déjà été utilisée", "Le lien a déjà servi : il ne fonctionne qu'une fois. Connectez-vous avec le compte créé, ou demandez une nouvelle invitation à l'équipe de l'Ocim."));
        }

        if (invitation.ExpiresAt <= clock.GetUtcNow().UtcDateTime)
        {
            return (invitation, Gone("Cette invitation a expiré", "Le lien n'était valable que 7 jours. Demandez une nouvelle invitation à l'équipe de l'Ocim."));
        }

        return (invitation, null);
    }

    private async Task<IActionResult> PageAsync(InvitationRow invitation, AcceptInvitationForm form, string? problem)
    {
        var current = await users.GetUserAsync(User);
        return View("/Features/Listings/Invitation.cshtml", new InvitationPage(invitation, current?.Email, form, problem));
    }

    private ViewResult Unknown()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        return View("/Features/Listings/Gone.cshtml", new GonePage("Invitation introuvable", "Ce lien d'invitation n'existe pas. Vérifiez qu'il a été copié en entier depuis l'e-mail reçu."));
    }

    private ViewResult Gone(string title, string message)
    {
        Response.StatusCode = StatusCodes.Status410Gone;
        return View("/Features/Listings/Gone.cshtml", new GonePage(title, message));
    }

    /// <summary>The page's URL holds a secret: no caching, and no Referer sent to the links it holds.</summary>
    private void Sensitive()
    {
        Response.Headers.CacheControl = "no-store";
        Response.Headers["Referrer-Policy"] = "no-referrer";
    }

    private async Task<(string Name, string? Email)> ActorAsync(long id, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        return await connection.QuerySingleAsync<(string, string?)>(new CommandDefinition(
            "select name, email from actor where id = @id", new { id }, cancellationToken: cancellationToken));
    }

    private string SiteUrl() => site.Url;

    [LoggerMessage(Level = LogLevel.Information, Message = "Invitation {InvitationId} accepted by account {AccountId}")]
    private static partial void LogAccepted(ILogger logger, long invitationId, long accountId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invitation {InvitationId} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, long invitationId, string reason);
}

public sealed class AcceptInvitationForm
{
    [Required(ErrorMessage = "Indiquez votre nom.")]
    [StringLength(200, ErrorMessage = "Le nom tient en 200 caractères au plus.")]
    public string? DisplayName { get; set; }

    [Required(ErrorMessage = "Choisissez un mot de passe.")]
    [StringLength(1024, ErrorMessage = "Ce mot de passe est trop long (1 024 caractères au plus).")]
    public string? Password { get; set; }

    [Required(ErrorMessage = "Retapez le mot de passe.")]
    [Compare(nameof(Password), ErrorMessage = "Les deux saisies du mot de passe diffèrent.")]
    public string? Confirm { get; set; }
}

public sealed class InviteForm
{
    [Required(ErrorMessage = "Indiquez l'adresse électronique de la personne à inviter.")]
    [StringLength(320, ErrorMessage = "Cette adresse est trop longue.")]
    public string? Email { get; set; }
}

public sealed record InvitationPage(InvitationRow Invitation, string? SignedInEmail, AcceptInvitationForm Form, string? Problem);

public sealed record InvitePage(long ActorId, string ActorName, InviteForm Form);

public sealed record GonePage(string Title, string Message);
