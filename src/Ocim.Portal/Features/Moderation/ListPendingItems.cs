using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Moderation;

/// <summary>One item waiting for a curator: a proposed change of a listing, a « c'est ma structure » request, or an event proposed for a listing.</summary>
public sealed class QueueItem
{
    public required string Kind { get; init; }
    public long Id { get; init; }
    public long ActorId { get; init; }
    public required string ActorName { get; init; }
    public string? DepartmentCode { get; init; }
    public DateTime At { get; init; }
    public string? Who { get; init; }

    /// <summary>What the item is about beyond its listing: the title of a proposed event.</summary>
    public string? Subject { get; init; }

    public string Href => Kind switch
    {
        ListPendingItems.Claims => $"/gestion/moderation/revendications/{Id}",
        ListPendingItems.Events => $"/gestion/moderation/evenements/{Id}",
        _ => $"/gestion/moderation/modifications/{Id}",
    };

    public string KindLabel => Kind switch
    {
        ListPendingItems.Claims => "« C'est ma structure »",
        ListPendingItems.Events => $"Événement proposé : « {Subject} »",
        _ => "Modification de fiche",
    };
}

public sealed record QueueFilter(string? Kind, string? Department);

public sealed record QueuePage(QueueFilter Filter, IReadOnlyList<QueueItem> Items, string? Scope);

/// <summary>
/// The moderation queue, oldest first, limited to the curator's scope (a region or a department; administrators
/// and unscoped curators see everything).
/// </summary>
public sealed class ListPendingItems(NpgsqlDataSource dataSource)
{
    public const string Revisions = "modification";
    public const string Claims = "revendication";
    public const string Events = "evenement";

    public async Task<QueuePage> LoadAsync(long accountId, bool administrator, QueueFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var scope = await StaffScope.ReadAsync(connection, accountId, administrator, cancellationToken);
        var items = await connection.QueryAsync<QueueItem>(new CommandDefinition(
            """
            select * from (
                select 'modification' as kind, r.id, r.actor_id, a.name as actor_name, a.department_code, r.proposed_at as at,
                       coalesce(u.display_name, (select 'campagne « ' || c.title || ' »' from campaign c where c.id = r.campaign_id)) as who,
                       null as subject
                from actor_revision r join actor a on a.id = r.actor_id left join account u on u.id = r.proposed_by
                where r.status = 'pending' and (@kind is null or @kind = 'modification')
                  and (@region is null or a.region_code = @region) and (@department is null or a.department_code = @department)
                  and (@filterDepartment is null or a.department_code = @filterDepartment)
                union all
                select 'revendication', c.id, c.actor_id, a.name, a.department_code, c.created_at, c.name, null
                from actor_claim c join actor a on a.id = c.actor_id
                where c.status = 'pending' and (@kind is null or @kind = 'revendication')
                  and (@region is null or a.region_code = @region) and (@department is null or a.department_code = @department)
                  and (@filterDepartment is null or a.department_code = @filterDepartment)
                union all
                select 'evenement', p.id, p.actor_id, a.name, a.department_code, p.proposed_at, u.display_name, e.title
                from event_proposal p join actor a on a.id = p.actor_id join event e on e.id = p.event_id
                     left join account u on u.id = p.proposed_by
                where p.status = 'pending' and (@kind is null or @kind = 'evenement')
                  and (@region is null or a.region_code = @region) and (@department is null or a.department_code = @department)
                  and (@filterDepartment is null or a.department_code = @filterDepartment)
            ) q
            order by at, kind, id
            limit 500
            """,
            new { kind = filter.Kind, region = scope.Region, department = scope.Department, filterDepartment = filter.Department },
            cancellationToken: cancellationToken));
        return new QueuePage(filter, items.AsList(), scope.Description);
    }
}

/// <summary>A staff account's scope: null region and department for administrators and national curators.</summary>
public sealed record StaffScope(string? Region, string? Department)
{
    public string? Description => Department is not null ? $"département {Department}" : Region is not null ? $"région {Region}" : null;

    public static async Task<StaffScope> ReadAsync(NpgsqlConnection connection, long accountId, bool administrator, CancellationToken cancellationToken)
    {
        if (administrator)
        {
            return new StaffScope(null, null);
        }

        var row = await connection.QueryFirstOrDefaultAsync<ScopeRow>(new CommandDefinition(
            "select curator_region_code as region, curator_department_code as department from account where id = @accountId",
            new { accountId },
            cancellationToken: cancellationToken));
        return new StaffScope(row?.Region, row?.Department);
    }

    private sealed class ScopeRow
    {
        public string? Region { get; init; }
        public string? Department { get; init; }
    }
}
