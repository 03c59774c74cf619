using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Ocim.Portal.Infrastructure.Logging;

/// <summary>
/// One line per request: method, path, status and duration. The query string is never logged (it may hold
/// e-mail addresses or search terms), and long opaque path segments (tokens in links) are masked.
/// </summary>
internal sealed partial class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                var status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 499 : context.Response.StatusCode;
                var path = SafePath(context.Request.Path);
                LogRequest(logger, context.Request.Method, path, status, elapsed);
            }
        }
    }

    internal static string SafePath(PathString path) => TokenSegment().Replace(path.Value ?? "/", "***");

    // A token may carry an extension (/mes-donnees/{token}.json): the segment is masked up to its dot.
    [GeneratedRegex(@"(?<=/)[A-Za-z0-9_-]{24,}(?=/|$|\.)")]
    private static partial Regex TokenSegment();

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP {Method} {Path} responded {StatusCode} in {ElapsedMs:0.0} ms")]
    private static partial void LogRequest(ILogger logger, string method, string path, int statusCode, double elapsedMs);
}
