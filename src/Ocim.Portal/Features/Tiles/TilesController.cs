using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using Ocim.Portal.Features.Actors;
using Ocim.Portal.Infrastructure.Http;

namespace Ocim.Portal.Features.Tiles;

/// <summary>
/// Vector tiles (Mapbox Vector Tile 2.1) of the actors and of the territories, for any filter of the list
/// (same query keys as /acteurs). Responses carry an ETag made of the data version and the filter; browsers may keep
/// a tile for a minute, then revalidate it (a 304 costs one version read).
/// </summary>
public sealed class TilesController(TileCache cache) : Controller
{
    public const string ContentType = "application/vnd.mapbox-vector-tile";
    private const string CacheControl = "public, max-age=60";

    [HttpGet("/tiles/actors/{z:int}/{x:int}/{y:int}.mvt")]
    public Task<IActionResult> Actors(int z, int x, int y, [FromServices] BuildActorTile build, CancellationToken cancellationToken) =>
        ServeAsync("actors", z, x, y, build.BuildAsync, cancellationToken);

    [HttpGet("/tiles/territories/{z:int}/{x:int}/{y:int}.mvt")]
    public Task<IActionResult> Territories(int z, int x, int y, [FromServices] BuildTerritoryTile build, CancellationToken cancellationToken) =>
        ServeAsync("territories", z, x, y, build.BuildAsync, cancellationToken);

    private async Task<IActionResult> ServeAsync(
        string layer, int z, int x, int y, Func<TileAddress, ActorFilter, CancellationToken, Task<byte[]>> build, CancellationToken cancellationToken)
    {
        if (!TileAddress.TryCreate(z, x, y, out var tile))
        {
            return PlainText(StatusCodes.Status404NotFound,
                $"La tuile {z}/{x}/{y} n'existe pas : le niveau de zoom va de 0 à {TileAddress.MaxZoom} et x, y de 0 à 2^zoom − 1.");
        }

        var (filter, errors) = ActorFilter.Parse(Request.Query);
        if (errors.Count > 0)
        {
            return PlainText(StatusCodes.Status400BadRequest,
                "Le filtre de la tuile est incorrect :\n" + string.Join("\n", errors.Select(e => "- " + e)));
        }

        var query = filter.ToQueryString();
        var version = await cache.ReadVersionAsync(cancellationToken);
        var etag = string.Create(CultureInfo.InvariantCulture, $"\"{layer}-{version}-{FilterHash(query)}\"");
        Response.Headers.ETag = etag;
        Response.Headers.CacheControl = CacheControl;
        if (EntityTags.Matches(Request.Headers.IfNoneMatch, etag))
        {
            return StatusCode(StatusCodes.Status304NotModified);
        }

        var key = string.Create(CultureInfo.InvariantCulture, $"{layer}|{tile}|{version}|{query}");
        var built = await cache.GetOrBuildAsync(key, token => build(tile, filter, token), cancellationToken);
        Response.Headers.Vary = HeaderNames.AcceptEncoding;
        if (built.Gzip is not null && AcceptsGzip(Request.Headers.AcceptEncoding))
        {
            Response.Headers.ContentEncoding = "gzip";
            return File(built.Gzip, ContentType);
        }

        return File(built.Raw, ContentType);
    }

    /// <summary>gzip listed in Accept-Encoding without q=0.</summary>
    private static bool AcceptsGzip(Microsoft.Extensions.Primitives.StringValues acceptEncoding) =>
        StringWithQualityHeaderValue.TryParseList(acceptEncoding, out var codings)
        && codings.Any(c => (c.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || c.Value.Equals("*", StringComparison.Ordinal))
                            && (c.Quality ?? 1) > 0);

    private static string FilterHash(string query) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(query)).AsSpan(0, 8));

    private static ContentResult PlainText(int status, string text) => new()
    {
        StatusCode = status,
        ContentType = "text/plain; charset=utf-8",
        Content = text + "\n",
    };
}
