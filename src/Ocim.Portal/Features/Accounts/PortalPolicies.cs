using Ocim.Portal.Data;

namespace Ocim.Portal.Features.Accounts;

/// <summary>
/// The authorisation policies every controller names (<c>[Authorize(Policy = PortalPolicies.Staff)]</c>). Access to
/// one listing is decided by <see cref="ActorAccess"/>, not by a policy: a representative may edit their own actors
/// only.
/// </summary>
public static class PortalPolicies
{
    /// <summary>OCIM staff: curators and administrators.</summary>
    public const string Staff = "staff";

    /// <summary>Administrators only (accounts, roles).</summary>
    public const string Administrator = "administrator";

    /// <summary>Anyone signed in with the representative role.</summary>
    public const string Representative = "representative";

    public static void Configure(Microsoft.AspNetCore.Authorization.AuthorizationOptions options)
    {
        options.AddPolicy(Staff, policy => policy.RequireRole(PortalRoles.Curator, PortalRoles.Administrator));
        options.AddPolicy(Administrator, policy => policy.RequireRole(PortalRoles.Administrator));
        options.AddPolicy(Representative, policy => policy.RequireRole(PortalRoles.Representative));
    }
}
