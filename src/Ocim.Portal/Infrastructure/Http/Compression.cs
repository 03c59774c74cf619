using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.ResponseCompression;

namespace Ocim.Portal.Infrastructure.Http;

/// <summary>
/// Compression of the responses the app writes (pages, lists, exports). Static files are not compressed here: they are
/// compressed once at build time and served precompressed by MapStaticAssets, which sets Content-Encoding itself, so
/// this middleware leaves them alone.
/// </summary>
internal static class Compression
{
    /// <summary>
    /// Addresses whose page is itself a secret (a single-use or personal link): never compressed over HTTPS, whoever
    /// asks (BREACH, docs/decisions/0027-static-files-compression-and-caching.md).
    /// </summary>
    private static readonly string[] SecretLinkPrefixes =
        ["/mes-donnees/", "/questionnaire/", "/invitation/", "/inscription/annuler/", "/inscription/confirmer/"];

    public static IServiceCollection AddPortalResponseCompression(this IServiceCollection services)
    {
        services.AddResponseCompression(options =>
        {
            // Over HTTPS only where UseCompressionOnlyForVisitors allows it, request by request.
            options.EnableForHttps = false;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(["text/csv", "application/geo+json"]);
        });
        // Fastest: a page is compressed on every request; Brotli's default level costs several milliseconds a page.
        services.Configure<BrotliCompressionProviderOptions>(options => options.Level = System.IO.Compression.CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(options => options.Level = System.IO.Compression.CompressionLevel.Fastest);
        return services;
    }

    /// <summary>
    /// BREACH reads a secret out of a compressed HTTPS response whose size an attacker watches while reflecting guesses
    /// into the same response. Visitors' pages hold no secret of theirs: the only one, the antiforgery field, is
    /// encrypted with a fresh nonce on every response, so it never repeats. Signed-in people's pages (their account,
    /// the staff's queues) and secret links are sent uncompressed over HTTPS. Runs after authentication, before the
    /// response starts.
    /// </summary>
    public static IApplicationBuilder UseCompressionOnlyForVisitors(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.Features.Get<IHttpsCompressionFeature>() is { } feature)
            {
                var path = context.Request.Path.Value ?? "/";
                var secret = context.User.Identity?.IsAuthenticated == true
                    || SecretLinkPrefixes.Any(prefix => path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
                feature.Mode = secret ? HttpsCompressionMode.DoNotCompress : HttpsCompressionMode.Compress;
            }

            return next(context);
        });
}
