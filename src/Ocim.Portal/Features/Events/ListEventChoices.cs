using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Events;

public sealed record Choice(string Value, string Label);

/// <summary>The options of the catalogue's filter form.</summary>
public sealed record EventChoices(IReadOnlyList<Choice> Regions, IReadOnlyList<Choice> Departments, IReadOnlyList<Choice> Themes, IReadOnlyList<Choice> Organisers);

public sealed class ListEventChoices(NpgsqlDataSource dataSource)
{
    public async Task<EventChoices> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        using var grid = await connection.QueryMultipleAsync(new CommandDefinition("""
            select code as value, name as label from region order by name collate french;
            select code as value, code || ' – ' || name as label from department order by code;
            select slug as value, label from actor_vocabulary where kind = 'theme' order by sort_order, label;
            select distinct a.id::text as value, a.name as label from event e join actor a on a.id = e.organiser_actor_id
            where e.status <> 'draft' order by 2;
            """, cancellationToken: cancellationToken));
        return new EventChoices(
            (await grid.ReadAsync<Choice>()).ToList(),
            (await grid.ReadAsync<Choice>()).ToList(),
            (await grid.ReadAsync<Choice>()).ToList(),
            (await grid.ReadAsync<Choice>()).ToList());
    }
}
