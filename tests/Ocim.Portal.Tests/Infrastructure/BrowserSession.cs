using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Ocim.Portal.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright (its bundled driver; no browser is ever downloaded). One browser per test
/// class (<see cref="BrowserFixture"/>), one fresh context per test (<see cref="NewSessionAsync"/>), French locale.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Where Debian installs Chromium (./portal test installs the package when it is missing).</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? playwright;
    private IBrowser? browser;

    public IBrowser Browser => browser ?? throw new InvalidOperationException("The browser is not started.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {ExecutablePath}: the browser tests drive Debian's Chromium. Run them with ./portal test " +
                "(it installs the chromium package), or apt-get install chromium, or set PORTAL_CHROMIUM.");
        }

        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run",
                // WebGL (MapLibre) on the CPU: Chromium no longer falls back to SwiftShader on its own.
                "--enable-unsafe-swiftshader",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
    }

    /// <summary>A fresh context (no cookies, no cache) on the portal, recording what a test may want to check.</summary>
    public async Task<BrowserSession> NewSessionAsync(BrowserPortal portal, int width = 1400, int height = 1000)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = portal.BaseAddress.ToString(),
            Locale = "fr-FR",
            TimezoneId = "Europe/Paris",
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var session = new BrowserSession(context, page, portal.BaseAddress);
        page.Console += (_, message) =>
        {
            // Software WebGL reports its own performance notes ("GL Driver Message … GPU stall"): noise, not errors.
            if (message.Type is "error" or "warning" && !message.Text.Contains("GL Driver Message", StringComparison.Ordinal))
            {
                session.ConsoleMessages.Enqueue($"{message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => session.ConsoleMessages.Enqueue($"page error: {error}");
        page.Request += (_, request) =>
        {
            if (Uri.TryCreate(request.Url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                && (uri.Host != portal.BaseAddress.Host || uri.Port != portal.BaseAddress.Port))
            {
                session.ForeignRequests.Enqueue(request.Url);
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                session.FailedResponses.Enqueue($"{response.Status} {response.Url}");
            }
        };
        return session;
    }
}

/// <summary>One page in its own browser context, with the console errors, failed responses and foreign requests seen.</summary>
public sealed class BrowserSession(IBrowserContext context, IPage page, Uri baseAddress) : IAsyncDisposable
{
    public IPage Page { get; } = page;

    public Uri BaseAddress { get; } = baseAddress;

    /// <summary>Console errors and warnings (CSP violations among them) and uncaught exceptions.</summary>
    public ConcurrentQueue<string> ConsoleMessages { get; } = new();

    /// <summary>Responses with a status of 400 or more.</summary>
    public ConcurrentQueue<string> FailedResponses { get; } = new();

    /// <summary>Requests to any origin other than the portal's (there should be none: no CDN, no third party).</summary>
    public ConcurrentQueue<string> ForeignRequests { get; } = new();

    /// <summary>What the page reported, for assertion messages.</summary>
    public string Report() =>
        $"console: [{string.Join(" | ", ConsoleMessages)}]; failed responses: [{string.Join(" | ", FailedResponses)}]; foreign requests: [{string.Join(" | ", ForeignRequests)}]";

    /// <summary>With PORTAL_SCREENSHOTS set to a folder, saves the page there (name.png), to look at what a test saw.</summary>
    public async Task ScreenshotAsync(string name)
    {
        if (Environment.GetEnvironmentVariable("PORTAL_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png") });
        }
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
