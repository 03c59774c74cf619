using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Ocim.Portal.Features.Map;

/// <summary>
/// The map's glyphs: signed-distance-field ranges of the label fonts (MapLibre's glyph PBFs), built by
/// tools/map-glyphs from Debian's DejaVu Sans Condensed and kept in wwwroot/map/glyphs/{fontstack}/{range}.pbf
/// (docs/decisions/0026-map-without-third-party-server.md). Served here rather than as static files so that the
/// fontstack and range are checked against what exists, and compressed once in memory (Brotli at its best quality:
/// the first range is a tenth of the map's first screen on a phone, 19 KB against 24 KB gzipped).
/// </summary>
public sealed class MapGlyphs(IWebHostEnvironment environment)
{
    public const string Regular = "DejaVu Sans Condensed";
    public const string Bold = "DejaVu Sans Condensed Bold";

    private static readonly string[] FontStacks = [Regular, Bold];
    private static readonly string[] Ranges = ["0-255", "256-511", "8192-8447"];
    private readonly ConcurrentDictionary<string, Glyphs?> files = new(StringComparer.Ordinal);

    public sealed record Glyphs(byte[] Raw, byte[] Gzip, byte[] Brotli, string ETag);

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

            // Quality 11, window 22: once per range and process, a few milliseconds.
            var brotli = new byte[BrotliEncoder.GetMaxCompressedLength(bytes.Length)];
            if (!BrotliEncoder.TryCompress(bytes, brotli, out var brotliLength, quality: 11, window: 22))
            {
                throw new InvalidOperationException("Brotli could not compress the glyph range " + key);
            }

            return new Glyphs(bytes, gzip.ToArray(), brotli[..brotliLength], "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8)) + "\"");
        });
    }
}
