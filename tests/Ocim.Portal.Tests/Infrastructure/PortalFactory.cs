using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ocim.Portal.Tests.Infrastructure;

/// <summary>
/// The whole app in memory, as in production (French error pages, no developer exception page, Secure cookies:
/// clients talk to https://localhost), on a database of the test's choosing, connected with the privileges of the
/// web application's database role (ocim_web, as `./portal run` serves). Log events are captured so that tests can
/// read what the app logged. <paramref name="settings"/> override configuration (rate limits, clocks…).
/// </summary>
public sealed class PortalFactory(string connectionString, IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>Replaces services after the app registered its own (a clock, a failing dependency…).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>The connection string the app runs with: the owner's login, acting as the restricted web role.</summary>
    public static string AsWebRole(string connectionString) =>
        new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Options = "-c role=ocim_web" }.ConnectionString;
    /// <summary>Where this app's outbox writes its e-mails (.eml files), a fresh folder per factory.</summary>
    public string MailDirectory { get; } = Path.Combine(Path.GetTempPath(), "ocim-mail-" + Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:Portal", AsWebRole(connectionString));
        builder.UseSetting("Database:MigrateOnStartup", "false");
        builder.UseSetting("Portal:DataDirectory", TestDatabase.DataDirectory);
        builder.UseSetting("Mail:PickupDirectory", MailDirectory);
        builder.UseSetting("Mail:Outbox:PollSeconds", "0.2");
        // The address the test clients use: links in pages and e-mails are built from it, never from the Host header.
        builder.UseSetting("Portal:PublicUrl", "https://localhost");
        // The tests that register hundreds of visitors are about seats, not floods: the per-event cap on unconfirmed
        // holds is lifted here, and its own tests (RegistrationHoldsTests) set it back.
        builder.UseSetting("Events:Holds:MaxPerEventPerHour", "100000");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs)));
        builder.ConfigureTestServices(services =>
        {
            services.AddControllersWithViews().AddApplicationPart(typeof(PortalFactory).Assembly);
            TestServices?.Invoke(services);
        });
    }

    public HttpClient CreatePageClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.BaseAddress = new Uri("https://localhost");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(MailDirectory))
        {
            Directory.Delete(MailDirectory, recursive: true);
        }
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, sink);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                sink.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? string.Empty : " | " + exception)}");
            }
        }
    }
}
