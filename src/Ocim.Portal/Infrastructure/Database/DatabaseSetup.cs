using Microsoft.EntityFrameworkCore;
using Npgsql;
using Ocim.Portal.Data;

namespace Ocim.Portal.Infrastructure.Database;

internal static class DatabaseSetup
{
    /// <summary>Npgsql's own defaults (15 s to connect, 30 s a command) let a hung database hold a visitor for 45 s.</summary>
    public const int VisitorConnectTimeoutSeconds = 5;

    public const int VisitorCommandTimeoutSeconds = 10;

    /// <summary>The one data source (EF and Dapper) and the EF context.</summary>
    /// <param name="services">The app's services.</param>
    /// <param name="servesVisitors">
    /// The web process: unless the connection string sets them, connecting waits at most
    /// Database:ConnectTimeoutSeconds (5) and a command Database:CommandTimeoutSeconds (10), so that a database that
    /// hangs ends a visitor's request with the French 503 within about 12 s (QUALITY.md D4). The few long operations
    /// (exports, imports, white zones, migrations) set their own timeouts. One-shot commands keep Npgsql's defaults.
    /// </param>
    public static IServiceCollection AddPortalDatabase(this IServiceCollection services, bool servesVisitors = false)
    {
        // One data source for EF and for the hand-written SQL (Dapper), so both share the pool and its settings.
        // Built on first use, from the configuration as finally composed (tests override the connection string).
        services.AddSingleton(provider =>
        {
            var connectionString = provider.GetRequiredService<IConfiguration>().GetConnectionString("Portal");
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    "ConnectionStrings:Portal is not set. Start the portal with ./portal run, or set ConnectionStrings__Portal.");
            }

            if (servesVisitors)
            {
                connectionString = WithVisitorTimeouts(connectionString, provider.GetRequiredService<IConfiguration>());
            }

            return new NpgsqlDataSourceBuilder(connectionString) { Name = "portal" }.Build();
        });
        services.AddDbContext<PortalDbContext>((provider, options) => options.UseNpgsql(provider.GetRequiredService<NpgsqlDataSource>()));
        return services;
    }

    /// <summary>The connection string with the visitors' timeouts where it sets none of its own.</summary>
    public static string WithVisitorTimeouts(string connectionString, IConfiguration configuration)
    {
        // The raw keywords as written: NpgsqlConnectionStringBuilder reports every known keyword, set or not.
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant()).ToHashSet();
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!written.Contains("TIMEOUT"))
        {
            builder.Timeout = Seconds(configuration, "Database:ConnectTimeoutSeconds", VisitorConnectTimeoutSeconds);
        }

        if (!written.Contains("COMMANDTIMEOUT"))
        {
            builder.CommandTimeout = Seconds(configuration, "Database:CommandTimeoutSeconds", VisitorCommandTimeoutSeconds);
        }

        return builder.ConnectionString;
    }

    private static int Seconds(IConfiguration configuration, string key, int fallback)
    {
        var seconds = configuration.GetValue(key, fallback);
        return seconds >= 1
            ? seconds
            : throw new InvalidOperationException($"{key} must be at least 1 second (found {seconds}).");
    }

    /// <summary>Applies pending migrations; a second call finds none and changes nothing.</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        // A migration may rebuild derived tables over the whole inventory (006 builds the map's cluster pyramid:
        // ~25 s at a million actors): far beyond the default 30-second command timeout.
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        await db.Database.MigrateAsync(cancellationToken);

        // Types created by a migration (PostGIS) must be known to connections opened before it ran.
        var dataSource = scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ReloadTypesAsync(cancellationToken);
    }
}
