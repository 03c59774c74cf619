using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using Ocim.Portal.Data;
using Ocim.Portal.Infrastructure;

namespace Ocim.Portal.Features.Territories;

/// <summary>
/// Loads France's territories (regions, departments, communes: GeoJSON) and their reference data (COG 2026,
/// INSEE populations 2023, EPCI 2025) from the data folder, once: a database that already has regions is left alone.
/// Everything happens in one transaction, so an interrupted load leaves nothing behind. Each step is logged.
/// </summary>
public sealed partial class LoadTerritories(NpgsqlDataSource dataSource, DataDirectory data, ILogger<LoadTerritories> logger)
{
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<bool>("select exists (select 1 from region)"))
        {
            LogAlreadyLoaded(logger);
            return false;
        }

        var total = Stopwatch.StartNew();
        LogStart(logger, data.Path);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(StagingTables, transaction: transaction);

        await StageOutlinesAsync(connection, "region", data.File("territories", "regions.geojson"), parentProperty: null, cancellationToken);
        await StageOutlinesAsync(connection, "department", data.File("territories", "departements.geojson"), parentProperty: "region", cancellationToken);
        await StageOutlinesAsync(connection, "commune", data.File("territories", "communes.geojson.gz"), parentProperty: "departement", cancellationToken);

        await StageCsvAsync(connection, "stage_cog", data.File("reference", "cog_communes_2026.csv"), cancellationToken);
        await StageCsvAsync(connection, "stage_population", data.File("reference", "insee_population_communes_2023.csv"), cancellationToken);
        await StageCsvAsync(connection, "stage_epci", data.File("reference", "epci_2025.csv"), cancellationToken);
        await StageCsvAsync(connection, "stage_epci_member", data.File("reference", "epci_composition_communale_2025.csv"), cancellationToken);

        foreach (var (name, sql) in Steps(SqlScripts.Read("LoadTerritories.sql")))
        {
            var step = Stopwatch.StartNew();
#pragma warning disable CA2100 // The statements come from the embedded LoadTerritories.sql, never from input.
            await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
#pragma warning restore CA2100
            await command.ExecuteNonQueryAsync(cancellationToken);
            var seconds = step.Elapsed.TotalSeconds;
            LogStep(logger, name, seconds);
        }

        await transaction.CommitAsync(cancellationToken);
        await connection.ExecuteAsync("analyze region; analyze department; analyze epci; analyze commune;");

        foreach (var row in await connection.QueryAsync<(string Key, int Value, string Description)>(
                     "select key, value, description from reference_load_report order by key"))
        {
            LogReport(logger, row.Description, row.Value);
        }

        var totalSeconds = total.Elapsed.TotalSeconds;
        LogDone(logger, totalSeconds);
        return true;
    }

    private const string StagingTables = """
        create temp table stage_outline (level text not null, code text not null, name text not null, parent text, geojson text not null) on commit drop;
        create temp table stage_cog (typecom text, com text, reg text, dep text, ctcd text, arr text, tncc text, ncc text,
            nccenr text, libelle text, can text, comparent text) on commit drop;
        create temp table stage_population (reg text, region_name text, dep text, codarr text, codcan text, codcom text,
            com text, commune text, pmun text, pcap text, ptot text, type_code text, millesime text) on commit drop;
        create temp table stage_epci (siren text, raison_sociale text, nature_juridique text, mode_financ text,
            nb_membres text, total_pop_tot text, total_pop_mun text, dept_siege text) on commit drop;
        create temp table stage_epci_member (dept text, siren text, raison_sociale text, nature_juridique text, mode_financ text,
            nb_membres text, total_pop_tot text, total_pop_mun text, dep_com text, insee text, siren_membre text,
            nom_membre text, ptot_2025 text, pmun_2025 text) on commit drop;
        """;

    /// <summary>Copies one GeoJSON FeatureCollection into stage_outline; PostGIS parses the geometries.</summary>
    private async Task StageOutlinesAsync(NpgsqlConnection connection, string level, string path, string? parentProperty, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var fileName = Path.GetFileName(path);
        await using var file = File.OpenRead(path);
        await using Stream input = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var document = await JsonDocument.ParseAsync(input, cancellationToken: cancellationToken);

        var features = document.RootElement.GetProperty("features");
        var count = 0;
        await using (var writer = await connection.BeginBinaryImportAsync(
                         "copy stage_outline (level, code, name, parent, geojson) from stdin (format binary)", cancellationToken))
        {
            foreach (var feature in features.EnumerateArray())
            {
                var properties = feature.GetProperty("properties");
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(level, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(properties.GetProperty("code").GetString(), NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(properties.GetProperty("nom").GetString(), NpgsqlDbType.Text, cancellationToken);
                if (parentProperty is null)
                {
                    await writer.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await writer.WriteAsync(properties.GetProperty(parentProperty).GetString(), NpgsqlDbType.Text, cancellationToken);
                }

                await writer.WriteAsync(feature.GetProperty("geometry").GetRawText(), NpgsqlDbType.Text, cancellationToken);
                if (++count % 10_000 == 0)
                {
                    LogProgress(logger, fileName, count);
                }
            }

            await writer.CompleteAsync(cancellationToken);
        }

        LogStaged(logger, fileName, count, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Streams a UTF-8 CSV file with a header row into a staging table of text columns, in file order.</summary>
    private async Task StageCsvAsync(NpgsqlConnection connection, string table, string path, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using (var reader = new StreamReader(path, System.Text.Encoding.UTF8))
        await using (var writer = await connection.BeginTextImportAsync(
                         $"copy {table} from stdin (format csv, header true, encoding 'UTF8')", cancellationToken))
        {
            var buffer = new char[64 * 1024];
            int read;
            while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }

        var rows = await connection.ExecuteScalarAsync<long>($"select count(*) from {table}");
        var seconds = clock.Elapsed.TotalSeconds;
        var fileName = Path.GetFileName(path);
        LogStaged(logger, fileName, rows, seconds);
    }

    /// <summary>Splits LoadTerritories.sql at its "-- step: name" markers.</summary>
    internal static IEnumerable<(string Name, string Sql)> Steps(string script)
    {
        const string marker = "-- step: ";
        var parts = script.Split(marker);
        foreach (var part in parts.Skip(1))
        {
            var newline = part.IndexOf('\n', StringComparison.Ordinal);
            yield return (part[..newline].Trim(), part[(newline + 1)..]);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Territories already loaded: nothing to do")]
    private static partial void LogAlreadyLoaded(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loading France's territories from {DataPath} (one transaction; a few minutes on first run)")]
    private static partial void LogStart(ILogger logger, string dataPath);

    [LoggerMessage(Level = LogLevel.Information, Message = "  {File}: {Count} features read…")]
    private static partial void LogProgress(ILogger logger, string file, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "  {File}: {Rows} rows staged in {Seconds:0.0} s")]
    private static partial void LogStaged(ILogger logger, string file, long rows, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "  {Step}: {Seconds:0.0} s")]
    private static partial void LogStep(ILogger logger, string step, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "  report: {Description}: {Value}")]
    private static partial void LogReport(ILogger logger, string description, int value);

    [LoggerMessage(Level = LogLevel.Information, Message = "Territories loaded in {Seconds:0.0} s (details on /territoires/sources)")]
    private static partial void LogDone(ILogger logger, double seconds);
}
