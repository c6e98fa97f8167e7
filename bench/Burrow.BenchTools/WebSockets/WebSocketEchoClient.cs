using System.Diagnostics;
using System.Net.WebSockets;
using Burrow.BenchTools.Probes;

namespace Burrow.BenchTools.WebSockets;

/// <summary>
/// <c>ws-client PORT HOST SECONDS SIZE</c>: one WebSocket through 127.0.0.1:PORT with Host HOST, ping-pong SIZE-byte
/// messages for SECONDS; prints messages per second. The first <see cref="WarmUpMessages"/> round trips are not timed:
/// they JIT-compile this client, which would otherwise count against whichever path it measures.
/// </summary>
internal static class WebSocketEchoClient
{
    private const int WarmUpMessages = 500;

    public static async Task<int> RunAsync(int port, string host, TimeSpan duration, int size, CancellationToken stop)
    {
        using var invoker = new HttpMessageInvoker(LoopbackHandler.Create(port, TimeSpan.FromSeconds(10)));
        using var client = new ClientWebSocket();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(duration + TimeSpan.FromSeconds(20));
        await client.ConnectAsync(new Uri($"ws://{host}:{port}/ws"), invoker, deadline.Token);
        var message = new byte[size];
        Random.Shared.NextBytes(message);
        var receive = new byte[size * 2];
        for (var i = 0; i < WarmUpMessages; i++)
        {
            if (!await RoundTripAsync(client, message, receive, deadline.Token))
            {
                return 1;
            }
        }

        var clock = Stopwatch.StartNew();
        long count = 0;
        while (clock.Elapsed < duration)
        {
            if (!await RoundTripAsync(client, message, receive, deadline.Token))
            {
                return 1;
            }

            count++;
        }

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, deadline.Token);
        Console.WriteLine(FormattableString.Invariant($"{count / clock.Elapsed.TotalSeconds:0}"));
        return 0;
    }

    private static async Task<bool> RoundTripAsync(ClientWebSocket client, byte[] message, byte[] receive, CancellationToken cancellationToken)
    {
        await client.SendAsync(message, WebSocketMessageType.Binary, true, cancellationToken);
        var received = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await client.ReceiveAsync(receive.AsMemory(received), cancellationToken);
            received += result.Count;
        }
        while (!result.EndOfMessage);

        if (received != message.Length)
        {
            Console.Error.WriteLine($"echo came back with {received} bytes, not {message.Length}");
            return false;
        }

        return true;
    }
}
