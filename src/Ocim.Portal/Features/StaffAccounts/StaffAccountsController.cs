using System.ComponentModel.DataAnnotations;
using Dapper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Ocim.Portal.Data;
using Ocim.Portal.Features.Accounts;
using Ocim.Portal.Features.Audit;
using Ocim.Portal.Features.Listings;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Features.StaffAccounts;

/// <summary>
/// Administrators manage accounts: invite a curator (optionally limited to a region or a department) or an
/// administrator, disable an account (its sessions end at the next security-stamp check), and trust or stop
/// trusting a representative for an actor.
/// </summary>
[Authorize(Policy = PortalPolicies.Administrator)]
public sealed class StaffAccountsController(PortalDbContext db, UserManager<PortalUser> users, TimeProvider clock, Infrastructure.PublicSite site) : Controller
{
    [HttpGet("/gestion/comptes")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken) => await PageAsync(new InviteStaffForm(), cancellationToken);

    [HttpPost("/gestion/comptes/inviter")]
    public async Task<IActionResult> Invite(InviteStaffForm form, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        if (form.Email is { } email && !MailAddressRules.IsValid(email.Trim()))
        {
            ModelState.AddModelError(nameof(form.Email), "Cette adresse électronique n'est pas valable.");
        }

        if (form.Role == PortalRoles.Administrator && (form.RegionCode is not null || form.DepartmentCode is not null))
        {
            ModelState.AddModelError(nameof(form.RegionCode), "Un administrateur n'a pas de périmètre : laissez la région et le département vides.");
        }

        if (form.RegionCode is { } region && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition("select exists (select from region where code = @region)", new { region }, cancellationToken: cancellationToken)))
        {
            ModelState.AddModelError(nameof(form.RegionCode), "Cette région n'existe pas (code INSEE, par exemple 27 pour la Bourgogne-Franche-Comté).");
        }

