using System.Diagnostics;
using System.Net;
using Dapper;
using Npgsql;
using Ocim.Portal.Tests.Features.Actors;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Quality;

/// <summary>
/// ./portal db backup and ./portal db restore, run as an operator would (PORTAL_DB names the database): the whole
/// database comes back (every table's rows and checksum, every geometry) and the app serves the restored copy; a
/// database that holds data is replaced only with --force, and a failed restore leaves it as it was.
/// </summary>
public sealed class BackupTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("ocim-backup-").FullName;
    private readonly List<string> created = [];

    public void Dispose()
    {
        foreach (var name in created)
        {
            TestDatabase.DropAsync(name).GetAwaiter().GetResult();
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_backup_restores_into_a_new_database_with_every_row_and_geometry_and_the_app_serves_it()
    {
        long listing;
        await using (var connection = await database.OpenAsync())
        {
            listing = await (ActorPageSeed.InDijon("Muséum de sauvegarde") with { LongDescription = "Accents : é, è, ç, « guillemets »." }).InsertAsync(connection);
            await new ActorPageSeed { Name = "Planétarium de Rennes", Longitude = -1.6742, Latitude = 48.1100 }.InsertAsync(connection);
        }

        var dump = Path.Combine(folder, "portail.dump");
        var backup = await PortalAsync(database.Name, "db", "backup", dump);
        Assert.True(backup.ExitCode == 0, backup.Output);
        Assert.True(new FileInfo(dump).Length > 0);
        Assert.False(File.Exists(dump + ".partial"));

        var restoredName = NewDatabaseName();
        var restore = await PortalAsync(restoredName, "db", "restore", dump);
        Assert.True(restore.ExitCode == 0, restore.Output);

        var original = await FingerprintAsync(database.Name);
        var restored = await FingerprintAsync(restoredName);
        Assert.True(original.Count > 10, $"only {original.Count} tables");
        Assert.Contains(original, t => t.Key.StartsWith("actor ", StringComparison.Ordinal));
        Assert.Contains(original, t => t.Key.StartsWith("commune geom ", StringComparison.Ordinal) || t.Key.StartsWith("commune ", StringComparison.Ordinal));
        var differences = original.Where(t => !restored.TryGetValue(t.Key, out var value) || value != t.Value).Select(t => $"{t.Key}: {t.Value} vs {restored.GetValueOrDefault(t.Key)}")
            .Concat(restored.Keys.Except(original.Keys).Select(k => $"{k}: only in the restored copy")).ToList();
        Assert.True(differences.Count == 0, string.Join("\n", differences));

        await using var factory = new PortalFactory(TestDatabase.ConnectionStringFor(restoredName));
        using var client = factory.CreatePageClient();
        var (page, document) = await client.GetPageAsync(Ocim.Portal.Features.Actors.ActorLinks.Href(listing, "Muséum de sauvegarde"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("« guillemets »", document.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/territoires/commune/21231", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);

        // A second backup to the same file is refused: a backup is never overwritten.
        var again = await PortalAsync(database.Name, "db", "backup", dump);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("already exists", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_holding_data_is_replaced_only_with_force_and_a_failed_restore_leaves_it_untouched()
    {
        // A small database as the backup (the test is about the target's safety), with enough data that an archive
        // cut in half fails in the middle of its rows.
        var sourceName = NewDatabaseName();
        await ExecuteAdminAsync($"create database {sourceName}");
        await ExecuteAsync(sourceName, "create table visit (id int primary key, label text); insert into visit select g, md5(g::text) from generate_series(1, 20000) g");
        var dump = Path.Combine(folder, "petite.dump");
        Assert.Equal(0, (await PortalAsync(sourceName, "db", "backup", dump)).ExitCode);

        var actorsBefore = await CountActorsAsync(database.Name);
        var refused = await PortalAsync(database.Name, "db", "restore", dump);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("is not empty", refused.Output, StringComparison.Ordinal);
        Assert.Contains("--force", refused.Output, StringComparison.Ordinal);
        Assert.Equal(actorsBefore, await CountActorsAsync(database.Name));

        // A cut-short archive: pg_restore fails half-way, and the database keeps its data.
        var cut = Path.Combine(folder, "coupee.dump");
        var whole = await File.ReadAllBytesAsync(Path.Combine(folder, "petite.dump"));
        await File.WriteAllBytesAsync(cut, whole[..(whole.Length / 2)]);
        var failed = await PortalAsync(database.Name, "db", "restore", cut, "--force");
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Equal(actorsBefore, await CountActorsAsync(database.Name));
        Assert.Empty(await LeftoverStagingAsync(database.Name));

        var notADump = Path.Combine(folder, "texte.dump");
        await File.WriteAllTextAsync(notADump, "ceci n'est pas une sauvegarde");
        var rejected = await PortalAsync(database.Name, "db", "restore", notADump, "--force");
        Assert.NotEqual(0, rejected.ExitCode);
        Assert.Contains("not a pg_dump archive", rejected.Output, StringComparison.Ordinal);

        // With --force, the database becomes the backup's.
        var target = NewDatabaseName();
        await ExecuteAdminAsync($"create database {target}");
        await ExecuteAsync(target, "create table old_data (id int); insert into old_data values (1)");
        var forced = await PortalAsync(target, "db", "restore", dump, "--force");
        Assert.True(forced.ExitCode == 0, forced.Output);
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionStringFor(target));
        // The pooled connection of the set-up was closed by the replacement, as an app's would be.
        NpgsqlConnection.ClearPool(connection);
        Assert.Equal(20000, await connection.ExecuteScalarAsync<int>("select count(*) from visit"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from pg_tables where tablename = 'old_data'"));
    }

    [Fact]
    public async Task A_nightly_backup_with_keep_days_removes_only_this_databases_older_backups_of_that_folder()
    {
        var sourceName = NewDatabaseName();
        await ExecuteAdminAsync($"create database {sourceName}");
        await ExecuteAsync(sourceName, "create table visit (id int primary key); insert into visit values (1)");
        var nightly = Directory.CreateDirectory(Path.Combine(folder, "nuits")).FullName;
        string Old(string name, int days)
        {
            var path = Path.Combine(nightly, name);
            File.WriteAllText(path, "ancienne sauvegarde");
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddDays(-days));
            return path;
        }

        var expired = Old($"{sourceName}-20200101T021500Z.dump", 40);
        var recent = Old($"{sourceName}-20261101T021500Z.dump", 20);
        var otherDatabase = Old("autre_base-20200101T021500Z.dump", 40);
        var notABackup = Old("notes.txt", 40);

        var refused = await PortalAsync(sourceName, "db", "backup", Path.Combine(nightly, $"{sourceName}-refus.dump"), "--keep-days", "zero");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("--keep-days 'zero'", refused.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(nightly, $"{sourceName}-refus.dump")));
        Assert.True(File.Exists(expired), "a refused command removes nothing");

        var tonight = Path.Combine(nightly, $"{sourceName}-20261121T021500Z.dump");
        var backup = await PortalAsync(sourceName, "db", "backup", tonight, "--keep-days", "30");

        Assert.True(backup.ExitCode == 0, backup.Output);
        Assert.True(File.Exists(tonight));
        Assert.False(File.Exists(expired), backup.Output);
        Assert.True(File.Exists(recent));
        Assert.True(File.Exists(otherDatabase));
        Assert.True(File.Exists(notABackup));
        Assert.Contains("1 backup(s)", backup.Output, StringComparison.Ordinal);
    }

    /// <summary>Runs the repository's ./portal with PORTAL_DB set to one database of the test server.</summary>
    private static async Task<(int ExitCode, string Output)> PortalAsync(string databaseName, params string[] arguments)
    {
        var root = Path.GetDirectoryName(TestDatabase.DataDirectory)!;
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(root, "portal"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PORTAL_DB"] = TestDatabase.ConnectionStringFor(databaseName);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + error);
    }

    /// <summary>Per table: its row count and an order-independent checksum of its rows; per geometry column: a checksum of the WKB.</summary>
    private static async Task<Dictionary<string, string>> FingerprintAsync(string databaseName)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionStringFor(databaseName));
        var tables = (await connection.QueryAsync<string>("""
            select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1
            """)).ToList();
        var fingerprint = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
#pragma warning disable CA2100 // Table and column names come from the catalog of the test's own database.
            fingerprint[$"{table} rows"] = await connection.ExecuteScalarAsync<string>(
                $"select count(*) || ' ' || coalesce(md5(string_agg(h, '' order by h)), '-') from (select md5(t::text) h from public.\"{table}\" t) s") ?? "?";
#pragma warning restore CA2100
        }

        foreach (var (table, column) in await connection.QueryAsync<(string, string)>(
            "select f_table_name::text, f_geometry_column::text from geometry_columns where f_table_schema = 'public' order by 1, 2"))
        {
#pragma warning disable CA2100 // Names from PostGIS's catalog of the test's own database.
            fingerprint[$"{table} geom {column}"] = await connection.ExecuteScalarAsync<string>(
                $"select count({column}) || ' ' || coalesce(md5(string_agg(h, '' order by h)), '-') from (select {column}, md5(ST_AsEWKB({column})) h from public.\"{table}\") s") ?? "?";
#pragma warning restore CA2100
        }

        return fingerprint;
    }

    private static async Task<long> CountActorsAsync(string databaseName)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionStringFor(databaseName));
        return await connection.ExecuteScalarAsync<long>("select count(*) from actor");
    }

    private static async Task<List<string>> LeftoverStagingAsync(string databaseName)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.AdminConnectionString);
        return [.. await connection.QueryAsync<string>("select datname from pg_database where datname like @prefix", new { prefix = databaseName[..Math.Min(40, databaseName.Length)] + "_restoring_%" })];
    }

    /// <summary>portal_test_backup_{unix time}_{random}: TestDatabase's pattern, so a leftover is removed by a later run.</summary>
    private string NewDatabaseName()
    {
        var name = $"portal_test_backup_{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}_{Guid.NewGuid().ToString("N")[..6]}";
        created.Add(name);
        return name;
    }

    private static async Task ExecuteAdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.AdminConnectionString);
#pragma warning disable CA2100 // Database names generated by this class.
        await connection.ExecuteAsync(sql);
#pragma warning restore CA2100
    }

    private static async Task ExecuteAsync(string databaseName, string sql)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionStringFor(databaseName));
        await connection.ExecuteAsync(sql);
    }
}
