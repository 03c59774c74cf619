using Dapper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Ocim.Portal.Data;
using Ocim.Portal.Features.Territories;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Data;

public sealed class MigrationTests : IAsyncLifetime
{
    private string database = string.Empty;

    public async Task InitializeAsync() => database = await TestDatabase.CreateEmptyAsync("migrations");

    public async Task DisposeAsync() => await TestDatabase.DropAsync(database);

    [Fact]
    public async Task Migrations_apply_to_an_empty_database_and_a_second_run_changes_nothing()
    {
        await using var services = TestDatabase.AppServices(database);

        await TestDatabase.MigrateAsync(services);
        var schemaAfterFirstRun = await SchemaAsync();
        await TestDatabase.MigrateAsync(services);

        Assert.Equal(schemaAfterFirstRun, await SchemaAsync());
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Contains("region", schemaAfterFirstRun);
        Assert.Contains("commune.geom_l93 geometry", schemaAfterFirstRun);
        Assert.Contains("commune.geom_3857 geometry", schemaAfterFirstRun);

        // The EF model and the SQL schema agree on snake_case names.
        Assert.Equal(0, await db.Communes.CountAsync(c => c.PopulationApportioned && c.EpciSiren != null));
    }

    [Fact]
    public async Task An_interrupted_load_leaves_no_territory_behind()
    {
        await using var services = TestDatabase.AppServices(database);
        await TestDatabase.MigrateAsync(services);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(3));

        await using (var scope = services.CreateAsyncScope())
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                scope.ServiceProvider.GetRequiredService<LoadTerritories>().RunAsync(cancellation.Token));
        }

        Assert.Equal((0, 0, 0), await CountsAsync());
        Assert.Equal(0, await ScalarAsync("select count(*) from reference_load_report"));
    }

    private async Task<(int, int, int)> CountsAsync()
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionStringFor(database));
        return await connection.QuerySingleAsync<(int, int, int)>(
            "select (select count(*) from region)::int, (select count(*) from department)::int, (select count(*) from commune)::int");
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionStringFor(database));
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    /// <summary>Every column, type, index and function of the public schema, as one comparable text.</summary>
    private async Task<string> SchemaAsync()
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionStringFor(database));
        var columns = await connection.QueryAsync<string>("""
            select c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
            from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
            union all select indexname || ' ' || indexdef from pg_indexes where schemaname = 'public'
            union all select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                where n.nspname = 'public' and p.proname = 'resolve_territory'
            union all select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'public' and c.relkind = 'r'
            order by 1
            """);
        return string.Join('\n', columns);
    }
}
