using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Ocim.Portal.Features.Map;

/// <summary>
/// The map's glyphs: signed-distance-field ranges of the label fonts (MapLibre's glyph PBFs), built by
/// tools/map-glyphs from Debian's DejaVu Sans Condensed and kept in wwwroot/map/glyphs/{fontstack}/{range}.pbf
/// (docs/decisions/0026-map-without-third-party-server.md). Served here rather than as static files so that the
/// fontstack and range are checked against what exists, and gzipped once in memory.
/// </summary>
public sealed class MapGlyphs(IWebHostEnvironment environment)
{
    public const string Regular = "DejaVu Sans Condensed";
    public const string Bold = "DejaVu Sans Condensed Bold";

    private static readonly string[] FontStacks = [Regular, Bold];
    private static readonly string[] Ranges = ["0-255", "256-511", "8192-8447"];
    private readonly ConcurrentDictionary<string, Glyphs?> files = new(StringComparer.Ordinal);

    public sealed record Glyphs(byte[] Raw, byte[] Gzip, string ETag);

    /// <summary>The range of a fontstack; null when either is unknown (MapLibre then draws nothing for those characters).</summary>
    public Glyphs? Find(string fontStack, string range)
    {
        if (!FontStacks.Contains(fontStack, StringComparer.Ordinal) || !Ranges.Contains(range, StringComparer.Ordinal))
        {
            return null;
        }

        return files.GetOrAdd(fontStack + "/" + range, key =>
        {
            var file = environment.WebRootFileProvider.GetFileInfo("map/glyphs/" + key + ".pbf");
            if (!file.Exists)
            {
                return null;
            }

            using var stream = file.CreateReadStream();
            using var raw = new MemoryStream();
            stream.CopyTo(raw);
            var bytes = raw.ToArray();
            using var gzip = new MemoryStream();
            using (var compressor = new GZipStream(gzip, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                compressor.Write(bytes);
            }

            return new Glyphs(bytes, gzip.ToArray(), "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8)) + "\"");
        });
    }
}
