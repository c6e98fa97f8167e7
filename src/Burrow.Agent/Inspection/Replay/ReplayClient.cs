using System.Buffers;
using System.Net.Sockets;
using System.Text;
using Burrow.Agent.Inspection.Capture;
using Burrow.Agent.Inspection.Display;

namespace Burrow.Agent.Inspection.Replay;

/// <summary>
/// Sends a captured request again, from the agent straight to the tunnel's local server (not through the public
/// side), over a fresh connection that the same tap captures: the result is a new exchange linked to its original.
/// Unedited headers go out byte for byte; framing is redone (Content-Length, Connection: close), since a captured
/// chunked body is stored de-chunked.
/// </summary>
internal sealed class ReplayClient
{
    /// <summary>Fields that describe one hop's connection or framing, replaced rather than replayed (RFC 9110 section 7.6.1).</summary>
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Content-Length", "Expect",
    };

    private readonly ExchangeStore _store;
    private readonly TimeSpan _timeout;

    public ReplayClient(ExchangeStore store, TimeSpan timeout)
    {
        _store = store;
        _timeout = timeout;
    }

    /// <summary>Replays <paramref name="original"/> with <paramref name="edits"/>; returns the new exchange once its response is in.</summary>
    public async Task<CapturedExchange> ReplayAsync(CapturedExchange original, ReplayEdits edits, CancellationToken cancellationToken)
    {
        var view = ExchangeView.Read(original, _store.Ring) ?? throw new ReplayException(404, $"request {original.Id} is no longer in the buffer");
        if (view.Request.Body is null)
        {
            throw new ReplayException(409, $"request {original.Id} is still arriving");
        }

        if (edits.Body is null && view.Request.Truncated)
        {
            throw new ReplayException(409, $"request {original.Id}'s body was cut at {view.Request.Body.Length} bytes when captured; send the body to replay it");
        }

        var request = Build(view, edits);
        var target = original.Tunnel.Target;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target.LocalHost, target.LocalPort, timeout.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ReplayException(502, $"cannot reach the local server {target.LocalAddress}: {(ex is SocketException se ? se.SocketErrorCode.ToString() : "timed out")}");
        }

        var capture = _store.Open(original.Tunnel, replayOf: original.Id);
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tracker = new HttpExchangeTracker(_store.Time, _ => answered.TrySetResult(), capture);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            tracker.OnRequestBytes(request);
            await stream.WriteAsync(request, timeout.Token);
            int read;
            while (!answered.Task.IsCompleted && (read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                tracker.OnResponseBytes(buffer.AsSpan(0, read));
            }

            tracker.OnResponseEnd();
        }
        catch (Exception ex) when (ex is IOException or SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The local server failed or took too long: the new exchange is kept, marked aborted.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            tracker.Close();
        }

        return capture.First ?? throw new ReplayException(500, "the replayed request was not captured");
    }

    /// <summary>The request to send: start line, headers (captured bytes unless edited), fresh framing, body.</summary>
    internal static byte[] Build(ExchangeView view, ReplayEdits edits)
    {
        var method = edits.Method ?? view.Exchange.Method;
        var path = edits.Path ?? view.Exchange.Path;
        var body = edits.Body ?? view.Request.Body ?? [];
        var output = new MemoryStream();
        output.Write(Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\n"));
        var hasHost = false;
        if (edits.Headers is { } headers)
        {
            foreach (var (name, value) in headers.Where(h => !HopByHop.Contains(h.Key)))
            {
                hasHost |= name.Equals("Host", StringComparison.OrdinalIgnoreCase);
                output.Write(Encoding.UTF8.GetBytes($"{name}: {value}\r\n"));
            }
        }
        else
        {
            foreach (var line in RawFieldLines(view.Request.RawHead))
            {
                var name = Encoding.Latin1.GetString(line[..line.IndexOf((byte)':')]).Trim();
                if (!HopByHop.Contains(name))
                {
                    hasHost |= name.Equals("Host", StringComparison.OrdinalIgnoreCase);
                    output.Write(line);
                    output.Write("\r\n"u8);
                }
            }
        }

        if (!hasHost)
        {
            output.Write(Encoding.ASCII.GetBytes($"Host: {view.Exchange.Tunnel.Target.LocalAddress}\r\n"));
        }

        if (body.Length > 0 || view.Request.Head.Get("Content-Length") is not null || view.Request.Head.Get("Transfer-Encoding") is not null)
        {
            output.Write(Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n"));
        }

        output.Write("Connection: close\r\n\r\n"u8);
        output.Write(body);
        return output.ToArray();
    }

    /// <summary>The field lines of a raw head (without the start line, line endings or the blank line).</summary>
    private static List<byte[]> RawFieldLines(byte[] head)
    {
        var lines = new List<byte[]>();
        var rest = head.AsSpan();
        var first = true;
        while (rest.IndexOf((byte)'\n') is var newline and >= 0)
        {
            var line = rest[..newline].TrimEnd((byte)'\r');
            rest = rest[(newline + 1)..];
            if (line.IsEmpty)
            {
                if (!first)
                {
                    break;
                }

                continue;
            }

            if (!first && line.IndexOf((byte)':') > 0)
            {
                lines.Add(line.ToArray());
            }

            first = false;
        }

        return lines;
    }
}
