using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Burrow.BenchTools.Hostile;

/// <summary>
/// <c>upload-flood PORT HOST PATH CLIENTS BYTES SECONDS SOURCES</c>: CLIENTS public clients at once, each a raw
/// HTTP/1.1 POST of BYTES to HOST through 127.0.0.1:PORT, bound round-robin to SOURCES loopback addresses
/// (127.0.0.2 and up; Linux routes all of 127.0.0.0/8 to lo) so that no single address carries more than its share,
/// as a distributed attack would. Every client waits for a status line until SECONDS after the start, then all close.
/// Prints one JSON line: connections, bodies fully sent, statuses.
/// </summary>
internal static class UploadFlood
{
    public static async Task<int> RunAsync(int port, string host, string path, int clients, long bytes, TimeSpan duration, int sources, CancellationToken stop)
    {
        var head = Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/octet-stream\r\nContent-Length: {bytes}\r\n\r\n");
        var chunk = new byte[64 * 1024];
        Random.Shared.NextBytes(chunk);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(duration);
        var clock = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, clients).Select(i =>
            RunClientAsync(SourceAddress(i, sources), port, head, chunk, bytes, deadline.Token)));

        var statuses = outcomes.Where(o => o.Status is not null).GroupBy(o => o.Status!.Value)
            .OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), g => (object?)g.Count());
        var failures = outcomes.Where(o => o.Failure is not null).GroupBy(o => o.Failure!)
            .ToDictionary(g => g.Key, g => (object?)g.Count());
        ToolOutput.Json(new Dictionary<string, object?>
        {
            ["event"] = "done",
            ["clients"] = clients,
            ["sources"] = sources,
            ["body_bytes"] = bytes,
            ["connected"] = outcomes.Count(o => o.Connected),
            ["bodies_sent"] = outcomes.Count(o => o.BodySent),
            ["bytes_sent"] = outcomes.Sum(o => o.BytesSent),
            ["statuses"] = statuses,
            ["no_status"] = outcomes.Count(o => o.Connected && o.Status is null),
            ["failures"] = failures,
            ["seconds"] = ToolOutput.Round(clock.Elapsed.TotalSeconds),
        });
        return 0;
    }

    private static IPAddress SourceAddress(int client, int sources) => new([127, 0, 0, (byte)(2 + (client % sources))]);

    private static async Task<FloodOutcome> RunClientAsync(IPAddress source, int port, byte[] head, byte[] chunk, long bytes, CancellationToken deadline)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), deadline);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return new FloodOutcome(false, 0, false, null, "connect: " + Describe(ex));
        }

        // The status line may come before the body is all sent (a server refusing early), so read while sending.
        // Once it has come, the client stops sending, as a browser would.
        var status = ReadStatusAsync(socket, deadline);
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        _ = status.ContinueWith(_ => Cancel(sending), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        long sent = 0;
        string? failure = null;
        try
        {
            await socket.SendAsync(head, SocketFlags.None, sending.Token);
            while (sent < bytes)
            {
                var n = (int)Math.Min(chunk.Length, bytes - sent);
                await socket.SendAsync(chunk.AsMemory(0, n), SocketFlags.None, sending.Token);
                sent += n;
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
        {
            failure = "send: " + Describe(ex);
        }

        var code = await status;
        return new FloodOutcome(true, sent, sent == bytes, code, code is null ? failure ?? "no status before the deadline" : null);
    }

    private static async Task<int?> ReadStatusAsync(Socket socket, CancellationToken deadline)
    {
        var buffer = new byte[256];
        var used = 0;
        try
        {
            while (used < buffer.Length)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(used), SocketFlags.None, deadline);
                if (n == 0)
                {
                    break;
                }

                used += n;
                var line = Encoding.ASCII.GetString(buffer, 0, used);
                var end = line.IndexOf("\r\n", StringComparison.Ordinal);
                if (end >= 0)
                {
                    var parts = line[..end].Split(' ');
                    return parts.Length >= 2 && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : -1;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
        {
        }

        return null;
    }

    private static void Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        OperationCanceledException => "deadline",
        SocketException s => s.SocketErrorCode.ToString(),
        _ => ex.GetType().Name,
    };
}
