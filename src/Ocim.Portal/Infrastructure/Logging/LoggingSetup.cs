using System.Globalization;
using Serilog;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Json;

namespace Ocim.Portal.Infrastructure.Logging;

internal static class LoggingSetup
{
    /// <summary>
    /// Serilog behind Microsoft.Extensions.Logging (Serilog.AspNetCore does not restore here).
    /// Plain text by default; JSON, one event per line, when Logging:Format (PORTAL_LOG_FORMAT) is "json".
    /// </summary>
    public static void AddPortalLogging(this WebApplicationBuilder builder)
    {
        var format = builder.Configuration["Logging:Format"] ?? Environment.GetEnvironmentVariable("PORTAL_LOG_FORMAT");
        // Levels are filtered once, by Microsoft.Extensions.Logging ("Logging:LogLevel" in appsettings.json), so that
        // every provider sees the same events; Serilog formats and writes what passes.
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext();

        configuration = string.Equals(format, "json", StringComparison.OrdinalIgnoreCase)
            ? configuration.WriteTo.Console(new JsonFormatter(renderMessage: true))
            : configuration.WriteTo.Console(
                outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}",
                formatProvider: CultureInfo.InvariantCulture);

        // Defaults when no appsettings.json was found (a binary started outside its content root): the same levels.
        if (!builder.Configuration.GetSection("Logging:LogLevel").Exists())
        {
            builder.Logging.SetMinimumLevel(LogLevel.Information)
                .AddFilter("Microsoft", LogLevel.Warning)
                .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information)
                .AddFilter("System", LogLevel.Warning)
                .AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Critical);
        }

        builder.Logging.ClearProviders();
        // Not AddSerilog(): it adds a Trace-level rule for its own provider that overrides the levels above.
        builder.Logging.AddProvider(new SerilogLoggerProvider(configuration.CreateLogger(), dispose: true));
    }
}
