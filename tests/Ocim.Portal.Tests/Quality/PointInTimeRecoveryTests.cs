using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Ocim.Portal.Features.Actors;
using Ocim.Portal.Infrastructure.Database;
using Ocim.Portal.Tests.Features.Actors;
using Ocim.Portal.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ocim.Portal.Tests.Quality;

/// <summary>
/// QUALITY.md D1, the restore drill: seed, base backup, more writes, note T, a destructive change, then
/// ./portal db pitr to T on another port. The restored server holds the seed and the writes up to T, nothing after;
/// the app starts on it (/health/ready 200, a listing page 200) within 60 s of the command's start. The drill runs
/// on a throwaway cluster of its own (PORTAL_STATE, PORTAL_PG_PORT): the shared test server is never restarted nor
/// reconfigured.
/// </summary>
public sealed class PointInTimeRecoveryTests(ThrowawayCluster cluster, ITestOutputHelper output) : IClassFixture<ThrowawayCluster>
{
    private static readonly TimeSpan RecoveryTimeObjective = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Restores_to_the_noted_instant_on_another_port_and_the_app_serves_it_within_the_recovery_time_objective()
    {
        var seed = new[] { "Muséum de l'instant", "Planétarium du journal", "Jardin des archives" };
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var connection = await cluster.OpenAsync())
        {
            foreach (var name in seed)
            {
                ids[name] = await new ActorPageSeed { Name = name }.InsertAsync(connection);
            }
        }

        var backup = await cluster.BaseBackupAsync("drill");

        // Writes after the base backup and before T: they come back from the archived WAL, not from the backup.
        DateTime target;
        await using (var connection = await cluster.OpenAsync())
        {
            ids["Atelier d'avant"] = await new ActorPageSeed { Name = "Atelier d'avant" }.InsertAsync(connection);
            await connection.ExecuteAsync("update actor set name = 'Jardin des archives rénové' where id = @id", new { id = ids["Jardin des archives"] });
            target = await connection.ExecuteScalarAsync<DateTime>("select now()");
            await new ActorPageSeed { Name = "Atelier d'après" }.InsertAsync(connection);
            await connection.ExecuteAsync("drop table actor cascade");
        }

        await cluster.ArchiveCurrentSegmentAsync();

        var port = FreePort();
        var into = Path.Combine(cluster.State, "restored");
        cluster.Started(into);
        var clock = Stopwatch.StartNew();
        var pitr = await cluster.PortalAsync("db", "pitr", backup, ThrowawayCluster.Utc(target), "--port", Port(port), "--into", into);
        Assert.True(pitr.ExitCode == 0, pitr.Output);
        var restored = pitr.Output.Split('\n').Single(line => line.StartsWith("Host=", StringComparison.Ordinal)).Trim();
        Assert.Contains($"Port={Port(port)};", restored, StringComparison.Ordinal);

