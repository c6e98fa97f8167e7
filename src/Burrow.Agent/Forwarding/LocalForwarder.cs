using System.Buffers;
using System.Net.Sockets;
using Burrow.Agent.Inspection;
using Burrow.Agent.Inspection.Capture;
using Burrow.Agent.Telemetry;
using Burrow.Protocol.Mux;
using Burrow.Protocol;

namespace Burrow.Agent.Forwarding;

/// <summary>
/// Pipes one mux stream to a fresh TCP connection to the local server, both ways, with half-close: the end of one
/// direction is passed on as a socket shutdown or END_STREAM, and a failure on either side resets the other.
/// </summary>
internal sealed class LocalForwarder
{
    private const int CopyBufferSize = 64 * 1024;

    private readonly AgentOptions _options;
    private readonly IAgentObserver _observer;
    private readonly TimeProvider _time;
    private readonly ExchangeStore? _capture;
    private readonly ForwardedConnections _connections;

    /// <param name="connections">Where each open connection is listed with its tap, for the drain on Ctrl-C.</param>
    /// <param name="capture">The inspector's store, or null when it is off; each connection's tap records into it.</param>
    public LocalForwarder(AgentOptions options, IAgentObserver observer, TimeProvider time, ForwardedConnections connections, ExchangeStore? capture = null)
    {
        _options = options;
        _observer = observer;
        _time = time;
        _connections = connections;
        _capture = capture;
    }

    public async Task ForwardAsync(MuxStream stream, TunnelBinding tunnel)
    {
        var target = tunnel.Target;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(_options.LocalConnectTimeout);
            await socket.ConnectAsync(target.LocalHost, target.LocalPort, timeout.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            var error = ex is SocketException se ? DescribeSocketError(se) : "timed out";
            AgentTelemetry.OnLocalUnreachable(tunnel);
            _observer.OnLocalUnreachable(tunnel, error);
            stream.Reset(ProtocolErrorCode.LocalUnreachable, $"{target.LocalAddress} ({error})");
            await stream.DisposeAsync();
            return;
        }

        stream.Accept();
        _observer.OnConnectionOpened(tunnel);
        AgentTelemetry.OnConnection(tunnel, +1);
        var local = new NetworkStream(socket, ownsSocket: true);
        var tracker = new HttpExchangeTracker(
            _time,
            summary =>
            {
                Report(tunnel, summary);
                _connections.OnExchangeEnded(stream);
            },
            _capture?.Open(tunnel));
        _connections.Add(stream, tracker);
        try
        {
            var toLocal = ToLocalAsync(stream, local, socket, tracker, tunnel);
            var toServer = ToServerAsync(local, stream, tracker, tunnel);
            await Task.WhenAll(toLocal, toServer);
        }
        finally
        {
            _connections.Remove(stream);
            tracker.Close();
            await local.DisposeAsync();
            await stream.DisposeAsync();
            AgentTelemetry.OnConnection(tunnel, -1);
            _observer.OnConnectionClosed(tunnel);
        }
    }

    private void Report(TunnelBinding tunnel, RequestSummary summary)
    {
        AgentTelemetry.OnRequest(tunnel, summary);
        _observer.OnRequest(tunnel, summary);
    }

    private static async Task ToLocalAsync(MuxStream stream, NetworkStream local, Socket socket, HttpExchangeTracker tracker, TunnelBinding tunnel)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                tracker.OnRequestBytes(buffer.AsSpan(0, read));
                AgentTelemetry.OnBytes(tunnel, toLocal: true, read);
                await local.WriteAsync(buffer.AsMemory(0, read));
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The public side went away (reset) or the local socket failed: drop the local connection hard.
            socket.Close(0);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task ToServerAsync(NetworkStream local, MuxStream stream, HttpExchangeTracker tracker, TunnelBinding tunnel)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            int read;
            while ((read = await local.ReadAsync(buffer)) > 0)
            {
                tracker.OnResponseBytes(buffer.AsSpan(0, read));
                AgentTelemetry.OnBytes(tunnel, toLocal: false, read);
                await stream.WriteAsync(buffer.AsMemory(0, read));
            }

            tracker.OnResponseEnd();
            stream.CompleteWrites();
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            stream.Reset(ProtocolErrorCode.Cancel, "the local server reset the connection");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string DescribeSocketError(SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused: is the local server running?",
        SocketError.HostNotFound or SocketError.NoData => "host not found",
        SocketError.TimedOut => "timed out",
        _ => ex.Message,
    };
}
