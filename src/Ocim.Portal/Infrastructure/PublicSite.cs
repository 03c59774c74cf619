using Microsoft.AspNetCore.Diagnostics;

namespace Ocim.Portal.Infrastructure;

/// <summary>
/// The portal's public address (Portal:PublicUrl), the one source of every absolute link: e-mails, canonical links,
/// JSON-LD, exports, calendar UIDs. Never built from a request's Host header, which the client chooses
/// (docs/decisions/0031-public-address-and-trusted-proxies.md).
/// </summary>
public sealed class PublicSite
{
    /// <summary>What `./portal run` serves by default, used when nothing is configured in Development.</summary>
    public const string DevelopmentUrl = "http://127.0.0.1:5080";

    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]", "::1"];

    public PublicSite(Uri address)
    {
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(address.Host) || !string.IsNullOrEmpty(address.UserInfo)
            || address.AbsolutePath != "/" || !string.IsNullOrEmpty(address.Query) || !string.IsNullOrEmpty(address.Fragment))
        {
            throw new InvalidOperationException(
                $"Portal:PublicUrl must be the portal's address alone, http(s)://host[:port] without path, query or credentials: {address}");
        }

        Url = address.GetLeftPart(UriPartial.Authority);
        Host = address.IdnHost;
    }

    /// <summary>scheme://host[:port], without a trailing slash: <c>Url + "/evenements/…"</c>.</summary>
    public string Url { get; }

    /// <summary>The host name alone (calendar UIDs: <c>…@host</c>).</summary>
    public string Host { get; }

    /// <summary>The absolute address of a path of the portal ("/mes-donnees/…").</summary>
    public string Link(string path) => Url + (path.StartsWith('/') ? path : "/" + path);

    /// <summary>
    /// Requests are answered for the public host and for loopback names (health probes, `./portal run`, a proxy on
    /// the same machine); the port is not compared, since a proxy or a container maps it. An empty Host (HTTP/1.0) is
    /// let through: no link depends on it.
    /// </summary>
    public bool Serves(HostString host) =>
        !host.HasValue
        || string.Equals(host.Host, Host, StringComparison.OrdinalIgnoreCase)
        || LoopbackHosts.Contains(host.Host, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Portal:PublicUrl, required outside Development: a server without it would have nothing but the Host header to
    /// write its links with.
    /// </summary>
    public static PublicSite Read(IConfiguration configuration, IHostEnvironment environment)
    {
        if (configuration["Portal:PublicUrl"] is { Length: > 0 } configured)
        {
            return Uri.TryCreate(configured.Trim(), UriKind.Absolute, out var address)
                ? new PublicSite(address)
                : throw new InvalidOperationException($"Portal:PublicUrl is not an absolute address: {configured}");
        }

        return environment.IsDevelopment()
            ? new PublicSite(new Uri(DevelopmentUrl))
            : throw new InvalidOperationException(
                "Portal:PublicUrl is not set: give the portal its public address (environment variable Portal__PublicUrl, " +
                "for instance https://portail.ocim.fr). Every link the portal writes (e-mails, canonical links, exports) " +
                "is built from it, never from the Host header a client sends. ./portal run sets it to its local address.");
    }
}

internal static class PublicSiteSetup
{
    public static IServiceCollection AddPortalPublicSite(this IServiceCollection services) =>
        services.AddSingleton(provider => PublicSite.Read(provider.GetRequiredService<IConfiguration>(), provider.GetRequiredService<IHostEnvironment>()));

    /// <summary>
    /// Refuses requests for another host with the French 400 page and a log line. Placed after the error pages (the
    /// framework's AllowedHosts filter runs before them and would answer an English or empty 400), and reading the
    /// public address here makes a server without Portal:PublicUrl fail at startup, not at its first e-mail.
    /// </summary>
    public static IApplicationBuilder UsePortalHostFilter(this IApplicationBuilder app)
    {
        var site = app.ApplicationServices.GetRequiredService<PublicSite>();
        var logger = app.ApplicationServices.GetRequiredService<ILogger<PublicSite>>();
        return app.Use((context, next) =>
        {
            // The error page re-executed for this very refusal carries the same Host: let it render.
            if (site.Serves(context.Request.Host) || context.Features.Get<IStatusCodeReExecuteFeature>() is not null)
            {
                return next(context);
            }

            logger.LogWarning("Refused a request for host {Host}: the portal answers for {PublicHost} and loopback only", context.Request.Host.Value, site.Host);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Task.CompletedTask;
        });
    }
}
