using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Territories;

public sealed record RegionRow(string Code, string Name, int? Population, int Departments, int Communes, bool Overseas)
{
    public TerritoryRef Territory => new(TerritoryLevel.Region, Code, Name);
}

public sealed record RegionList(IReadOnlyList<RegionRow> Regions, long Population, int Departments, int Communes, int Epcis);

/// <summary>France's regions with their key figures, for /territoires.</summary>
public sealed class ListRegions(NpgsqlDataSource dataSource)
{
    public async Task<RegionList> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var regions = (await connection.QueryAsync<RegionRow>(new CommandDefinition("""
            select r.code, r.name, r.population,
                   (select count(*)::int from department d where d.region_code = r.code) as departments,
                   (select count(*)::int from commune c where c.region_code = r.code) as communes,
                   r.code < '11' as overseas
            from region r order by r.code < '11', r.name collate french
            """, cancellationToken: cancellationToken))).ToList();
        var epcis = await connection.ExecuteScalarAsync<int>(new CommandDefinition("select count(*) from epci", cancellationToken: cancellationToken));
        return new RegionList(regions, regions.Sum(r => (long)(r.Population ?? 0)), regions.Sum(r => r.Departments), regions.Sum(r => r.Communes), epcis);
    }
}
