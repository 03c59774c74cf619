using System.IO.Compression;
using Dapper;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace Ocim.Portal.Features.Tiles;

/// <summary>
/// Built tiles kept in memory, bounded in bytes (<see cref="SizeLimitBytes"/>; least recently used first out).
/// A key holds the actors' data version: any change to the actors makes new keys, so an entry is never stale, and
/// the old ones age out. The version is read from the database on each request (one indexed row, ~0.1 ms), so a
/// tile is never served from an older version than the database's.
/// <c>Portal:TileCache:Enabled</c> = false (default true) builds every tile from the database, as the benchmark's
/// uncached measurements need.
/// A tile of more than <see cref="GzipThresholdBytes"/> is also kept gzipped, compressed once when built (the
/// territory tiles shrink by about 40 %), so that serving it compressed costs no CPU per request.
/// </summary>
public sealed class TileCache(NpgsqlDataSource dataSource, IConfiguration configuration) : IDisposable
{
    public const long SizeLimitBytes = 64L * 1024 * 1024;

    private readonly bool enabled = configuration.GetValue("Portal:TileCache:Enabled", true);

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = SizeLimitBytes, CompactionPercentage = 0.25 });

    public async Task<long> ReadVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "select version from data_version where name = 'actors'", cancellationToken: cancellationToken));
    }

    public const int GzipThresholdBytes = 1024;

    public async Task<BuiltTile> GetOrBuildAsync(string key, Func<CancellationToken, Task<byte[]>> build, CancellationToken cancellationToken)
    {
        if (!enabled)
        {
            return BuiltTile.From(await build(cancellationToken));
        }

        if (cache.TryGetValue(key, out BuiltTile? cached) && cached is not null)
        {
            return cached;
        }

        var tile = BuiltTile.From(await build(cancellationToken));
        // The key's own size counts too: many empty tiles must not escape the bound.
        cache.Set(key, tile, new MemoryCacheEntryOptions { Size = tile.Raw.Length + (tile.Gzip?.Length ?? 0) + (key.Length * 2) + 64 });
        return tile;
    }

    public void Dispose() => cache.Dispose();
}

/// <summary>A tile's bytes, and the same gzipped when it is worth it.</summary>
public sealed record BuiltTile(byte[] Raw, byte[]? Gzip)
{
    public static BuiltTile From(byte[] raw)
    {
        if (raw.Length <= TileCache.GzipThresholdBytes)
        {
            return new BuiltTile(raw, null);
        }

        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(raw);
        }

        return new BuiltTile(raw, output.ToArray());
    }
}
