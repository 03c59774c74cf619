using System.ComponentModel.DataAnnotations;
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
    SignInAccountLimits accountLimits,
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
        if (!accountLimits.TryAttempt(form.Email, out var retryAfter))
        {
            // The address is not logged (personal data): the log says that one account was sprayed, not which.
            LogAccountLimited(logger);
            Response.Headers.RetryAfter = retryAfter;
            return StatusCode(StatusCodes.Status429TooManyRequests);
        }

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

        // Checks the password (lockout counted), then either signs in or, with an authenticator set up, keeps the
        // account waiting for its code in a short-lived cookie of its own (Identity's two-factor scheme).
        var result = await signIn.PasswordSignInAsync(user, form.Password!, isPersistent: false, lockoutOnFailure: true);
        if (result.RequiresTwoFactor)
        {
            return Redirect(form.Retour is null ? "/connexion/code" : $"/connexion/code?retour={Uri.EscapeDataString(form.Retour)}");
        }

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

        LogSignedIn(logger, user.Id);
        return LocalRedirect(form.Retour ?? "/compte");
    }

    [HttpGet("/connexion/code")]
    public async Task<IActionResult> CodeForm(string? retour)
    {
        NoStore();
        return await signIn.GetTwoFactorAuthenticationUserAsync() is null
            ? Redirect("/connexion")
            : View("Code", new CodeForm { Retour = SafeReturn(retour) });
    }

    [HttpPost("/connexion/code")]
    [EnableRateLimiting(RateLimits.SignIn)]
    public async Task<IActionResult> CodePost(CodeForm form)
    {
        NoStore();
        form.Retour = SafeReturn(form.Retour);
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is not { } user)
        {
            return Redirect("/connexion");
        }

        if (string.IsNullOrWhiteSpace(form.Code) && string.IsNullOrWhiteSpace(form.RecoveryCode))
        {
            ModelState.AddModelError(nameof(form.Code), "Saisissez le code à six chiffres de votre application, ou un code de secours.");
        }

        if (!ModelState.IsValid)
        {
            return View("Code", form);
        }

        var result = string.IsNullOrWhiteSpace(form.Code)
            ? await signIn.TwoFactorRecoveryCodeSignInAsync(form.RecoveryCode!.Replace(" ", string.Empty, StringComparison.Ordinal))
            : await signIn.TwoFactorAuthenticatorSignInAsync(form.Code.Replace(" ", string.Empty, StringComparison.Ordinal), isPersistent: false, rememberClient: false);
        if (result.Succeeded)
        {
            LogSignedIn(logger, user.Id);
            return LocalRedirect(form.Retour ?? "/compte");
        }

        if (result.IsLockedOut)
        {
            LogLockedOut(logger, user.Id);
        }
        else
        {
            LogSignInFailed(logger, "wrong second-factor code");
        }

        ModelState.AddModelError(nameof(form.Code), "Ce code n'est pas valable. Après cinq échecs, le compte est verrouillé pendant 15 minutes.");
        form.Code = null;
        form.RecoveryCode = null;
        return View("Code", form);
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

    /// <summary>The authenticator (TOTP) set-up: the key to type into an application, then one of its codes.</summary>
    [HttpGet("/compte/double-authentification")]
    [Authorize]
    public async Task<IActionResult> TwoFactor()
    {
        NoStore();
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        return View("TwoFactor", await TwoFactorPageAsync(user, new CodeForm(), recoveryCodes: null));
    }

    [HttpPost("/compte/double-authentification")]
    [Authorize]
    [EnableRateLimiting(RateLimits.SignIn)]
    public async Task<IActionResult> EnableTwoFactor(CodeForm form)
    {
        NoStore();
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        var code = form.Code?.Replace(" ", string.Empty, StringComparison.Ordinal);
        if (user.TwoFactorEnabled)
        {
            return Redirect("/compte/double-authentification");
        }

        if (ModelState.IsValid && !string.IsNullOrEmpty(code)
            && await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            await users.SetTwoFactorEnabledAsync(user, true);
            var recoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))?.ToList() ?? [];
            await signIn.RefreshSignInAsync(user);
            LogTwoFactor(logger, user.Id, "enabled");
            return View("TwoFactor", await TwoFactorPageAsync(user, new CodeForm(), recoveryCodes));
        }

        ModelState.AddModelError(nameof(form.Code), "Ce code ne correspond pas : vérifiez l'heure de votre téléphone et saisissez le code affiché maintenant.");
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return View("TwoFactor", await TwoFactorPageAsync(user, new CodeForm(), recoveryCodes: null));
    }

    /// <summary>
    /// Draws the authenticator key (a write, so a POST: showing the page must change nothing). A key already drawn is
    /// kept, so that a second click does not unsettle an application that already holds it.
    /// </summary>
    [HttpPost("/compte/double-authentification/cle")]
    [Authorize]
    [EnableRateLimiting(RateLimits.SignIn)]
    public async Task<IActionResult> PrepareTwoFactor()
    {
        NoStore();
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        if (!user.TwoFactorEnabled && string.IsNullOrEmpty(await users.GetAuthenticatorKeyAsync(user)))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            // A new key changes the security stamp: this session stays signed in.
            await signIn.RefreshSignInAsync(user);
        }

        Response.Headers.Location = "/compte/double-authentification";
        return StatusCode(StatusCodes.Status303SeeOther);
    }

    [HttpPost("/compte/double-authentification/desactiver")]
    [Authorize]
    [EnableRateLimiting(RateLimits.SignIn)]
    public async Task<IActionResult> DisableTwoFactor(CodeForm form)
    {
        NoStore();
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        var code = form.Code?.Replace(" ", string.Empty, StringComparison.Ordinal);
        if (user.TwoFactorEnabled && ModelState.IsValid && !string.IsNullOrEmpty(code)
            && await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            await users.SetTwoFactorEnabledAsync(user, false);
            await users.ResetAuthenticatorKeyAsync(user);
            await signIn.RefreshSignInAsync(user);
            LogTwoFactor(logger, user.Id, "disabled");
            TempData["Message"] = "La double authentification est désactivée.";
            return Redirect("/compte");
        }

        ModelState.AddModelError(nameof(form.Code), "Ce code ne correspond pas : la double authentification reste active.");
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return View("TwoFactor", await TwoFactorPageAsync(user, new CodeForm(), recoveryCodes: null));
    }

    private async Task<TwoFactorPage> TwoFactorPageAsync(PortalUser user, CodeForm form, IReadOnlyList<string>? recoveryCodes)
    {
        // No key is drawn here: the page shows a button that draws it (PrepareTwoFactor).
        var key = await users.GetAuthenticatorKeyAsync(user);
        var grouped = string.IsNullOrEmpty(key) ? null : string.Join(' ', key.Chunk(4).Select(c => new string(c))).ToLowerInvariant();
        var uri = string.IsNullOrEmpty(key) ? null : $"otpauth://totp/{Uri.EscapeDataString("Portail Ocim:" + user.Email)}?secret={key}&issuer={Uri.EscapeDataString("Portail Ocim")}&digits=6";
        return new TwoFactorPage(user.TwoFactorEnabled, grouped, uri, form, recoveryCodes, await users.CountRecoveryCodesAsync(user));
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountId}: two-factor authentication {Change}")]
    private static partial void LogTwoFactor(ILogger logger, long accountId, string change);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} locked out after repeated failures")]
    private static partial void LogLockedOut(ILogger logger, long accountId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused: too many attempts for one account in a minute")]
    private static partial void LogAccountLimited(ILogger logger);
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

public sealed class CodeForm
{
    [StringLength(20, ErrorMessage = "Ce code est trop long.")]
    [RegularExpression(@"^[0-9 ]*$", ErrorMessage = "Le code ne contient que des chiffres.")]
    public string? Code { get; set; }

    [StringLength(40, ErrorMessage = "Ce code de secours est trop long.")]
    public string? RecoveryCode { get; set; }

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

public sealed record TwoFactorPage(bool Enabled, string? Key, string? Uri, CodeForm Form, IReadOnlyList<string>? RecoveryCodes, int RecoveryCodesLeft);

public sealed record ProfilePage(PortalUser User, IReadOnlyList<string> Roles, IReadOnlyList<RepresentedActor> Actors, ChangePasswordForm Form);
