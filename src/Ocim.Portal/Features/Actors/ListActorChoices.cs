using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Actors;

public sealed record Choice(string Value, string Label);

/// <summary>The options of the list's filter form: families, vocabularies, regions and departments.</summary>
public sealed record ActorChoices(
    IReadOnlyList<Choice> Families,
    IReadOnlyList<Choice> ActionTypes,
    IReadOnlyList<Choice> Themes,
    IReadOnlyList<Choice> Audiences,
    IReadOnlyList<Choice> Regions,
    IReadOnlyList<Choice> Departments);

public sealed class ListActorChoices(NpgsqlDataSource dataSource)
{
    public async Task<ActorChoices> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var families = await connection.QueryAsync<Choice>(new CommandDefinition(
            "select slug as value, name as label from actor_family order by sort_order, name", cancellationToken: cancellationToken));
        var vocabulary = (await connection.QueryAsync<(string Kind, string Slug, string Label)>(new CommandDefinition(
            "select kind, slug, label from actor_vocabulary order by kind, sort_order, label", cancellationToken: cancellationToken))).ToList();
        var regions = await connection.QueryAsync<Choice>(new CommandDefinition(
            "select code as value, name as label from region order by name collate french", cancellationToken: cancellationToken));
        var departments = await connection.QueryAsync<Choice>(new CommandDefinition(
            "select code as value, code || ' – ' || name as label from department order by code", cancellationToken: cancellationToken));

        List<Choice> Of(string kind) => vocabulary.Where(v => v.Kind == kind).Select(v => new Choice(v.Slug, v.Label)).ToList();

        return new ActorChoices(families.ToList(), Of("action"), Of("theme"), Of("audience"), regions.ToList(), departments.ToList());
    }
}
