using System.Net;
using System.Net.Sockets;

namespace Ocim.Portal.Tests.Infrastructure;

/// <summary>
/// A TCP relay between the app and PostgreSQL that a test can cut and restore, to see the app through a database
/// outage without stopping the server the other test classes use. Cutting closes every open connection and
/// refuses new ones, as a stopped server does; restoring listens again on the same port.
/// </summary>
public sealed class TcpToggleProxy : IAsyncDisposable
{
    private readonly IPEndPoint target;
    private readonly List<TcpClient> open = [];
    private readonly Lock gate = new();
    private TcpListener? listener;
    private CancellationTokenSource? running;

    public TcpToggleProxy(string host, int port)
    {
        target = new IPEndPoint(IPAddress.Parse(host == "localhost" ? "127.0.0.1" : host), port);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public void Start()
    {
        listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        running = new CancellationTokenSource();
        _ = AcceptLoopAsync(listener, running.Token);
    }

    public void Cut()
    {
        running?.Cancel();
        listener?.Stop();
        lock (gate)
        {
            foreach (var client in open)
            {
                // A reset rather than a graceful close, as when the server process goes away.
                if (client.Client is { Connected: true } socket)
                {
                    socket.LingerState = new LingerOption(true, 0);
                }

                client.Dispose();
            }

            open.Clear();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        running?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptLoopAsync(TcpListener server, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient incoming;
            try
            {
                incoming = await server.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var outgoing = new TcpClient();
            try
            {
                await outgoing.ConnectAsync(target, cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                incoming.Dispose();
                outgoing.Dispose();
                continue;
            }

            lock (gate)
            {
                open.Add(incoming);
                open.Add(outgoing);
            }

            _ = PumpAsync(incoming, outgoing, cancellationToken);
            _ = PumpAsync(outgoing, incoming, cancellationToken);
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken cancellationToken)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
            // The other side went away or the proxy was cut: the connection ends here.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }
}
