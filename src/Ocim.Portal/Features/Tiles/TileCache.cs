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

    public async Task<byte[]> GetOrBuildAsync(string key, Func<CancellationToken, Task<byte[]>> build, CancellationToken cancellationToken)
    {
        if (!enabled)
        {
            return await build(cancellationToken);
        }

        if (cache.TryGetValue(key, out byte[]? cached) && cached is not null)
        {
            return cached;
        }

        var bytes = await build(cancellationToken);
        // The key's own size counts too: many empty tiles must not escape the bound.
        cache.Set(key, bytes, new MemoryCacheEntryOptions { Size = bytes.Length + (key.Length * 2) + 64 });
        return bytes;
    }

    public void Dispose() => cache.Dispose();
}
