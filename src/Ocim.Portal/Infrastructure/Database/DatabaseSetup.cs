using Microsoft.EntityFrameworkCore;
using Npgsql;
using Ocim.Portal.Data;

namespace Ocim.Portal.Infrastructure.Database;

internal static class DatabaseSetup
{
    public static IServiceCollection AddPortalDatabase(this IServiceCollection services)
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

            return new NpgsqlDataSourceBuilder(connectionString) { Name = "portal" }.Build();
        });
        services.AddDbContext<PortalDbContext>((provider, options) => options.UseNpgsql(provider.GetRequiredService<NpgsqlDataSource>()));
        return services;
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
