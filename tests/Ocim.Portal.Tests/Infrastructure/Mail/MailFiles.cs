using System.Text;
using System.Text.RegularExpressions;

namespace Ocim.Portal.Tests.Infrastructure.Mail;

/// <summary>Reads what the outbox wrote (an .eml file, or the DATA an SMTP server got): a header and the decoded text body.</summary>
public static partial class MailFiles
{
    public static string Header(string raw, string name)
    {
        var head = raw[..Math.Max(0, raw.IndexOf("\r\n\r\n", StringComparison.Ordinal))];
        // Unfold continuation lines first (RFC 5322 §2.2.3).
        var unfolded = Regex.Replace(head, "\r\n[ \t]+", " ");
        var line = unfolded.Split("\r\n").FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"No {name} header in:\n{head}");
        return DecodeWords(line[(name.Length + 1)..].Trim());
    }

    /// <summary>The body, decoded from quoted-printable (what the portal writes) or base64.</summary>
    public static string Body(string raw)
    {
        var split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var body = raw[(split + 4)..];
        var encoding = Header(raw, "Content-Transfer-Encoding");
        if (encoding.Equals("base64", StringComparison.OrdinalIgnoreCase))
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(body.Replace("\r\n", string.Empty, StringComparison.Ordinal)));
        }

        var soft = body.Replace("=\r\n", string.Empty, StringComparison.Ordinal);
        var bytes = new List<byte>();
        for (var i = 0; i < soft.Length; i++)
        {
            if (soft[i] == '=' && i + 2 < soft.Length)
            {
                bytes.Add(Convert.ToByte(soft.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(soft[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray()).TrimEnd('\r', '\n');
    }

    /// <summary>RFC 2047 encoded words (=?utf-8?B?…?= or =?utf-8?Q?…?=) back to text.</summary>
    private static string DecodeWords(string value) =>
        EncodedWord().Replace(Regex.Replace(value, @"\?=\s+=\?", "?==?"), match =>
        {
            var text = match.Groups[3].Value;
            if (match.Groups[2].Value.Equals("B", StringComparison.OrdinalIgnoreCase))
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(text));
            }

            var bytes = new List<byte>();
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] == '=' && i + 2 < text.Length)
                {
                    bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                    i += 2;
                }
                else
                {
                    bytes.Add((byte)(text[i] == '_' ? ' ' : text[i]));
                }
            }

            return Encoding.UTF8.GetString(bytes.ToArray());
        });

    [GeneratedRegex(@"=\?([^?]+)\?([BbQq])\?([^?]*)\?=")]
    private static partial Regex EncodedWord();
}
