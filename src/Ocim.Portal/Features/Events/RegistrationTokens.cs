using System.Security.Cryptography;
using System.Text;

namespace Ocim.Portal.Features.Events;

/// <summary>
/// Cancel and address-confirmation links: 256 random bits, base64url (43 characters), sent in the e-mail only; the database keeps their
/// SHA-256, so a leaked table gives no working link. The request log masks them (RequestLoggingMiddleware).
/// </summary>
public static class RegistrationTokens
{
    public static string NewToken() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));

    /// <summary>Only well-formed tokens reach the database (and its index).</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static string CancelPath(string token) => "/inscription/annuler/" + token;

    public static string ConfirmPath(string token) => "/inscription/confirmer/" + token;
}
