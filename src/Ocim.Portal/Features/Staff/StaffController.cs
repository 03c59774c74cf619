using Dapper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Ocim.Portal.Features.Accounts;

namespace Ocim.Portal.Features.Staff;

/// <summary>The staff's home (/gestion): the state of the inventory at a glance and the way to every staff page.</summary>
[Authorize(Policy = PortalPolicies.Staff)]
public sealed class StaffController(NpgsqlDataSource dataSource) : Controller
{
    [HttpGet("/gestion")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var statuses = (await connection.QueryAsync<(string Status, long Count)>(new CommandDefinition(
            "select status, count(*) from actor group by status order by status", cancellationToken: cancellationToken))).ToList();
        var roles = (await connection.QueryAsync<(string Role, long Count)>(new CommandDefinition(
            """
            select r.name, count(ar.user_id) from role r left join account_role ar on ar.role_id = r.id
            group by r.name order by r.name
            """,
            cancellationToken: cancellationToken))).ToList();
        return View("Index", new StaffHome(statuses, roles));
    }
}

public sealed record StaffHome(IReadOnlyList<(string Status, long Count)> ActorStatuses, IReadOnlyList<(string Role, long Count)> AccountRoles);
