namespace Ocim.Portal.Features.Map;

/// <summary>
/// Deployment settings of the map. The portal draws its own background from the territory tiles; a deployment may add
/// a raster base map (Map:RasterTilesUrl, an XYZ template such as https://tiles.example.org/{z}/{x}/{y}.png), whose
/// origin the Content-Security-Policy then allows, and nothing else.
/// </summary>
public sealed record MapSettings(string? RasterTilesUrl, string? RasterAttribution)
{
    /// <summary>scheme://host[:port] of the raster tiles, for the Content-Security-Policy; null without a raster base map.</summary>
    public string? RasterOrigin => RasterTilesUrl is null ? null : Template(RasterTilesUrl).GetLeftPart(UriPartial.Authority);

    /// <summary>Reads and checks the settings: a malformed URL stops the app at start-up rather than loosening the CSP.</summary>
    public static MapSettings Read(IConfiguration configuration)
    {
        var url = configuration["Map:RasterTilesUrl"];
        var attribution = configuration["Map:RasterAttribution"];
        if (string.IsNullOrWhiteSpace(url))
        {
            return new MapSettings(null, null);
        }

        url = url.Trim();
        if (!url.Contains("{z}", StringComparison.Ordinal) || !url.Contains("{x}", StringComparison.Ordinal) || !url.Contains("{y}", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Map:RasterTilesUrl must be an XYZ template with {{z}}, {{x}} and {{y}}: {url}");
        }

        _ = Template(url);
        return new MapSettings(url, string.IsNullOrWhiteSpace(attribution) ? null : attribution.Trim());
    }

    private static Uri Template(string url)
    {
        var sample = url.Replace("{z}", "0", StringComparison.Ordinal).Replace("{x}", "0", StringComparison.Ordinal).Replace("{y}", "0", StringComparison.Ordinal);
        if (!Uri.TryCreate(sample, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || string.IsNullOrEmpty(uri.Host) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new InvalidOperationException($"Map:RasterTilesUrl must be an absolute http(s) address without credentials: {url}");
        }

        return uri;
    }
}
