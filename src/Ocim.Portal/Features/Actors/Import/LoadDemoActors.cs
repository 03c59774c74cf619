using System.Diagnostics;
using Dapper;
using Npgsql;
using Ocim.Portal.Infrastructure;

namespace Ocim.Portal.Features.Actors.Import;

/// <summary>What the demo load did for one source.</summary>
public sealed record DemoSourceReport(string Source, int Rows, int Imported, int Skipped, int Rejected, IReadOnlyList<ImportError> Problems);

/// <summary>
/// Loads the demo inventory on first run: when the actor table is empty, every source of <see cref="DemoSources"/>
/// (real open data committed under data/actors/) goes through <see cref="WriteActors"/> in partial mode, all in one
/// transaction, so an interruption leaves nothing behind and the next run starts again. Rows left out or rejected
/// are logged per source with their reasons; a few bad rows never fail the whole seed.
/// </summary>
public sealed partial class LoadDemoActors(NpgsqlDataSource dataSource, DataDirectory data, WriteActors write, ILogger<LoadDemoActors> logger)
{
    /// <summary>How many problems of each source are written to the log one by one; the rest are counted.</summary>
    private const int ProblemsLogged = 20;

    public async Task<IReadOnlyList<DemoSourceReport>> RunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition("select exists (select 1 from actor)", cancellationToken: cancellationToken)))
        {
            LogAlreadyLoaded(logger);
            return [];
        }

        var total = Stopwatch.StartNew();
        LogStart(logger, data.File("actors"));
        var reports = new List<DemoSourceReport>();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var source in DemoSources.All)
        {
            var clock = Stopwatch.StartNew();
            LogSource(logger, source.Name, source.FileName);
            var content = source.Read(data.File("actors", source.FileName));
            var outcome = await write.WriteAsync(connection, content.Records, [], new ImportOptions(Partial: true), cancellationToken);
            var problems = content.Skipped.Concat(outcome.Errors).OrderBy(e => e.Line).ToList();
            var report = new DemoSourceReport(source.Name, content.Rows, outcome.Inserted + outcome.Updated + outcome.Unchanged,
                content.Skipped.Count, outcome.Rejected, problems);
            reports.Add(report);
            var seconds = clock.Elapsed.TotalSeconds;
            LogSourceDone(logger, source.Name, report.Rows, report.Imported, report.Skipped, report.Rejected, seconds);
            foreach (var reason in problems.GroupBy(p => Summary(p.Reason)).OrderByDescending(g => g.Count()))
            {
                LogReason(logger, source.Name, reason.Count(), reason.Key);
            }

            foreach (var problem in problems.Take(ProblemsLogged))
            {
                LogProblem(logger, source.Name, problem.Line, problem.Column, problem.Value, problem.Reason);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        await connection.ExecuteAsync("analyze actor");
        var totalSeconds = total.Elapsed.TotalSeconds;
        LogDone(logger, reports.Sum(r => r.Imported), totalSeconds);
        return reports;
    }

    /// <summary>A reason without the values it quotes (codes, coordinates), so that problems group by kind in the log.</summary>
    private static string Summary(string reason)
    {
        var general = ValueInReason().Replace(reason, "…");
        var cut = general.IndexOf(':', StringComparison.Ordinal);
        return cut > 0 ? general[..cut].TrimEnd() : general;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\(?[^\s(]*[0-9][^\s)]*\)?")]
    private static partial System.Text.RegularExpressions.Regex ValueInReason();

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo actors: the actor table is not empty, nothing to load")]
    private static partial void LogAlreadyLoaded(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loading the demo actors from {DataPath} (real open data, one transaction; about a minute)")]
    private static partial void LogStart(ILogger logger, string dataPath);

    [LoggerMessage(Level = LogLevel.Information, Message = "  {Source}: reading {File}…")]
    private static partial void LogSource(ILogger logger, string source, string file);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "  {Source}: {Rows} rows, {Imported} imported, {Skipped} left out, {Rejected} rejected, in {Seconds:0.0} s")]
    private static partial void LogSourceDone(ILogger logger, string source, int rows, int imported, int skipped, int rejected, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "  {Source}: {Count} × {Reason}")]
    private static partial void LogReason(ILogger logger, string source, int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "  {Source}: line {Line}, column {Column}, value \"{Value}\": {Reason}")]
    private static partial void LogProblem(ILogger logger, string source, int line, string column, string value, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo actors loaded: {Count} listings in {Seconds:0.0} s")]
    private static partial void LogDone(ILogger logger, int count, double seconds);
}
