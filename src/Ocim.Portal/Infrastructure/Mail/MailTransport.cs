using System.Globalization;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using MimeKit.Text;

namespace Ocim.Portal.Infrastructure.Mail;

/// <summary>Hands one message over: to an SMTP server, or as a file to the pickup folder.</summary>
public abstract class MailTransport
{
    /// <summary>ASCII headers (RFC 2047 encoded words, IDNA domains): what every server and reader understands.</summary>
    protected static readonly FormatOptions Ascii = CreateFormat(international: false);

    /// <summary>
    /// Internationalised mail (RFC 6531/6532): an address such as é@exämple.fr is written as typed, headers in UTF-8.
    /// Used with a server that offers SMTPUTF8, and for a pickup file whose recipient needs it.
    /// </summary>
    protected static readonly FormatOptions International = CreateFormat(international: true);

    public abstract Task SendAsync(OutboxMessage message, CancellationToken cancellationToken);

    public static MailTransport For(MailSettings settings) =>
        settings.UsesSmtp ? new SmtpMailTransport(settings) : new PickupDirectoryMailTransport(settings);

    /// <summary>The MIME message: UTF-8 plain text, and the outbox id in a header so that a copy can be recognised.</summary>
    internal static MimeMessage Compose(MailSettings settings, OutboxMessage message)
    {
        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(settings.From));
        mail.To.Add(MailboxAddress.Parse(message.Recipient));
        mail.Subject = message.Subject;
        var body = new TextPart(TextFormat.Plain) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        body.SetText(System.Text.Encoding.UTF8, message.Body);
        mail.Body = body;
        mail.Headers.Add("X-Ocim-Outbox-Id", message.Id.ToString(CultureInfo.InvariantCulture));
        mail.Headers.Add("Auto-Submitted", "auto-generated");
        return mail;
    }

    /// <summary>Whether the recipient's address cannot be written in ASCII (a local part such as « é »).</summary>
    protected static bool NeedsInternational(OutboxMessage message) => !System.Text.Ascii.IsValid(message.Recipient);

    private static FormatOptions CreateFormat(bool international)
    {
        var format = FormatOptions.Default.Clone();
        format.International = international;
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }
}

/// <summary>SMTP with MailKit (SMTPUTF8 when the server offers it): one connection per message, bounded by a timeout.</summary>
public sealed class SmtpMailTransport(MailSettings settings) : MailTransport
{
    public override async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var mail = Compose(settings, message);
        using var client = new SmtpClient { Timeout = (int)settings.SmtpTimeout.TotalMilliseconds };
        // Mail:Smtp:EnableSsl keeps the meaning it had with System.Net.Mail: STARTTLS (implicit TLS on port 465).
        var security = !settings.SmtpEnableSsl ? SecureSocketOptions.None
            : settings.SmtpPort == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;

        await client.ConnectAsync(settings.SmtpHost!, settings.SmtpPort, security, cancellationToken);
        if (!string.IsNullOrEmpty(settings.SmtpUserName))
        {
            await client.AuthenticateAsync(settings.SmtpUserName, settings.SmtpPassword ?? string.Empty, cancellationToken);
        }

        // SMTPUTF8 when the server offers it; otherwise ASCII headers, and a server without it refuses a non-ASCII
        // local part (the attempt fails and is retried, the error kept): never dropped silently.
        var utf8 = client.Capabilities.HasFlag(SmtpCapabilities.UTF8);
        await client.SendAsync(utf8 ? International : Ascii, mail, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}

/// <summary>
/// Development and tests: each message becomes {id}-{kind}.eml in the pickup folder. The file is written aside and
/// then moved into place, so a reader never sees half a message; sending the same message again replaces its file.
/// </summary>
public sealed class PickupDirectoryMailTransport(MailSettings settings) : MailTransport
{
    public override async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var staging = Path.Combine(settings.PickupDirectory, ".staging");
        Directory.CreateDirectory(staging);
        var aside = Path.Combine(staging, Guid.NewGuid().ToString("N") + ".eml");
        try
        {
            await Compose(settings, message).WriteToAsync(NeedsInternational(message) ? International : Ascii, aside, cancellationToken);
            File.Move(aside, Path.Combine(settings.PickupDirectory, FileName(message)), overwrite: true);
        }
        finally
        {
            File.Delete(aside);
        }
    }

    public static string FileName(OutboxMessage message) =>
        FormattableString.Invariant($"{message.Id:D8}-{message.Kind}.eml");
}
