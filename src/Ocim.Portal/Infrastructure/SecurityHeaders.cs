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
    /// web worker is the one exception to 'self' for code: MapLibre's single bundle (maplibre-gl.js, served by the app)
    /// carries the worker's code and starts it from a blob: URL, so workers may come from blob: and nothing else does
    /// (docs/decisions/0034-one-maplibre-bundle.md); a page script that could make such a blob could run anyway. The
    /// other exception is
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
        return $"default-src 'self'; img-src 'self' data:{tiles}; {connect}style-src 'self'; script-src 'self'; worker-src 'self' blob:; object-src 'none'; " +
            "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    }
}
