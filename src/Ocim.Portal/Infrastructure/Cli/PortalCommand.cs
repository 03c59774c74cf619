using Ocim.Portal.Features.Accounts;
using Ocim.Portal.Features.Actors.Import;
using Ocim.Portal.Features.Territories;
using Ocim.Portal.Infrastructure.Database;

namespace Ocim.Portal.Infrastructure.Cli;

/// <summary>
/// The one-shot commands of the app binary, called by ./portal: `migrate` applies migrations; `seed` applies them
/// and loads the reference data that is missing (territories, populations, EPCI), then the demo actors when the
/// inventory is empty and the demo accounts (printed); `import actors FILE [--dry-run] [--partial] [--source NAME]` imports a CSV file of actors.
/// All print what they do.
/// </summary>
internal sealed partial class PortalCommand
{
    private static readonly string[] Known = ["migrate", "seed", "import"];

    private PortalCommand(string? name, string[] remainingArgs, string[] commandArgs)
    {
        Name = name;
        RemainingArgs = remainingArgs;
        CommandArgs = commandArgs;
    }

    public string? Name { get; }

    /// <summary>What goes on to the host builder (configuration switches such as --contentRoot).</summary>
    public string[] RemainingArgs { get; }

    /// <summary>The command's own arguments: `import` keeps them (file, --dry-run…) away from the host's configuration.</summary>
    public string[] CommandArgs { get; }

    public static PortalCommand Parse(string[] args) =>
        args.Length > 0 && Known.Contains(args[0], StringComparer.Ordinal)
            ? args[0] == "import" ? new PortalCommand(args[0], [], args[1..]) : new PortalCommand(args[0], args[1..], [])
            : new PortalCommand(null, args, []);

    public async Task<int> RunAsync(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Ocim.Portal.Cli");
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        try
        {
            await DatabaseSetup.MigrateAsync(services, cancellation.Token);
            LogMigrated(logger);
            if (Name == "seed")
            {
                await using var scope = services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<LoadTerritories>().RunAsync(cancellation.Token);
                await scope.ServiceProvider.GetRequiredService<Features.Places.LoadPlaces>().RunAsync(cancellation.Token);
                if (services.GetRequiredService<IConfiguration>().GetValue("Portal:LoadDemoActors", defaultValue: true))
                {
                    await scope.ServiceProvider.GetRequiredService<LoadDemoActors>().RunAsync(cancellation.Token);
                }

                if (services.GetRequiredService<IConfiguration>().GetValue("Portal:LoadDemoEvents", defaultValue: true))
                {
                    await scope.ServiceProvider.GetRequiredService<Features.Events.LoadDemoEvents>().RunAsync(cancellation.Token);
                }

                if (services.GetRequiredService<IConfiguration>().GetValue("Portal:DemoAccounts", defaultValue: true))
                {
                    foreach (var line in await scope.ServiceProvider.GetRequiredService<SeedDemoAccounts>().RunAsync(cancellation.Token))
                    {
                        Console.WriteLine(line);
                    }
                }
            }

            if (Name == "import")
            {
                var (request, error) = ImportActorsRequest.Parse(CommandArgs);
                if (request is null)
                {
                    await Console.Error.WriteLineAsync(error);
                    return ImportActorsCommand.Unreadable;
                }

                await using var scope = services.CreateAsyncScope();
                // Positions resolve against the territories: a fresh database gets them first (once).
                await scope.ServiceProvider.GetRequiredService<LoadTerritories>().RunAsync(cancellation.Token);
                return await scope.ServiceProvider.GetRequiredService<ImportActorsCommand>().RunAsync(request, Console.Out, cancellation.Token);
            }

            return 0;
        }
        catch (OperationCanceledException)
        {
            LogInterrupted(logger);
            return 130;
        }
#pragma warning disable CA1031 // A command line tool reports any failure as a message and an exit code.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFailed(logger, ex, Name);
            return 1;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Migrations applied")]
    private static partial void LogMigrated(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interrupted: nothing was half-written (each load is one transaction)")]
    private static partial void LogInterrupted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Command} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string? command);
}
