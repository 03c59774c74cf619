using System.Security.Claims;
using Dapper;
using Npgsql;
using Ocim.Portal.Data;

namespace Ocim.Portal.Features.Accounts;

/// <summary>
/// Who may change a listing (object-level authorisation, ASVS 8.2.2): an administrator, a curator whose scope
/// (region or department, or none) contains the actor, or a representative linked to that actor. Everyone else is
/// answered 404 by the callers, so that an identifier reveals nothing.
/// </summary>
public sealed class ActorAccess(NpgsqlDataSource dataSource)
{
    public static long? AccountId(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;

    public async Task<bool> CanEditAsync(ClaimsPrincipal user, long actorId, CancellationToken cancellationToken)
    {
        if (AccountId(user) is not { } accountId)
        {
            return false;
        }

        if (user.IsInRole(PortalRoles.Administrator))
        {
            return true;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            select exists (
                select from actor a
                where a.id = @actorId
                  and (
                    (@curator and exists (
                        select from account u
                        where u.id = @accountId
                          and (u.curator_region_code is null or u.curator_region_code = a.region_code)
                          and (u.curator_department_code is null or u.curator_department_code = a.department_code)))
                    or (@representative and exists (
                        select from actor_representative r where r.account_id = @accountId and r.actor_id = a.id))))
            """,
            new
            {
                actorId,
                accountId,
                curator = user.IsInRole(PortalRoles.Curator),
                representative = user.IsInRole(PortalRoles.Representative),
            },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Whether this account's changes to the listing (and events proposed for it) skip moderation: staff, and the
    /// representatives an administrator trusts for that listing.
    /// </summary>
    public async Task<bool> PublishesAtOnceAsync(ClaimsPrincipal user, long actorId, CancellationToken cancellationToken)
    {
        if (user.IsInRole(PortalRoles.Administrator) || user.IsInRole(PortalRoles.Curator))
        {
            return true;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select coalesce((select trusted from actor_representative where account_id = @accountId and actor_id = @actorId), false)",
            new { accountId = AccountId(user), actorId },
            cancellationToken: cancellationToken));
    }

    /// <summary>The actors a representative speaks for, for their account page.</summary>
    public async Task<IReadOnlyList<RepresentedActor>> RepresentedAsync(long accountId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RepresentedActor>(new CommandDefinition(
            """
            select a.id, a.name, r.trusted
            from actor_representative r join actor a on a.id = r.actor_id
            where r.account_id = @accountId
            order by a.name
            """,
            new { accountId },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }
}

public sealed record RepresentedActor(long Id, string Name, bool Trusted);
