using System.Globalization;
using System.Text;
using System.Threading.RateLimiting;

namespace Ocim.Portal.Infrastructure.Http;

/// <summary>
/// Sign-in attempts per account (the e-mail typed, normalised), on top of the per-address policy
/// <see cref="RateLimits.SignIn"/>: many addresses cannot spray one account. A fixed window of one minute,
/// Portal:RateLimits:connexion-compte:PerMinute (10 by default). The form must be read to know the account, which a
/// rate-limiter policy cannot do (it partitions before model binding): the sign-in action asks this instead.
/// </summary>
public sealed class SignInAccountLimits : IDisposable
{
    public const string Name = "connexion-compte";

    private readonly PartitionedRateLimiter<string> limiter;

    public SignInAccountLimits(IConfiguration configuration)
    {
        var limit = configuration.GetValue($"Portal:RateLimits:{Name}:PerMinute", 10);
        limiter = PartitionedRateLimiter.Create<string, string>(account => RateLimitPartition.GetFixedWindowLimiter(
            account, _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    /// <summary>
    /// Counts one attempt for the account typed; false when it is over its limit, with the seconds to wait (for
    /// Retry-After). An empty address counts for nothing: the form refuses it anyway.
    /// </summary>
    public bool TryAttempt(string? email, out string retryAfterSeconds)
    {
        retryAfterSeconds = "60";
        if (Normalise(email) is not { } account)
        {
            return true;
        }

        using var lease = limiter.AttemptAcquire(account);
        if (lease.IsAcquired)
        {
            return true;
        }

        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            retryAfterSeconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return false;
    }

    /// <summary>" Camille@Exemple.fr " and "camille@exemple.fr" (and compatibility forms of the same letters) are one account.</summary>
    internal static string? Normalise(string? email)
    {
        var trimmed = email?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        var normalised = trimmed.Normalize(NormalizationForm.FormKC).ToUpperInvariant();
        // An address is at most 254 characters: a longer key is junk, and must not grow the partition table's memory.
        return normalised.Length > 320 ? normalised[..320] : normalised;
    }

    public void Dispose() => limiter.Dispose();
}
