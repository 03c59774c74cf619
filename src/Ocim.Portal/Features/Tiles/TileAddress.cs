using System.Globalization;

namespace Ocim.Portal.Features.Tiles;

/// <summary>A tile of the Web Mercator pyramid (XYZ scheme: y grows southwards).</summary>
public readonly record struct TileAddress(int Z, int X, int Y)
{
    /// <summary>Deepest zoom served: the map overzooms the last tiles beyond the sources' maxzoom.</summary>
    public const int MaxZoom = 20;

    public static bool TryCreate(int z, int x, int y, out TileAddress address)
    {
        address = new TileAddress(z, x, y);
        if (z is < 0 or > MaxZoom)
        {
            return false;
        }

        var side = 1L << z;
        return x >= 0 && y >= 0 && x < side && y < side;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Z}/{X}/{Y}");
}
