using Microsoft.Extensions.Primitives;

namespace Ocim.Portal.Infrastructure.Http;

/// <summary>Conditional requests on ETags.</summary>
public static class EntityTags
{
    /// <summary>If-None-Match holds "*" or a list of (possibly weak) ETags; the weak comparison applies (RFC 9110 §13.1.2).</summary>
    public static bool Matches(StringValues ifNoneMatch, string etag)
    {
        var wanted = etag.StartsWith("W/", StringComparison.Ordinal) ? etag[2..] : etag;
        foreach (var value in ifNoneMatch)
        {
            foreach (var candidate in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var tag = candidate.StartsWith("W/", StringComparison.Ordinal) ? candidate[2..] : candidate;
                if (tag == "*" || string.Equals(tag, wanted, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
