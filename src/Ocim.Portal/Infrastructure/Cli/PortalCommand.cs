using Ocim.Portal.Features.Territories;
using Ocim.Portal.Infrastructure.Database;

namespace Ocim.Portal.Infrastructure.Cli;

/// <summary>
/// The one-shot commands of the app binary, called by ./portal: `migrate` applies migrations; `seed` applies them
/// and loads the reference data that is missing (territories, populations, EPCI). Both print what they do.
/// </summary>
internal sealed partial class PortalCommand
{
    private static readonly string[] Known = ["migrate", "seed"];

    private PortalCommand(string? name, string[] remainingArgs)
    {
        Name = name;
        RemainingArgs = remainingArgs;
    }

    public string? Name { get; }

    public string[] RemainingArgs { get; }

    public static PortalCommand Parse(string[] args) =>
        args.Length > 0 && Known.Contains(args[0], StringComparer.Ordinal)
            ? new PortalCommand(args[0], args[1..])
            : new PortalCommand(null, args);

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
