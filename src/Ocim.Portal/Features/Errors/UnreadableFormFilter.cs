using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Ocim.Portal.Infrastructure.Logging;

namespace Ocim.Portal.Features.Errors;

/// <summary>
/// A form the framework refuses to read (more than 1,024 values, a value over 4 MB, a body over its limit, a broken
/// chunked body) becomes a 400 or a 413 with the French error page and one warning in the log. Without it the
/// antiforgery check swallowed the failure into a bare 400 that nobody saw, whose error page then failed again
/// reading the same form (docs/decisions/0033-refusing-bad-input.md). Registered at order -1 000 (Program.cs): after
/// the filters that set a route's own limits (<c>[UploadLimit]</c>, -10 000), before the antiforgery check (1 000).
/// </summary>
public sealed partial class UnreadableFormFilter(ILogger<UnreadableFormFilter> logger) : IAsyncAuthorizationFilter
{
    public async Task OnAuthorizationAsync(AuthorizationFilterContext context)
    {
        var request = context.HttpContext.Request;
        // The error page of a refused form is the same request re-executed: its form is not to be read again.
        if (context.Result is not null || !request.HasFormContentType
            || context.HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is not null
            || context.HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>() is not null)
        {
            return;
        }

        int status;
        string reason;
        try
        {
            await request.ReadFormAsync(context.HttpContext.RequestAborted);
            return;
        }
        catch (InvalidDataException exception)
        {
            // The form reader names the limit it met: a length (value, multipart body) means too big, a count too many.
            status = exception.Message.Contains("length limit", StringComparison.OrdinalIgnoreCase) ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest;
            reason = exception.Message;
        }
        catch (BadHttpRequestException exception)
        {
            status = exception.StatusCode;
            reason = exception.Message;
        }

        LogRefused(logger, request.Method, RequestLoggingMiddleware.SafePath(request.Path), status, reason);
        context.Result = new StatusCodeResult(status);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request body refused: {Method} {Path} answered {StatusCode} ({Reason})")]
    private static partial void LogRefused(ILogger logger, string method, string path, int statusCode, string reason);
}
