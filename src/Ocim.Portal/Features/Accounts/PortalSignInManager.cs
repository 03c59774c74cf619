using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Ocim.Portal.Data;

namespace Ocim.Portal.Features.Accounts;

/// <summary>
/// Identity's sign-in manager, plus one thing: every session records when the person proved who they are (password,
/// or password then code), which caps its life at 12 hours (<see cref="AccountsSetup"/>). Every way of signing in
/// (password, authenticator code, recovery code) and every refresh goes through <see cref="SignInWithClaimsAsync"/>;
/// a refresh keeps the original time.
/// </summary>
public sealed class PortalSignInManager(
    UserManager<PortalUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<PortalUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<PortalUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<PortalUser> confirmation,
    TimeProvider clock)
    : SignInManager<PortalUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override Task SignInWithClaimsAsync(PortalUser user, AuthenticationProperties? authenticationProperties, IEnumerable<System.Security.Claims.Claim> additionalClaims)
    {
        authenticationProperties ??= new AuthenticationProperties();
        if (!authenticationProperties.Items.ContainsKey(AccountsSetup.SignedInAtItem))
        {
            authenticationProperties.Items[AccountsSetup.SignedInAtItem] =
                clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        return base.SignInWithClaimsAsync(user, authenticationProperties, additionalClaims);
    }

    /// <summary>A disabled account cannot sign in, whatever it presents.</summary>
    public override async Task<bool> CanSignInAsync(PortalUser user) => user.DisabledAt is null && await base.CanSignInAsync(user);
}
