using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Ocim.Portal.Infrastructure.Database;

namespace Ocim.Portal.Tests.Infrastructure;

/// <summary>
/// QUALITY.md D4: the web process connects within 5 s and gives a command 10 s, unless the connection string says
/// otherwise, so that a hung database ends a visitor's request in about 12 s (RegistrationHangTests shows the 503
/// and the absence of half registrations with shorter values).
/// </summary>
public sealed class DatabaseTimeoutsTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly IConfiguration Empty = new ConfigurationBuilder().Build();

    [Fact]
    public void A_connection_string_without_timeouts_gets_the_visitors_ones()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithVisitorTimeouts("Host=127.0.0.1;Database=ocim_portal;Username=portal", Empty));

        Assert.Equal((5, 10), (builder.Timeout, builder.CommandTimeout));
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Timeout=2;Command Timeout=3", 2, 3)]
    [InlineData("Host=127.0.0.1;timeout=20", 20, 10)]
    [InlineData("Host=127.0.0.1;CommandTimeout=45", 5, 45)]
    public void Timeouts_written_in_the_connection_string_are_kept(string connectionString, int connect, int command)
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithVisitorTimeouts(connectionString, Empty));

        Assert.Equal((connect, command), (builder.Timeout, builder.CommandTimeout));
    }

    [Fact]
    public void The_configuration_may_change_them_but_not_to_zero()
    {
        var configured = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Database:CommandTimeoutSeconds"] = "20" }).Build();
        var zero = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Database:ConnectTimeoutSeconds"] = "0" }).Build();

        Assert.Equal(20, new NpgsqlConnectionStringBuilder(DatabaseSetup.WithVisitorTimeouts("Host=127.0.0.1", configured)).CommandTimeout);
        var refused = Assert.Throws<InvalidOperationException>(() => DatabaseSetup.WithVisitorTimeouts("Host=127.0.0.1", zero));
        Assert.Contains("Database:ConnectTimeoutSeconds", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_web_app_uses_them_and_the_one_shot_commands_keep_Npgsql_defaults()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        var web = new NpgsqlConnectionStringBuilder(factory.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString);
        await using var services = TestDatabase.AppServices(database.Name);
        var command = new NpgsqlConnectionStringBuilder(services.GetRequiredService<NpgsqlDataSource>().ConnectionString);

        Assert.Equal((5, 10), (web.Timeout, web.CommandTimeout));
        Assert.Equal((15, 30), (command.Timeout, command.CommandTimeout));
        await using var connection = await factory.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var slow = new NpgsqlCommand("select pg_sleep(0.1)", connection);
        Assert.Equal(10, slow.CommandTimeout);
    }
}
