using System.Diagnostics;
using Dapper;
using Npgsql;
using Ocim.Portal.Infrastructure;

namespace Ocim.Portal.Features.Places;

/// <summary>
/// Fills the place index (016_places.sql) once the territories are loaded: La Poste's postal codes from
/// data/reference/postal_codes_2025.csv, then one row per commune, department, region and EPCI. A database whose
/// index is already built is left alone; everything happens in one transaction.
/// </summary>
public sealed partial class LoadPlaces(NpgsqlDataSource dataSource, DataDirectory data, ILogger<LoadPlaces> logger)
{
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<bool>("select exists (select 1 from place) or not exists (select 1 from region)"))
        {
            return false;
        }

        var clock = Stopwatch.StartNew();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            "create temp table stage_postal (code text, type text, parent text, postal_codes text) on commit drop; delete from postal_code;",
            transaction: transaction);
        using (var reader = new StreamReader(data.File("reference", "postal_codes_2025.csv"), System.Text.Encoding.UTF8))
        await using (var writer = await connection.BeginTextImportAsync(
                         "copy stage_postal from stdin (format csv, header true, encoding 'UTF8')", cancellationToken))
        {
            var buffer = new char[64 * 1024];
            int read;
            while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }

        // A municipal arrondissement's codes belong to its city too (the 2018 outlines of Paris, Lyon and Marseille
        // are one commune each).
        await connection.ExecuteAsync("""
            insert into postal_code (postal_code, commune_code)
            select distinct p, coalesce(nullif(s.parent, ''), s.code)
            from stage_postal s cross join lateral unnest(string_to_array(s.postal_codes, ' ')) p
            union
            select distinct p, s.code
            from stage_postal s cross join lateral unnest(string_to_array(s.postal_codes, ' ')) p
            """, transaction: transaction);
        var places = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "select build_place_index()", transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        // Vacuumed so that the prefix search reads its covering index alone (index-only scans need the visibility map).
        await connection.ExecuteAsync("vacuum analyze postal_code");
        await connection.ExecuteAsync("vacuum analyze place");
        LogLoaded(logger, places, clock.Elapsed.TotalSeconds);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Place index built: {Places} places in {Seconds:0.0} s")]
    private static partial void LogLoaded(ILogger logger, int places, double seconds);
}
