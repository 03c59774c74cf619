using Ocim.Portal.Features.Map;

namespace Ocim.Portal.Infrastructure;

internal static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var policy = ContentSecurityPolicy(app.ApplicationServices.GetRequiredService<MapSettings>().ExternalOrigins);
        return app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = policy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "geolocation=(), camera=(), microphone=()";
            return next(context);
        });
    }

    /// <summary>
    /// No inline script or style anywhere: every asset is a file served by the app (no CDN, no third party). The map's
    /// worker is a same-origin module (maplibre-gl-worker.mjs), so 'self' covers it without blob:. The one exception is
    /// a raster base map a deployment configures (Map:RasterTilesUrl): MapLibre fetches its tiles, so that origin is
    /// allowed for images and connections, and for nothing else; so is the origin of a vector style (Map:VectorStyleUrl),
    /// whose style, tiles, glyphs and sprites MapLibre fetches.
    /// </summary>
    internal static string ContentSecurityPolicy(string? tileOrigin) =>
        ContentSecurityPolicy(tileOrigin is null ? [] : [tileOrigin]);

    internal static string ContentSecurityPolicy(IReadOnlyList<string> origins)
    {
        var tiles = string.Concat(origins.Select(origin => " " + origin));
        var connect = origins.Count == 0 ? string.Empty : $"connect-src 'self'{tiles}; ";
        return $"default-src 'self'; img-src 'self' data:{tiles}; {connect}style-src 'self'; script-src 'self'; object-src 'none'; " +
            "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    }
}
