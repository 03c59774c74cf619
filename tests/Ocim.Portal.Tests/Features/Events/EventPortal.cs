using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Events;

/// <summary>The app for the events tests, with settings of the test's choosing on top of <see cref="PortalFactory"/>.</summary>
public sealed class EventPortal : IDisposable
{
    private readonly PortalFactory root;

    public EventPortal(string connectionString, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        root = new PortalFactory(connectionString, settings) { TestServices = services };
    }

    public PortalFactory App => root;

    public string MailDirectory => root.MailDirectory;

    public IEnumerable<string> Logs => root.Logs;

    public TestServer Server => App.Server;

    public HttpClient NewClient() => root.CreatePageClient();

    public Visitor NewVisitor() => new(NewClient());

    public void Dispose() => root.Dispose();
}
