using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Territories;

public sealed record TerritoryAtPoint(string CommuneCode, string DepartmentCode, string RegionCode, string? EpciSiren);

/// <summary>The commune (and its department, region, EPCI) a WGS 84 point lies in; null at sea or abroad.</summary>
public sealed class LocateTerritory(NpgsqlDataSource dataSource)
{
    public async Task<TerritoryAtPoint?> LocateAsync(double longitude, double latitude, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<TerritoryAtPoint>(new CommandDefinition(
            "select commune_code, department_code, region_code, epci_siren from resolve_territory(@longitude, @latitude)",
            new { longitude, latitude }, cancellationToken: cancellationToken));
    }
}
