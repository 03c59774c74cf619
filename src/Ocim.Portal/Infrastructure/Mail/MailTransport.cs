using System.Net;
using System.Net.Mail;
using System.Text;

namespace Ocim.Portal.Infrastructure.Mail;

/// <summary>Hands one message over: to an SMTP server, or as a file to the pickup folder.</summary>
public abstract class MailTransport
{
    public abstract Task SendAsync(OutboxMessage message, CancellationToken cancellationToken);

    public static MailTransport For(MailSettings settings) =>
        settings.UsesSmtp ? new SmtpMailTransport(settings) : new PickupDirectoryMailTransport(settings);

    /// <summary>The MIME message: UTF-8 plain text, and the outbox id in a header so that a copy can be recognised.</summary>
    internal static MailMessage Compose(MailSettings settings, OutboxMessage message)
    {
        var mail = new MailMessage(new MailAddress(settings.From), new MailAddress(message.Recipient))
        {
            Subject = message.Subject,
            SubjectEncoding = Encoding.UTF8,
            Body = message.Body,
            BodyEncoding = Encoding.UTF8,
            BodyTransferEncoding = System.Net.Mime.TransferEncoding.QuotedPrintable,
            IsBodyHtml = false,
        };
        mail.Headers.Add("X-Ocim-Outbox-Id", message.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        mail.Headers.Add("Auto-Submitted", "auto-generated");
        return mail;
    }
}

/// <summary>SMTP with System.Net.Mail (MailKit does not restore here): one connection per message, bounded by a timeout.</summary>
public sealed class SmtpMailTransport(MailSettings settings) : MailTransport
{
    public override async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        using var mail = Compose(settings, message);
        using var client = new SmtpClient(settings.SmtpHost, settings.SmtpPort)
        {
            EnableSsl = settings.SmtpEnableSsl,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Timeout = (int)settings.SmtpTimeout.TotalMilliseconds,
        };
        if (!string.IsNullOrEmpty(settings.SmtpUserName))
        {
            client.Credentials = new NetworkCredential(settings.SmtpUserName, settings.SmtpPassword);
        }

        // SendMailAsync's token does not bound a connection attempt that hangs: the timeout above does.
        await client.SendMailAsync(mail, cancellationToken);
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
        var staging = Path.Combine(settings.PickupDirectory, ".staging", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        try
        {
            using (var mail = Compose(settings, message))
            using (var client = new SmtpClient { DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory, PickupDirectoryLocation = staging })
            {
                await client.SendMailAsync(mail, cancellationToken);
            }

            var written = Directory.EnumerateFiles(staging, "*.eml").Single();
            File.Move(written, Path.Combine(settings.PickupDirectory, FileName(message)), overwrite: true);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    public static string FileName(OutboxMessage message) =>
        FormattableString.Invariant($"{message.Id:D8}-{message.Kind}.eml");
}
