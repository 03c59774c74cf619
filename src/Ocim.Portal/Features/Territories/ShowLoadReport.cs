using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Territories;

public sealed record LoadReportLine(string Key, int Value, string Description);

public sealed record UnmatchedRow(string Source, string Code, string? Name, string Reason);

public sealed record LoadReport(DateTimeOffset? LoadedAt, IReadOnlyList<LoadReportLine> Lines, IReadOnlyList<UnmatchedRow> Unmatched);

/// <summary>What the reference load matched and what it could not place, for /territoires/sources.</summary>
public sealed class ShowLoadReport(NpgsqlDataSource dataSource)
{
    public async Task<LoadReport> ShowAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var lines = (await connection.QueryAsync<LoadReportLine>(new CommandDefinition(
            "select key, value, description from reference_load_report order by key", cancellationToken: cancellationToken))).ToList();
        var loadedAt = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            "select max(loaded_at) from reference_load_report", cancellationToken: cancellationToken));
        var unmatched = (await connection.QueryAsync<UnmatchedRow>(new CommandDefinition(
            "select source, code, name, reason from reference_unmatched order by source, code", cancellationToken: cancellationToken))).ToList();
        return new LoadReport(loadedAt is null ? null : new DateTimeOffset(DateTime.SpecifyKind(loadedAt.Value, DateTimeKind.Utc)), lines, unmatched);
    }
}
