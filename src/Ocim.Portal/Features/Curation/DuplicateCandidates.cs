using System.Globalization;
using Dapper;
using Npgsql;
using Ocim.Portal.Infrastructure.Background;

namespace Ocim.Portal.Features.Curation;

/// <summary>Settings of the duplicate candidates' worker (section Curation:Duplicates), read once.</summary>
public sealed record DuplicateCandidateSettings
{
    /// <summary>Whether this process drains the queue in the background (Curation:Duplicates:Enabled).</summary>
    public bool WorkerEnabled { get; init; } = true;

    /// <summary>The pause once the queue is empty (Curation:Duplicates:PollSeconds).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Listings computed per transaction by the worker (Curation:Duplicates:BatchSize).</summary>
    public int BatchSize { get; init; } = 200;

    /// <summary>Listings of the requested department the page computes before it reads (Curation:Duplicates:PageBatchSize).</summary>
    public int PageBatchSize { get; init; } = 20;

    public static DuplicateCandidateSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("Curation:Duplicates");
        var defaults = new DuplicateCandidateSettings();
        return new DuplicateCandidateSettings
        {
            WorkerEnabled = section.GetValue("Enabled", defaults.WorkerEnabled),
            PollInterval = section["PollSeconds"] is { Length: > 0 } seconds
                ? TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture)) : defaults.PollInterval,
            BatchSize = Math.Max(1, section.GetValue("BatchSize", defaults.BatchSize)),
            PageBatchSize = Math.Max(0, section.GetValue("PageBatchSize", defaults.PageBatchSize)),
        };
    }
}

/// <summary>
/// Computes the queued listings' duplicate candidates (actor_duplicate_drain, 013_duplicate_candidates.sql): each
/// call claims a batch with FOR UPDATE SKIP LOCKED and rewrites its pairs in one transaction, so concurrent callers
/// (the worker, a page, another instance) never compute a listing twice for one change.
/// </summary>
public sealed class DrainDuplicateCandidates(NpgsqlDataSource dataSource)
{
    /// <summary>One batch of up to <paramref name="batchSize"/> listings (of one department when given), committed; how many were taken.</summary>
    public async Task<int> DrainOnceAsync(int batchSize, string? department, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await DrainOnceAsync(connection, null, batchSize, department, cancellationToken);
    }

    /// <summary>
    /// One batch in the caller's transaction (its claim holds until the caller commits or rolls back). Without
    /// <paramref name="waitForLock"/>, nothing is done (0) while another batch writes: for a page, which must not wait.
    /// </summary>
    public static Task<int> DrainOnceAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, int batchSize, string? department, CancellationToken cancellationToken, bool waitForLock = true) =>
        connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "select actor_duplicate_drain(@batchSize, @department, @waitForLock)",
            new { batchSize, department, waitForLock }, transaction, commandTimeout: 600, cancellationToken: cancellationToken));

    /// <summary>Batches until the queue is empty (or only holds listings claimed by others); how many this caller took.</summary>
    public async Task<int> DrainAllAsync(int batchSize, CancellationToken cancellationToken)
    {
        var total = 0;
        int taken;
        do
        {
            taken = await DrainOnceAsync(batchSize, null, cancellationToken);
            total += taken;
        }
        while (taken > 0 && !cancellationToken.IsCancellationRequested);
        return total;
    }

    /// <summary>Listings still waiting for their pairs: of a department, or all.</summary>
    public static Task<int> PendingAsync(NpgsqlConnection connection, string? department, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<int>(new CommandDefinition(
            department is null
                ? "select count(*) from actor_duplicate_queue"
                : "select count(*) from actor_duplicate_queue where department_code = @department",
            new { department }, cancellationToken: cancellationToken));
}

/// <summary>
/// Drains the duplicate candidates' queue in the background: batches while there is work, then a pause
/// (Curation:Duplicates:PollSeconds). A failed pass (the database restarting, a deadlock) is logged; its claim is
/// rolled back with it, so the listings are computed at the next pass.
/// </summary>
public sealed partial class DuplicateCandidateWorker(DrainDuplicateCandidates drain, DuplicateCandidateSettings settings, ILogger<DuplicateCandidateWorker> logger) : PeriodicWorker(logger)
{
    protected override bool Enabled => settings.WorkerEnabled;

    protected override TimeSpan Interval => settings.PollInterval;

    protected override string Name => "Duplicate candidates";

    protected override async Task RunPassAsync(CancellationToken stoppingToken)
    {
        var taken = await drain.DrainAllAsync(settings.BatchSize, stoppingToken);
        if (taken > 0)
        {
            LogDrained(logger, taken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate candidates computed for {Count} listings")]
    private static partial void LogDrained(ILogger logger, int count);
}
