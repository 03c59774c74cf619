using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Ocim.Portal.Features.Territories;
using Ocim.Portal.Infrastructure;
using Ocim.Portal.Infrastructure.Database;

namespace Ocim.Portal.Tests.Infrastructure;

/// <summary>
/// The real PostgreSQL + PostGIS the tests run on (PORTAL_TEST_DB, set by ./portal test). A template database is
/// migrated and loaded with France's territories once per schema version; each test class gets a clone of it
/// (CREATE DATABASE … TEMPLATE, about a second), dropped afterwards. Without a reachable server every test fails.
/// </summary>
public static class TestDatabase
{
    private const string TestPrefix = "portal_test_";
    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static string? templateName;

    /// <summary>Connection string to the server's maintenance database.</summary>
    public static string AdminConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable("PORTAL_TEST_DB");
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidOperationException(
                    "PORTAL_TEST_DB is not set: the tests need a real PostgreSQL + PostGIS. Run them with ./portal test, " +
                    "or set PORTAL_TEST_DB to a connection string of a server where this user may create databases.");
            }

            return value;
        }
    }

    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Pooling = true }.ConnectionString;

    public static string DataDirectory { get; } = FindDataDirectory();

    /// <summary>Creates a fresh database cloned from the loaded template and returns its name.</summary>
    public static async Task<string> CloneTemplateAsync(string purpose)
    {
        var template = await EnsureTemplateAsync();
        var name = NewName(purpose);
        await ExecuteAdminAsync($"create database {name} template {template}");
        return name;
    }

    /// <summary>Creates an empty database (no migrations applied).</summary>
    public static async Task<string> CreateEmptyAsync(string purpose)
    {
        var name = NewName(purpose);
        await ExecuteAdminAsync($"create database {name}");
        return name;
    }

    public static async Task DropAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAdminAsync($"drop database if exists {name} with (force)");
    }

    /// <summary>
    /// Migrates a test database, one migration run at a time on the whole server. Migrations set defaults on the
    /// portal's role (003, 006: ALTER ROLE … SET), a shared catalog row: two runs at once in different databases
    /// (the template and MigrationTests, in parallel test classes) fail with "tuple concurrently updated".
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider services)
    {
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        await ExecuteAsync(admin, "select pg_advisory_lock(hashtext('portal_test_migrations'))");
        try
        {
            await DatabaseSetup.MigrateAsync(services);
        }
        finally
        {
            await ExecuteAsync(admin, "select pg_advisory_unlock(hashtext('portal_test_migrations'))");
        }
    }

    /// <summary>Services of the app that run outside HTTP (migrations, loaders), bound to one database.</summary>
    public static ServiceProvider AppServices(string database)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Portal"] = ConnectionStringFor(database),
                ["Portal:DataDirectory"] = DataDirectory,
            })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(new TestHostEnvironment());
        services.AddSingleton<DataDirectory>();
        services.AddPortalDatabase();
        services.AddScoped<LoadTerritories>();
        services.AddScoped<Ocim.Portal.Features.Places.LoadPlaces>();
        return services.BuildServiceProvider();
    }

    private static async Task<string> EnsureTemplateAsync()
    {
        if (templateName is not null)
        {
            return templateName;
        }

        await TemplateLock.WaitAsync();
        try
        {
            if (templateName is not null)
            {
                return templateName;
            }

            var name = "portal_template_" + SchemaFingerprint();
            await using var admin = new NpgsqlConnection(AdminConnectionString);
            try
            {
                await admin.OpenAsync();
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException)
            {
                throw new InvalidOperationException(
                    $"No PostgreSQL answers at PORTAL_TEST_DB ({new NpgsqlConnectionStringBuilder(AdminConnectionString) { Password = null }}). " +
                    "Start it with ./portal db start, or run the tests with ./portal test.", ex);
            }

            // Several test runs may share the server (two checkouts, or parallel work): one builds a given template
            // while the others wait, and only leftovers older than a few hours are removed.
            await ExecuteAsync(admin, $"select pg_advisory_lock(hashtext('{name}'))");
            try
            {
                var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                foreach (var stale in await QueryNamesAsync(admin, $"select datname from pg_database where datname like '{TestPrefix}%'"))
                {
                    if (CreatedAt(stale) is { } created && now - created > 3 * 3600)
                    {
                        await ExecuteAsync(admin, $"drop database if exists {stale} with (force)");
                    }
                }

                // Templates of other schema versions, unused for a day. One without its "ready@" mark may be under
                // construction by a concurrent run (another checkout of the repository): its builder holds the
                // advisory lock of its name, and then it is left alone.
                foreach (var old in await QueryNamesAsync(admin, $"""
                    select datname from pg_database d where datname like 'portal_template_%' and datname <> '{name}'
                    and coalesce(substring(shobj_description(d.oid, 'pg_database') from 'ready@([0-9]+)')::bigint, 0) < {now - 24 * 3600}
                    """))
                {
                    if ((await QueryNamesAsync(admin, $"select pg_try_advisory_lock(hashtext('{old}'))::text")).Single() != "true")
                    {
                        continue;
                    }

                    try
                    {
                        await ExecuteAsync(admin, $"drop database if exists {old} with (force)");
                    }
                    finally
                    {
                        await ExecuteAsync(admin, $"select pg_advisory_unlock(hashtext('{old}'))");
                    }
                }

                var ready = await QueryNamesAsync(admin,
                    $"select d.datname from pg_database d where d.datname = '{name}' and shobj_description(d.oid, 'pg_database') like 'ready@%'");
                if (ready.Count == 0)
                {
                    await ExecuteAsync(admin, $"drop database if exists {name} with (force)");
                    await ExecuteAsync(admin, $"create database {name}");
                    await using (var services = AppServices(name))
                    {
                        await MigrateAsync(services);
                        await using var scope = services.CreateAsyncScope();
                        await scope.ServiceProvider.GetRequiredService<LoadTerritories>().RunAsync(CancellationToken.None);
                        await scope.ServiceProvider.GetRequiredService<Ocim.Portal.Features.Places.LoadPlaces>().RunAsync(CancellationToken.None);
                    }

                    NpgsqlConnection.ClearAllPools();
                    await ExecuteAsync(admin, $"comment on database {name} is 'ready@{now}'");
                }
            }
            finally
            {
                await ExecuteAsync(admin, $"select pg_advisory_unlock(hashtext('{name}'))");
            }

            templateName = name;
            return name;
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    /// <summary>Changes whenever a migration, an SQL script or the loaded data changes, so a stale template is rebuilt.</summary>
    private static string SchemaFingerprint()
    {
        var assembly = typeof(LoadTerritories).Assembly;
        using var sha = SHA256.Create();
        var builder = new StringBuilder();
        foreach (var type in assembly.GetTypes().Where(t => t.Namespace == "Ocim.Portal.Data.Migrations").OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            builder.Append(type.FullName).Append('\n');
        }

        foreach (var resource in assembly.GetManifestResourceNames().Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            builder.Append(resource).Append(Convert.ToHexString(SHA256.HashData(stream))).Append('\n');
        }

        foreach (var file in Directory.EnumerateFiles(DataDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            builder.Append(Path.GetRelativePath(DataDirectory, file)).Append(new FileInfo(file).Length).Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())))[..12].ToLowerInvariant();
    }

    private static string FindDataDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "data", "territories")))
            {
                return Path.Combine(dir.FullName, "data");
            }
        }

        throw new InvalidOperationException("The repository's data/ folder was not found above " + AppContext.BaseDirectory);
    }

    /// <summary>portal_test_{purpose}_{unix time}_{random}: the time lets a later run remove leftovers safely.</summary>
    private static string NewName(string purpose) =>
        $"{TestPrefix}{Sanitise(purpose)}_{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}_{Guid.NewGuid().ToString("N")[..6]}";

    private static long? CreatedAt(string name)
    {
        var parts = name.Split('_');
        return parts.Length >= 2 && long.TryParse(parts[^2], System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
    }

    private static string Sanitise(string purpose) =>
        new string(purpose.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '_').ToArray()) is { Length: > 0 } s
            ? s[..Math.Min(s.Length, 20)]
            : "db";

    private static async Task ExecuteAdminAsync(string sql)
    {
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        await ExecuteAsync(admin, sql);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
#pragma warning disable CA2100 // Database names are generated by this class, never taken from input.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> QueryNamesAsync(NpgsqlConnection connection, string sql)
    {
#pragma warning disable CA2100 // Fixed statements built from constants of this class.
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private sealed class TestHostEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";

        public string ApplicationName { get; set; } = "Ocim.Portal";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } =
            new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}

/// <summary>A database of its own for one test class, cloned from the loaded template.</summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    public string Name { get; private set; } = string.Empty;

    public string ConnectionString => TestDatabase.ConnectionStringFor(Name);

    public async Task InitializeAsync() => Name = await TestDatabase.CloneTemplateAsync("class");

    public async Task DisposeAsync() => await TestDatabase.DropAsync(Name);

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
