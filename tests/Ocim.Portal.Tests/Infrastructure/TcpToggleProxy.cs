using System.Net;
using System.Net.Sockets;

namespace Ocim.Portal.Tests.Infrastructure;

/// <summary>
/// A TCP relay between the app and PostgreSQL that a test can cut and restore, to see the app through a database
/// outage without stopping the server the other test classes use. Cutting closes every open connection and
/// refuses new ones, as a stopped server does; restoring listens again on the same port. Freezing keeps every
/// connection open (and accepts new ones) but holds every byte, in both directions, as a database that hangs does;
/// thawing delivers what was held, in order, then goes on. <see cref="DropAfterNextCommit"/> makes one COMMIT
/// ambiguous: the server receives it and commits, the client never hears the answer (QUALITY.md D6).
/// </summary>
public sealed class TcpToggleProxy : IAsyncDisposable
{
    private readonly IPEndPoint target;
    private readonly List<TcpClient> open = [];
    private readonly Lock gate = new();
    private TcpListener? listener;
    private CancellationTokenSource? running;
    private TaskCompletionSource? frozen;
    private TaskCompletionSource? dropAfterCommit;

    /// <summary>The simple-protocol COMMIT that Npgsql's transactions send: 'Q', its length, the text and a zero.</summary>
    private static readonly byte[] CommitQuery = [(byte)'Q', 0, 0, 0, 11, .. "COMMIT"u8, 0];

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

    /// <summary>From now on, nothing goes through until <see cref="Thaw"/>; connections stay open.</summary>
    public void Freeze()
    {
        lock (gate)
        {
            frozen ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Delivers what was held while frozen, and lets everything through again.</summary>
    public void Thaw()
    {
        TaskCompletionSource? held;
        lock (gate)
        {
            held = frozen;
            frozen = null;
        }

        held?.TrySetResult();
    }

    /// <summary>
    /// The next COMMIT a client sends reaches the server, which commits it; the client's connection is reset before
    /// the answer can come back, so the client cannot know whether its transaction was committed. The task
    /// completes once that has happened.
    /// </summary>
    public Task DropAfterNextCommit()
    {
        lock (gate)
        {
            dropAfterCommit ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return dropAfterCommit.Task;
        }
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

            _ = PumpAsync(incoming, outgoing, towardsServer: true, cancellationToken);
            _ = PumpAsync(outgoing, incoming, towardsServer: false, cancellationToken);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, bool towardsServer, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var leaveServerOpen = false;
        try
        {
            var source = from.GetStream();
            var destination = to.GetStream();
            while (true)
            {
                var read = await source.ReadAsync(buffer, cancellationToken);
                // While frozen, bytes (and the end of the stream) wait here: the other side sees nothing.
                await WhileFrozenAsync(cancellationToken);
                if (read == 0)
                {
                    break;
                }

                if (towardsServer && TakeCommitToDrop(buffer.AsSpan(0, read)) is { } dropped)
                {
                    // The client first: reset, so that nothing the server answers can reach it. Then the COMMIT
                    // goes to the server, followed by an orderly end of the stream, which it reads after committing.
                    from.Client.LingerState = new LingerOption(true, 0);
                    from.Dispose();
                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    to.Client.Shutdown(SocketShutdown.Send);
                    // The server's connection closes when its answer finds the client gone (the other pump), after the commit.
                    leaveServerOpen = true;
                    dropped.TrySetResult();
                    break;
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
            // The other side went away or the proxy was cut: the connection ends here.
        }
        finally
        {
            from.Dispose();
            if (!leaveServerOpen)
            {
                to.Dispose();
            }
        }
    }

    /// <summary>The armed drop, taken (once) when this chunk holds a COMMIT; null otherwise.</summary>
    private TaskCompletionSource? TakeCommitToDrop(ReadOnlySpan<byte> chunk)
    {
        lock (gate)
        {
            if (dropAfterCommit is null || chunk.IndexOf(CommitQuery) < 0)
            {
                return null;
            }

            var armed = dropAfterCommit;
            dropAfterCommit = null;
            return armed;
        }
    }

    private Task WhileFrozenAsync(CancellationToken cancellationToken)
    {
        Task? held;
        lock (gate)
        {
            held = frozen?.Task;
        }

        return held is null ? Task.CompletedTask : held.WaitAsync(cancellationToken);
    }
}