        await using (var factory = new PortalFactory(restored))
        {
            using var client = factory.CreatePageClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
            clock.Stop();

            var (page, document) = await client.GetPageAsync(ActorLinks.Href(ids["Atelier d'avant"], "Atelier d'avant"));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("Atelier d'avant", document.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        }

        output.WriteLine($"RTO (./portal db pitr started → /health/ready 200): {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(clock.Elapsed <= RecoveryTimeObjective, $"RTO {clock.Elapsed.TotalSeconds:0.0} s > {RecoveryTimeObjective.TotalSeconds} s");

        await using (var connection = new NpgsqlConnection(restored))
        {
            var names = (await connection.QueryAsync<string>("select name from actor order by name")).ToList();
            Assert.Equal(["Atelier d'avant", "Jardin des archives rénové", "Muséum de l'instant", "Planétarium du journal"], names);
            Assert.False(await connection.ExecuteScalarAsync<bool>("select pg_is_in_recovery()"));
            // Promoted: the restored server takes writes.
            await new ActorPageSeed { Name = "Après la reprise" }.InsertAsync(connection);
        }

        NpgsqlConnection.ClearPool(new NpgsqlConnection(restored));

        // The source cluster went on untouched: the destructive change is still there, on its own port.
        await using (var source = await cluster.OpenAsync())
        {
            Assert.Equal(0, await source.ExecuteScalarAsync<int>("select count(*) from pg_tables where tablename = 'actor'"));
        }
    }

    [Fact]
    public async Task Refuses_a_time_it_cannot_read_a_missing_base_backup_and_a_folder_that_is_not_empty_and_creates_nothing()
    {
        var backup = await cluster.ReferenceBackupAsync();
        var later = ThrowawayCluster.Utc(DateTime.UtcNow);
        var port = Port(FreePort());
        var before = cluster.Snapshot();

        var unreadable = await cluster.PortalAsync("db", "pitr", backup, "hier à 14 h", "--port", port);
        Assert.NotEqual(0, unreadable.ExitCode);
        Assert.Contains("time 'hier à 14 h' is not understood", unreadable.Output, StringComparison.Ordinal);

        var withoutZone = await cluster.PortalAsync("db", "pitr", backup, "2026-11-21 14:03:00", "--port", port);
        Assert.NotEqual(0, withoutZone.ExitCode);
        Assert.Contains("is not understood", withoutZone.Output, StringComparison.Ordinal);

        var missing = await cluster.PortalAsync("db", "pitr", Path.Combine(cluster.State, "no-such-backup"), later, "--port", port);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("base backup not found", missing.Output, StringComparison.Ordinal);

        var tooEarly = await cluster.PortalAsync("db", "pitr", backup, "2020-01-01 00:00:00+00", "--port", port);
        Assert.NotEqual(0, tooEarly.ExitCode);
        Assert.Contains("is not after the end of the base backup", tooEarly.Output, StringComparison.Ordinal);

        var busy = await cluster.PortalAsync("db", "pitr", backup, later, "--port", Port(cluster.Port));
        Assert.NotEqual(0, busy.ExitCode);
        Assert.Contains($"port {cluster.Port} is in use", busy.Output, StringComparison.Ordinal);

        var occupied = Path.Combine(cluster.State, "occupied");
        Directory.CreateDirectory(occupied);
        await File.WriteAllTextAsync(Path.Combine(occupied, "notes.txt"), "à garder");
        var nonEmpty = await cluster.PortalAsync("db", "pitr", backup, later, "--port", port, "--into", occupied);
        Assert.NotEqual(0, nonEmpty.ExitCode);
        Assert.Contains("is not empty: nothing was changed", nonEmpty.Output, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(occupied).Select(Path.GetFileName));
        Directory.Delete(occupied, recursive: true);

        // Nothing created anywhere in the cluster's folder, and no server listens on the port asked for.
        Assert.Equal(before, cluster.Snapshot());
        Assert.True(IsFree(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task A_base_backup_never_overwrites_a_folder()
    {
        var existing = Path.Combine(cluster.State, "basebackups", "existing");
        Directory.CreateDirectory(existing);
        await File.WriteAllTextAsync(Path.Combine(existing, "notes.txt"), "à garder");

        var refused = await cluster.PortalAsync("db", "basebackup", existing);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("already exists: a base backup is never overwritten", refused.Output, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(existing).Select(Path.GetFileName));
        Assert.False(Directory.Exists(existing + ".partial"));
        Directory.Delete(existing, recursive: true);
    }

    [Fact]
    public async Task Archiving_never_overwrites_a_segment_and_resumes_once_the_stray_file_is_gone()
    {
        var status = await cluster.PortalAsync("db", "archive", "status");
        Assert.True(status.ExitCode == 0, status.Output);
        Assert.Contains("WAL archiving: on", status.Output, StringComparison.Ordinal);

        await using var connection = await cluster.OpenAsync();
        // A record first, so that the current position is inside the segment to come, not at the end of an archived one.
        var segment = await connection.ExecuteScalarAsync<string>(
            "select pg_walfile_name(pg_logical_emit_message(false, 'ocim-drill', 'stray'))");
        var stray = Path.Combine(cluster.State, "wal-archive", segment!);
        await using (var file = new FileStream(stray, FileMode.CreateNew))
        {
            await file.WriteAsync("un autre segment du même nom"u8.ToArray());
        }
        var failuresBefore = await connection.ExecuteScalarAsync<long>("select failed_count from pg_stat_archiver");
        try
        {
            await connection.ExecuteAsync("select pg_switch_wal()");
            var deadline = Stopwatch.StartNew();
            while (await connection.ExecuteScalarAsync<long>("select failed_count from pg_stat_archiver") == failuresBefore)
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the archiver did not report the refused segment");
                await Task.Delay(100);
            }

            Assert.Equal(segment, await connection.ExecuteScalarAsync<string>("select last_failed_wal from pg_stat_archiver"));
            Assert.Equal("un autre segment du même nom", await File.ReadAllTextAsync(stray));
            var failing = await cluster.PortalAsync("db", "archive", "status");
            Assert.Contains($"failures, last {segment} at", failing.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(stray);
        }

        // The segment waits for its turn: once the stray file is gone, it is archived whole, then the next ones.
        await cluster.ArchiveCurrentSegmentAsync();
        Assert.Equal(16L * 1024 * 1024, new FileInfo(stray).Length);
    }

    [Fact]
    public async Task Refuses_to_archive_or_restore_the_server_of_PORTAL_DB()
    {
        var refused = await cluster.PortalAsync(new Dictionary<string, string> { ["PORTAL_DB"] = cluster.ConnectionString }, "db", "archive", "on");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("works on the local cluster only", refused.Output, StringComparison.Ordinal);
    }

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}

/// <summary>
/// A PostgreSQL cluster of the drill's own, made by ./portal in a temporary folder (PORTAL_STATE) on a free port
/// (PORTAL_PG_PORT), WAL archiving on, the portal's schema migrated. Stopped and deleted afterwards, with every
/// restored server started from it, whatever the outcome.
/// </summary>
public sealed class ThrowawayCluster : IAsyncLifetime
{
    private readonly List<string> restoredDirectories = [];
    private Task<string>? referenceBackup;

    public string State { get; } = Directory.CreateTempSubdirectory("ocim-pitr-").FullName;

    public int Port { get; private set; }

    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>A time as ./portal db pitr reads it: UTC, to the microsecond, with its zone.</summary>
    public static string Utc(DateTime time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture) + "+00";

    public async Task InitializeAsync()
    {
        try
        {
            await CreateAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task CreateAsync()
    {
        // As root the cluster runs as postgres, which must get through this folder (created with mode 700).
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(State, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var start = await PortalAsync(new Dictionary<string, string> { ["PORTAL_PG_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture) }, "db", "start");
        Assert.True(start.ExitCode == 0, start.Output);
        var archive = await PortalAsync("db", "archive", "on");
        Assert.True(archive.ExitCode == 0, archive.Output);

        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "portal",
            Password = (await File.ReadAllTextAsync(Path.Combine(State, "pg.password"))).Trim(),
            Database = "ocim_portal",
        }.ConnectionString;
        await using var services = AppServices(ConnectionString);
        await DatabaseSetup.MigrateAsync(services);
    }

    public async Task DisposeAsync()
    {
        foreach (var directory in restoredDirectories.Append(Path.Combine(State, "pgdata")))
        {
            if (File.Exists(Path.Combine(directory, "postmaster.pid")))
            {
                await PgCtlStopAsync(directory);
            }
        }

        if (ConnectionString.Length > 0)
        {
            NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        }

        if (Directory.Exists(State))
        {
            Directory.Delete(State, recursive: true);
        }
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>A restored server was (or may have been) started in this folder: stopped at the end.</summary>
    public void Started(string directory) => restoredDirectories.Add(directory);

    public async Task<string> BaseBackupAsync(string name)
    {
        var directory = Path.Combine(State, "basebackups", name);
        var result = await PortalAsync("db", "basebackup", directory);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.False(Directory.Exists(directory + ".partial"));
        return directory;
    }

    /// <summary>One base backup the refusal tests share (they only read it).</summary>
    public Task<string> ReferenceBackupAsync() => referenceBackup ??= BaseBackupAsync("reference");

    /// <summary>Closes the current WAL segment and waits until it is in the archive: the writes so far can be replayed.</summary>
    public async Task ArchiveCurrentSegmentAsync()
    {
        await using var connection = await OpenAsync();
        // A WAL record first: with nothing written since the last switch, pg_switch_wal would switch nothing and
        // the archiver (asleep after failures) would not be woken.
        await connection.ExecuteAsync("select pg_logical_emit_message(false, 'ocim-drill', 'switch')");
        var segment = await connection.ExecuteScalarAsync<string>("select pg_walfile_name(pg_switch_wal())");
        var file = Path.Combine(State, "wal-archive", segment!);
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(file))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"segment {segment} was not archived within 30 s");
            await Task.Delay(100);
        }
    }

    /// <summary>Every file and folder under the cluster's folder, except the running cluster's data and its log.</summary>
    public List<string> Snapshot() =>
    [
        .. Directory.EnumerateFileSystemEntries(State, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(State, path))
            .Where(path => !path.StartsWith("pgdata", StringComparison.Ordinal) && !path.StartsWith("wal-archive", StringComparison.Ordinal) && path != "postgresql.log")
            .Order(StringComparer.Ordinal),
    ];

    public Task<(int ExitCode, string Output)> PortalAsync(params string[] arguments) => PortalAsync(new Dictionary<string, string>(), arguments);

    /// <summary>Runs the repository's ./portal on this cluster (PORTAL_STATE), never on the shared test server.</summary>
    public async Task<(int ExitCode, string Output)> PortalAsync(Dictionary<string, string> environment, params string[] arguments)
    {
        var root = Path.GetDirectoryName(TestDatabase.DataDirectory)!;
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(root, "portal"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("PORTAL_DB");
        start.Environment["PORTAL_STATE"] = State;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var outputText = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await outputText + error);
    }

    private static async Task PgCtlStopAsync(string directory)
    {
        var pgCtl = "/usr/lib/postgresql/15/bin/pg_ctl";
        var start = Environment.IsPrivilegedProcess
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", pgCtl, "-D", directory, "-m", "immediate", "-w", "stop"])
            : new ProcessStartInfo(pgCtl, ["-D", directory, "-m", "immediate", "-w", "stop"]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        await process.StandardOutput.ReadToEndAsync();
        await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
    }

    /// <summary>The app's services outside HTTP (migrations), bound to this cluster.</summary>
    private static ServiceProvider AppServices(string connectionString)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Portal"] = connectionString,
            })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddPortalDatabase();
        return services.BuildServiceProvider();
    }
}
