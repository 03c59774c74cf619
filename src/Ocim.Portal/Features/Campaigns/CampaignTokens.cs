using System.Security.Cryptography;
using System.Text;

namespace Ocim.Portal.Features.Campaigns;

/// <summary>Personal questionnaire links: 32 random bytes in base64url; the database keeps only their SHA-256.</summary>
public static class CampaignTokens
{
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));

    /// <summary>Rejects at once what cannot be a token (wrong length or alphabet), before any database work.</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
