using System.Net;
using Microsoft.AspNetCore.Mvc;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Errors;

/// <summary>A controller that fails on purpose, added to the app by the tests only.</summary>
public sealed class FailingController : Controller
{
    public const string Secret = "secret-detail-that-must-not-leak";

    [HttpGet("/test/panne")]
    public IActionResult Fail() => throw new InvalidOperationException(Secret + Request.Path);
}

public sealed class ErrorPagesTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task An_unhandled_exception_gives_a_French_500_without_stack_trace_or_message()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        using var client = factory.CreatePageClient();

        var (response, page) = await client.GetPageAsync("/test/panne");
        var body = page.DocumentElement.OuterHtml;

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("fr", page.DocumentElement.GetAttribute("lang"));
        Assert.Equal("Erreur du serveur", page.QuerySelector("h1").Text());
        Assert.DoesNotContain(FailingController.Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at Ocim.", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_carry_the_security_headers()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        using var client = factory.CreatePageClient();

        var response = await client.GetAsync(new Uri("/territoires", UriKind.Relative));

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task Each_request_is_logged_with_method_path_status_and_duration_but_never_its_query_string()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        using var client = factory.CreatePageClient();

        await client.GetAsync(new Uri("/territoires/position?lat=47.3220&lon=5.0415&email=someone@example.org", UriKind.Relative));
        await client.GetAsync(new Uri("/territoires/commune/99999", UriKind.Relative));

        var requests = factory.Logs.Where(l => l.Contains("RequestLoggingMiddleware", StringComparison.Ordinal)).ToList();
        Assert.Contains(requests, l => l.Contains("HTTP GET /territoires/position responded 302 in", StringComparison.Ordinal) && l.EndsWith(" ms", StringComparison.Ordinal));
        Assert.Contains(requests, l => l.Contains("HTTP GET /territoires/commune/99999 responded 404", StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Logs, l => l.Contains("someone@example.org", StringComparison.Ordinal) || l.Contains("lat=", StringComparison.Ordinal));
    }
}
