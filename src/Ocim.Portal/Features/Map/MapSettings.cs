namespace Ocim.Portal.Features.Map;

/// <summary>
/// Deployment settings of the map. The portal draws its own background from the territory tiles; a deployment may add
/// a raster base map (Map:RasterTilesUrl, an XYZ template such as https://tiles.example.org/{z}/{x}/{y}.png), whose
/// origin the Content-Security-Policy then allows, and nothing else. Or a public vector style (Map:VectorStyleUrl, a
/// MapLibre style JSON such as the State's Plan IGN), drawn under the portal's outlines and markers: that origin alone
/// is then allowed, and the style must take its tiles, glyphs and sprites from it.
/// </summary>
public sealed record MapSettings(string? RasterTilesUrl, string? RasterAttribution, string? VectorStyleUrl = null)
{
    /// <summary>scheme://host[:port] of the raster tiles, for the Content-Security-Policy; null without a raster base map.</summary>
    public string? RasterOrigin => RasterTilesUrl is null ? null : Template(RasterTilesUrl).GetLeftPart(UriPartial.Authority);

    /// <summary>scheme://host[:port] of the vector style, for the Content-Security-Policy; null without one.</summary>
    public string? VectorStyleOrigin => VectorStyleUrl is null ? null : Absolute(VectorStyleUrl, "Map:VectorStyleUrl").GetLeftPart(UriPartial.Authority);

    /// <summary>The origins the Content-Security-Policy allows besides 'self' (none by default).</summary>
    public IReadOnlyList<string> ExternalOrigins =>
        new[] { RasterOrigin, VectorStyleOrigin }.OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Reads and checks the settings: a malformed URL stops the app at start-up rather than loosening the CSP.</summary>
    public static MapSettings Read(IConfiguration configuration)
    {
        var url = configuration["Map:RasterTilesUrl"];
        var attribution = configuration["Map:RasterAttribution"];
        var style = configuration["Map:VectorStyleUrl"];
        style = string.IsNullOrWhiteSpace(style) ? null : style.Trim();
        if (style is not null)
        {
            _ = Absolute(style, "Map:VectorStyleUrl");
        }

        if (string.IsNullOrWhiteSpace(url))
        {
            return new MapSettings(null, null, style);
        }

        url = url.Trim();
        if (!url.Contains("{z}", StringComparison.Ordinal) || !url.Contains("{x}", StringComparison.Ordinal) || !url.Contains("{y}", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Map:RasterTilesUrl must be an XYZ template with {{z}}, {{x}} and {{y}}: {url}");
        }

        _ = Template(url);
        return new MapSettings(url, string.IsNullOrWhiteSpace(attribution) ? null : attribution.Trim(), style);
    }

    private static Uri Template(string url) =>
        Absolute(url.Replace("{z}", "0", StringComparison.Ordinal).Replace("{x}", "0", StringComparison.Ordinal).Replace("{y}", "0", StringComparison.Ordinal),
            "Map:RasterTilesUrl", url);

    private static Uri Absolute(string sample, string setting, string? shown = null)
    {
        if (!Uri.TryCreate(sample, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || string.IsNullOrEmpty(uri.Host) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new InvalidOperationException($"{setting} must be an absolute http(s) address without credentials: {shown ?? sample}");
        }

        return uri;
    }
}
