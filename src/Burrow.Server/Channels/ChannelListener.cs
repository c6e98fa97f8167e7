using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Burrow.Protocol.Transport;
using Microsoft.Extensions.Logging;

namespace Burrow.Server.Channels;

/// <summary>
/// The channel port: accepts agents' TCP connections and runs each through <see cref="ChannelAdmission"/> on
/// a <see cref="SocketTransport"/>. The public edge stays on Kestrel; the channel is a single long-lived binary
/// connection per agent, and reading it with Kestrel's 4 KiB transport blocks cost a receive call per 2-4 KiB of a
/// bulk transfer (bench/: 100 MiB download 49,579 receives on the server's channel before, 1,600 after).
/// </summary>
internal sealed partial class ChannelListener : IAsyncDisposable
{
    private readonly ChannelAdmission _admission;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<SocketTransport, Task> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _socket;
    private Task _acceptLoop = Task.CompletedTask;
    private int _disposed;

    public ChannelListener(ChannelAdmission admission, ILogger<ChannelListener> logger)
    {
        _admission = admission;
        _logger = logger;
    }

    /// <summary>Binds and starts accepting; returns the bound port. Throws <see cref="IOException"/> if the port is taken.</summary>
    public int Start(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(512);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new IOException($"Failed to bind the channel port {address}:{port}: {ex.Message}", ex);
        }

        _socket = socket;
        _acceptLoop = AcceptLoopAsync(socket);
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Stops accepting new connections; channels already open go on.</summary>
    public void StopAccepting() => _socket?.Dispose();

    /// <summary>Stops accepting and closes every connection still open (after the graceful drain).</summary>
    public async ValueTask DisposeAsync()
    {
        // Called by the server's graceful stop and again when the service container goes away.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        StopAccepting();
        await _stopping.CancelAsync();
        foreach (var connection in _connections.Keys)
        {
            connection.Abort();
        }

        await _acceptLoop;
        await Task.WhenAll(_connections.Values);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await listener.AcceptAsync(_stopping.Token);
            }
            catch (SocketException ex) when (ex.SocketErrorCode != SocketError.OperationAborted)
            {
                // One connection's failure (reset in the backlog before we got to it): go on. Out of descriptors
                // (EMFILE) fails every accept until some close, so pause rather than spin a core meanwhile.
                Log.AcceptFailed(_logger, ex.SocketErrorCode);
                if (ex.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), _stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

                continue;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // OperationAborted, disposed or canceled: the listening socket was closed (StopAccepting, dispose).
                return;
            }

            var transport = new SocketTransport(accepted, waitForData: true);
            var connection = new TaskCompletionSource();
            _connections[transport] = connection.Task;
            _ = Task.Run(() => RunAsync(transport, connection));
        }
    }

    private async Task RunAsync(SocketTransport transport, TaskCompletionSource done)
    {
        try
        {
            await _admission.HandleAsync(transport, _stopping.Token);
        }
        catch (Exception ex)
        {
            // The handler deals with every expected failure; anything else is a bug, but it must not take the
            // listener (or the process) down with it.
            Log.ConnectionFailed(_logger, ex);
        }
        finally
        {
            _connections.TryRemove(transport, out _);
            await transport.DisposeAsync();
            done.SetResult();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(ServerEventIds.ChannelAcceptFailed, LogLevel.Debug, "Accepting a channel connection failed: {Error}")]
        public static partial void AcceptFailed(ILogger logger, SocketError error);

        [LoggerMessage(ServerEventIds.ChannelConnectionFailed, LogLevel.Error, "A channel connection failed unexpectedly")]
        public static partial void ConnectionFailed(ILogger logger, Exception exception);
    }
}
