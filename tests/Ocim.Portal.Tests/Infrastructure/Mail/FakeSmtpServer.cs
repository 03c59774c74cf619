using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ocim.Portal.Tests.Infrastructure.Mail;

/// <summary>
/// A tiny SMTP server on 127.0.0.1 that accepts every message and keeps its raw DATA: enough for System.Net.Mail's
/// client (EHLO, MAIL, RCPT, DATA, QUIT). One connection at a time. With <c>smtpUtf8</c> it offers the SMTPUTF8
/// extension (RFC 6531); the envelope commands it got are kept in <see cref="Commands"/>.
/// </summary>
public sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly bool smtpUtf8;
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public FakeSmtpServer(int port = 0, bool smtpUtf8 = false)
    {
        this.smtpUtf8 = smtpUtf8;
        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    /// <summary>The DATA of every message received, as sent (headers and encoded body).</summary>
    public ConcurrentQueue<string> Messages { get; } = new();

    /// <summary>The MAIL and RCPT commands received, as sent.</summary>
    public ConcurrentQueue<string> Commands { get; } = new();

    /// <summary>A loopback port nobody listens on (bound, read, released): connections to it are refused.</summary>
    public static int ClosedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try
        {
            await loop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            using var client = await listener.AcceptTcpClientAsync(stop.Token);
            await using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.UTF8);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 fake.smtp ESMTP");
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                if (verb is "EHLO" && smtpUtf8)
                {
                    await writer.WriteLineAsync("250-fake.smtp");
                    await writer.WriteLineAsync("250-8BITMIME");
                    await writer.WriteLineAsync("250 SMTPUTF8");
                }
                else if (verb is "EHLO" or "HELO")
                {
                    await writer.WriteLineAsync("250 fake.smtp");
                }
                else if (verb == "DATA")
                {
                    await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync(stop.Token) is { } dataLine && dataLine != ".")
                    {
                        data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                    }

                    Messages.Enqueue(data.ToString());
                    await writer.WriteLineAsync("250 queued");
                }
                else if (verb == "QUIT")
                {
                    await writer.WriteLineAsync("221 bye");
                    break;
                }
                else
                {
                    if (verb is "MAIL" or "RCPT")
                    {
                        Commands.Enqueue(line);
                    }

                    await writer.WriteLineAsync("250 OK");
                }
            }
        }
    }
}
