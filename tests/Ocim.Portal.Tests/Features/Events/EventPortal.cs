using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Events;

/// <summary>The app for the events tests, with settings of the test's choosing on top of <see cref="PortalFactory"/>.</summary>
public sealed class EventPortal : IDisposable
{
    private readonly PortalFactory root;

    public EventPortal(string connectionString, IReadOnlyDictionary<string, string?>? settings = null)
    {
        root = new PortalFactory(connectionString);
        App = root.WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                builder.UseSetting(key, value);
            }
        });
    }

    public WebApplicationFactory<Program> App { get; }

    public string MailDirectory => root.MailDirectory;

    public IEnumerable<string> Logs => root.Logs;

    public TestServer Server => App.Server;

    public HttpClient NewClient() => App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public Visitor NewVisitor() => new(NewClient());

    public void Dispose() => root.Dispose();
}