        if (form.DepartmentCode is { } department && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition("select exists (select from department where code = @department)", new { department }, cancellationToken: cancellationToken)))
        {
            ModelState.AddModelError(nameof(form.DepartmentCode), "Ce département n'existe pas (code INSEE, par exemple 21 ou 2A).");
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await PageAsync(form, cancellationToken);
        }

        var me = await users.GetUserAsync(User);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var siteUrl = site.Url;
        await Invitations.CreateAsync(connection, (NpgsqlTransaction)transaction.GetDbTransaction(), new InvitationRequest(
            Invitations.Staff, form.Email!.Trim(), null, form.Role, form.RegionCode, form.DepartmentCode, me!.Id,
            form.Role == PortalRoles.Administrator ? "rejoindre l'équipe du portail de l'Ocim comme administrateur·rice" : "rejoindre l'équipe du portail de l'Ocim comme curateur·rice"),
            clock.GetUtcNow(), siteUrl, me.DisplayName, HttpContext.TraceIdentifier, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        TempData["Message"] = $"L'invitation est envoyée à {form.Email.Trim()}.";
        return Redirect("/gestion/comptes");
    }

    [HttpPost("/gestion/comptes/{id:long}/desactiver")]
    public async Task<IActionResult> Disable([FromRoute] long id, string? confirmer, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (user is null)
        {
            return NotFound();
        }

        if (confirmer != "oui" || user.Id == ActorAccess.AccountId(User))
        {
            return BadRequest();
        }

        if (user.DisabledAt is null)
        {
            user.DisabledAt = clock.GetUtcNow();
            await users.UpdateAsync(user);

            // A new stamp ends the account's sessions at their next check (AccountsSetup).
            await users.UpdateSecurityStampAsync(user);
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await connection.OpenAsync(cancellationToken);
            await AuditTrail.WriteAsync(connection, null, new AuditEntry("account.disabled", "account", user.Id, ActorAccess.AccountId(User)), HttpContext.TraceIdentifier, cancellationToken);
        }

        TempData["Message"] = $"Le compte de {user.DisplayName} est désactivé ; ses sessions sont fermées.";
        return Redirect("/gestion/comptes");
    }

    [HttpPost("/gestion/comptes/{id:long}/fiches/{actorId:long}/confiance")]
    public async Task<IActionResult> Trust([FromRoute] long id, [FromRoute] long actorId, string? confiance, CancellationToken cancellationToken)
    {
        if (confiance is not ("oui" or "non"))
        {
            return BadRequest();
        }

        var trusted = confiance == "oui";
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "update actor_representative set trusted = @trusted where account_id = @id and actor_id = @actorId",
            new { trusted, id, actorId },
            transaction,
            cancellationToken: cancellationToken));
        if (changed == 0)
        {
            return NotFound();
        }

        await AuditTrail.WriteAsync(connection, transaction, new AuditEntry(
            trusted ? "actor.representative.trusted" : "actor.representative.untrusted", "actor", actorId, ActorAccess.AccountId(User),
            new Dictionary<string, object> { ["account"] = id }), HttpContext.TraceIdentifier, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        TempData["Message"] = trusted ? "Ce représentant publie désormais ses modifications sans relecture." : "Les modifications de ce représentant passeront de nouveau par la modération.";
        return Redirect("/gestion/comptes");
    }

    private async Task<IActionResult> PageAsync(InviteStaffForm form, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        var connection = db.Database.GetDbConnection();
        var accounts = await connection.QueryAsync<AccountLine>(new CommandDefinition(
            """
            select u.id, u.display_name, u.email, u.curator_region_code as region_code, u.curator_department_code as department_code,
                   u.disabled_at is not null as disabled,
                   coalesce((select string_agg(r.name, ', ' order by r.name) from account_role ar join role r on r.id = ar.role_id where ar.user_id = u.id), '') as roles
            from account u
            order by u.display_name, u.id
            limit 1000
            """,
            cancellationToken: cancellationToken));
        var representatives = await connection.QueryAsync<RepresentativeLine>(new CommandDefinition(
            """
            select r.account_id, r.actor_id, a.name as actor_name, r.trusted
            from actor_representative r join actor a on a.id = r.actor_id
            order by a.name
            limit 5000
            """,
            cancellationToken: cancellationToken));
        return View("Index", new StaffAccountsPage(accounts.AsList(), representatives.ToLookup(r => r.AccountId), form, ActorAccess.AccountId(User)!.Value));
    }
}

public sealed class AccountLine
{
    public long Id { get; init; }
    public required string DisplayName { get; init; }
    public string? Email { get; init; }
    public string? RegionCode { get; init; }
    public string? DepartmentCode { get; init; }
    public bool Disabled { get; init; }
    public required string Roles { get; init; }
}

public sealed class RepresentativeLine
{
    public long AccountId { get; init; }
    public long ActorId { get; init; }
    public required string ActorName { get; init; }
    public bool Trusted { get; init; }
}

public sealed class InviteStaffForm
{
    [Required(ErrorMessage = "Indiquez l'adresse électronique de la personne à inviter.")]
    [StringLength(320, ErrorMessage = "Cette adresse est trop longue.")]
    public string? Email { get; set; }

    [Required(ErrorMessage = "Choisissez un rôle.")]
    [RegularExpression("^(curateur|administrateur)$", ErrorMessage = "Choisissez curateur·rice ou administrateur·rice.")]
    public string? Role { get; set; } = PortalRoles.Curator;

    [RegularExpression("^[0-9]{2}$", ErrorMessage = "Un code de région compte deux chiffres.")]
    public string? RegionCode { get; set; }

    [RegularExpression("^[0-9][0-9AB][0-9]?$", ErrorMessage = "Un code de département compte deux ou trois caractères (21, 2A, 971).")]
    public string? DepartmentCode { get; set; }
}

public sealed record StaffAccountsPage(IReadOnlyList<AccountLine> Accounts, ILookup<long, RepresentativeLine> Representatives, InviteStaffForm Form, long Me);
