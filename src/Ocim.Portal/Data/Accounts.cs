using Microsoft.AspNetCore.Identity;

namespace Ocim.Portal.Data;

/// <summary>
/// A person who signs in: an administrator, a curator (OCIM staff, optionally limited to a region or a department) or
/// an actor's representative. Visitors have no account. The ASP.NET Core Identity columns are inherited.
/// </summary>
public sealed class PortalUser : IdentityUser<long>
{
    public required string DisplayName { get; set; }

    /// <summary>A curator limited to one region (INSEE code); null means no limit.</summary>
    public string? CuratorRegionCode { get; set; }

    /// <summary>A curator limited to one department (INSEE code); null means no limit.</summary>
    public string? CuratorDepartmentCode { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Set when an administrator disables the account: it can no longer sign in.</summary>
    public DateTimeOffset? DisabledAt { get; set; }
}

public sealed class PortalRole : IdentityRole<long>
{
    public PortalRole()
    {
    }

    public PortalRole(string name)
        : base(name)
    {
    }
}

/// <summary>The role names, as stored (French: they show in the staff pages).</summary>
public static class PortalRoles
{
    public const string Administrator = "administrateur";
    public const string Curator = "curateur";
    public const string Representative = "representant";

    public static IReadOnlyList<string> All { get; } = [Administrator, Curator, Representative];
}

/// <summary>
/// An account that speaks for an actor. A trusted representative's changes are published at once; the others go
/// through moderation.
/// </summary>
public sealed class ActorRepresentative
{
    public long AccountId { get; set; }
    public long ActorId { get; set; }
    public bool Trusted { get; set; }
    public DateTimeOffset GrantedAt { get; set; }
    public long? GrantedBy { get; set; }
}
