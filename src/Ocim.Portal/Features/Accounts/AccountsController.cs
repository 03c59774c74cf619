using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Ocim.Portal.Data;
using Ocim.Portal.Infrastructure.Http;

namespace Ocim.Portal.Features.Accounts;

/// <summary>Sign in, sign out, and one's own account (password change, represented actors).</summary>
public sealed partial class AccountsController(
    UserManager<PortalUser> users,
    SignInManager<PortalUser> signIn,
    ActorAccess access,
    TimeProvider clock,
    ILogger<AccountsController> logger) : Controller
{
    // The same words whether the address is unknown, the password wrong or the account locked: an attacker learns
    // nothing about which accounts exist (ASVS 6.3.8).
    internal const string SignInRefused =
        "Adresse électronique ou mot de passe incorrect. Après cinq échecs, le compte est verrouillé pendant 15 minutes.";

    [HttpGet("/connexion")]
    public IActionResult SignInForm(string? retour)
    {
        NoStore();
        return View("SignIn", new SignInForm { Retour = SafeReturn(retour) });
    }

    [HttpPost("/connexion")]
    [EnableRateLimiting(RateLimits.SignIn)]
    public async Task<IActionResult> SignInPost(SignInForm form)
    {
        NoStore();
        form.Retour = SafeReturn(form.Retour);
        if (!ModelState.IsValid)
        {
            return View("SignIn", form);
        }

        var user = await users.FindByEmailAsync(form.Email!.Trim());
        if (user is null || user.DisabledAt is not null)
        {
            // Spend the time a password check takes, so that timing does not tell an unknown address either.
            users.PasswordHasher.HashPassword(new PortalUser { DisplayName = "-" }, form.Password!);
            LogSignInFailed(logger, user is null ? "unknown account" : "disabled account");
            return Refuse(form);
        }

        var result = await signIn.CheckPasswordSignInAsync(user, form.Password!, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            LogLockedOut(logger, user.Id);
            return Refuse(form);
        }

        if (!result.Succeeded)
        {
            LogSignInFailed(logger, "wrong password");
            return Refuse(form);
        }

        var properties = new AuthenticationProperties { IsPersistent = false };
        properties.Items[AccountsSetup.SignedInAtItem] = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        await signIn.SignInAsync(user, properties);
        LogSignedIn(logger, user.Id);
        return LocalRedirect(form.Retour ?? "/compte");
    }

    /// <summary>
    /// Signing out also changes the security stamp: a copy of the cookie (stolen, or left in another browser) stops
    /// working at the next stamp check, at most 5 minutes later; cookies carry no server-side session to delete.
    /// </summary>
    [HttpPost("/deconnexion")]
    public async Task<IActionResult> SignOutPost()
    {
        if (await users.GetUserAsync(User) is { } user)
        {
            await users.UpdateSecurityStampAsync(user);
        }

        await signIn.SignOutAsync();
        return Redirect("/");
    }

    [HttpGet("/compte")]
    [Authorize]
    public async Task<IActionResult> Profile(CancellationToken cancellationToken)
    {
        NoStore();
        return await ProfileView(new ChangePasswordForm(), cancellationToken);
    }

    [HttpPost("/compte/mot-de-passe")]
    [Authorize]
    [EnableRateLimiting(RateLimits.SignIn)]
    public async Task<IActionResult> ChangePassword(ChangePasswordForm form, CancellationToken cancellationToken)
    {
        NoStore();
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        if (ModelState.IsValid)
        {
            // Identity changes the security stamp: the account's other sessions end (ASVS 7.4.3).
            var result = await users.ChangePasswordAsync(user, form.Current!, form.New!);
            if (result.Succeeded)
            {
                await signIn.RefreshSignInAsync(user);
                TempData["Message"] = "Votre mot de passe a été changé. Vos autres sessions ont été fermées.";
                return Redirect("/compte");
            }

            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(error.Code == "PasswordMismatch" ? nameof(form.Current) : nameof(form.New), error.Description);
            }
        }

        return await ProfileView(form, cancellationToken);
    }

    private async Task<IActionResult> ProfileView(ChangePasswordForm form, CancellationToken cancellationToken)
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        var roles = await users.GetRolesAsync(user);
        var actors = await access.RepresentedAsync(user.Id, cancellationToken);
        return View("Profile", new ProfilePage(user, roles.Order(StringComparer.Ordinal).ToList(), actors, form));
    }

    private ViewResult Refuse(SignInForm form)
    {
        ModelState.AddModelError(string.Empty, SignInRefused);
        form.Password = null;
        return View("SignIn", form);
    }

    private string? SafeReturn(string? retour) => retour is { Length: > 0 } && Url.IsLocalUrl(retour) ? retour : null;

    private void NoStore() => Response.Headers.CacheControl = "no-store";

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountId} signed in")]
    private static partial void LogSignedIn(ILogger logger, long accountId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused: {Reason}")]
    private static partial void LogSignInFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} locked out after repeated failures")]
    private static partial void LogLockedOut(ILogger logger, long accountId);
}

public sealed class SignInForm
{
    [Required(ErrorMessage = "Indiquez votre adresse électronique.")]
    [EmailAddress(ErrorMessage = "Cette adresse électronique n'est pas valable.")]
    [StringLength(256, ErrorMessage = "Cette adresse est trop longue.")]
    [Display(Name = "Adresse électronique")]
    public string? Email { get; set; }

    [Required(ErrorMessage = "Indiquez votre mot de passe.")]
    [StringLength(1024, ErrorMessage = "Ce mot de passe est trop long.")]
    [DataType(DataType.Password)]
    [Display(Name = "Mot de passe")]
    public string? Password { get; set; }

    public string? Retour { get; set; }
}

public sealed class ChangePasswordForm
{
    [Required(ErrorMessage = "Indiquez votre mot de passe actuel.")]
    [DataType(DataType.Password)]
    [Display(Name = "Mot de passe actuel")]
    public string? Current { get; set; }

    [Required(ErrorMessage = "Choisissez un nouveau mot de passe.")]
    [StringLength(1024, ErrorMessage = "Ce mot de passe est trop long (1 024 caractères au plus).")]
    [DataType(DataType.Password)]
    [Display(Name = "Nouveau mot de passe (15 caractères ou plus)")]
    public string? New { get; set; }

    [Required(ErrorMessage = "Retapez le nouveau mot de passe.")]
    [Compare(nameof(New), ErrorMessage = "Les deux saisies du nouveau mot de passe diffèrent.")]
    [DataType(DataType.Password)]
    [Display(Name = "Nouveau mot de passe, à nouveau")]
    public string? Confirm { get; set; }
}

public sealed record ProfilePage(PortalUser User, IReadOnlyList<string> Roles, IReadOnlyList<RepresentedActor> Actors, ChangePasswordForm Form);
