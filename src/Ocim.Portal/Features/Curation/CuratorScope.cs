using System.Security.Claims;
using Dapper;
using Npgsql;
using Ocim.Portal.Data;
using Ocim.Portal.Features.Accounts;

namespace Ocim.Portal.Features.Curation;

/// <summary>
/// The territory a staff member curates: an administrator everything, a curator their region or department (or
/// everything when their account names neither). Lists are filtered by it; actions on one listing use ActorAccess.
/// </summary>
public sealed record CuratorScope(long AccountId, string? RegionCode, string? DepartmentCode)
{
    public static async Task<CuratorScope> ReadAsync(NpgsqlConnection connection, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var accountId = ActorAccess.AccountId(user) ?? throw new InvalidOperationException("A staff page without an account.");
        if (user.IsInRole(PortalRoles.Administrator))
        {
            return new CuratorScope(accountId, null, null);
        }

        var scope = await connection.QuerySingleAsync<(string? Region, string? Department)>(new CommandDefinition(
            "select curator_region_code, curator_department_code from account where id = @accountId",
            new { accountId }, cancellationToken: cancellationToken));
        return new CuratorScope(accountId, scope.Region, scope.Department);
    }

    /// <summary>A SQL condition on the actor alias <paramref name="alias"/> (parameters @scopeRegion, @scopeDepartment).</summary>
    public static string Condition(string alias) =>
        $"(@scopeRegion::text is null or {alias}.region_code = @scopeRegion) and (@scopeDepartment::text is null or {alias}.department_code = @scopeDepartment)";
}
