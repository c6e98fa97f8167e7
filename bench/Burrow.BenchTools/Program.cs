using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Burrow.Agent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Burrow.BenchTools;

/// <summary>
/// bench/run.sh's helpers. Every loop is bounded by a duration given on the command line; traffic goes to 127.0.0.1.
/// <code>
/// ws-server PORT                              WebSocket echo server on 127.0.0.1:PORT
/// ws-client PORT HOST SECONDS SIZE            one WebSocket, ping-pong SIZE-byte messages for SECONDS: prints messages/s
/// idle-tunnels SERVER USER TOKEN COUNT PORT   COUNT agents in this process, one tunnel each; prints "ready" when all are online
/// </code>
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "ws-server":
                await WebSocketServerAsync(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
                return 0;
            case "ws-client":
                return await WebSocketClientAsync(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), args[2], double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture));
            case "idle-tunnels":
                return await IdleTunnelsAsync(new Uri(args[1]), args[2], args[3], int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture));
            default:
                Console.Error.WriteLine("usage: ws-server PORT | ws-client PORT HOST SECONDS SIZE | idle-tunnels SERVER USER TOKEN COUNT PORT");
                return 2;
        }
    }

    private static async Task WebSocketServerAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/ws", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, CancellationToken.None);
            }
        });
        Console.WriteLine("ready");
        await app.RunAsync();
    }

    private static async Task<int> WebSocketClientAsync(int port, string host, double seconds, int size)
    {
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri($"ws://{host}:{port}/ws"), invoker, CancellationToken.None);
        var message = new byte[size];
        Random.Shared.NextBytes(message);
        var receive = new byte[size * 2];
        var clock = Stopwatch.StartNew();
        long count = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            await client.SendAsync(message, WebSocketMessageType.Binary, true, CancellationToken.None);
            var received = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await client.ReceiveAsync(receive.AsMemory(received), CancellationToken.None);
                received += result.Count;
            }
            while (!result.EndOfMessage);

            if (received != size)
            {
                Console.Error.WriteLine($"echo came back with {received} bytes, not {size}");
                return 1;
            }

            count++;
        }

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Console.WriteLine(FormattableString.Invariant($"{count / clock.Elapsed.TotalSeconds:0}"));
        return 0;
    }

    private static async Task<int> IdleTunnelsAsync(Uri server, string user, string token, int count, int localPort)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        var online = 0;
        var observers = new List<Task>();
        for (var i = 0; i < count; i++)
        {
            var observer = new OnlineObserver();
            var agent = new BurrowAgent(new AgentOptions
            {
                Server = server,
                User = user,
                Token = token,
                Tunnels = [new TunnelTarget($"idle-{i}", "127.0.0.1", localPort)],
            }, observer);
            _ = agent.RunAsync(stop.Token);
            observers.Add(observer.Online.ContinueWith(_ => Interlocked.Increment(ref online), TaskScheduler.Default));
            if (i % 50 == 49)
            {
                await Task.WhenAll(observers).WaitAsync(TimeSpan.FromSeconds(60));
            }
        }

        await Task.WhenAll(observers).WaitAsync(TimeSpan.FromSeconds(120));
        Console.WriteLine($"ready {online}");
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(10), stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }

    private sealed class OnlineObserver : IAgentObserver
    {
        private readonly TaskCompletionSource _online = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Online => _online.Task;

        public void OnOnline(IReadOnlyList<TunnelBinding> tunnels) => _online.TrySetResult();
    }
}
