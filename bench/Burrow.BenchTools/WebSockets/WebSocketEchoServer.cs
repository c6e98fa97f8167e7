using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Burrow.BenchTools.WebSockets;

/// <summary><c>ws-server PORT</c>: a WebSocket echo server on 127.0.0.1:PORT/ws; prints "ready" once listening.</summary>
internal static class WebSocketEchoServer
{
    public static Task<int> RunAsync(int port, CancellationToken stop) => LoopbackApp.RunAsync(port, _ => { }, app =>
    {
        app.UseWebSockets();
        app.Map("/ws", EchoAsync);
    }, stop);

    private static async Task EchoAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[64 * 1024];
        var aborted = context.RequestAborted;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), aborted);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, aborted);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, aborted);
        }
    }
}
