using System.Net.WebSockets;
using Burrow.Testing;

namespace Burrow.Server.Tests.Hosting;

/// <summary>
/// The server's own graceful stop: <c>ShutdownGracePeriod</c> is for requests in flight, not for upgraded connections
/// (a WebSocket never ends by itself), which are closed as the drain starts.
/// </summary>
public sealed class ShutdownTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Shutdown_closes_websockets_at_once_and_waits_only_for_requests_in_flight()
    {
        await using var host = await TunnelTestHost.StartAsync(s => s.Channels(c => c.ShutdownGracePeriod = TimeSpan.FromMinutes(10)));
        await using var app = await DevServerTestApp.StartAsync();
        var (user, token) = host.CreateUser("alice");
        await host.StartAgentAsync(user, token, "live", app.Port);
        using var socket = new ClientWebSocket();
        using (var invoker = host.CreatePublicInvoker())
        {
            await socket.ConnectAsync(new UriBuilder(host.PublicUri("live", "/hmr")) { Scheme = "ws" }.Uri, invoker, CancellationToken.None);
        }

        await app.WaitForOpenSocketsAsync(1);
        var held = host.PublicClient.GetAsync(host.PublicUri("live", "/slow?id=held"));
        await app.WaitForHeldAsync("held");

        var stopping = host.Server.StopAsync();

        // The WebSocket is closed while the request still holds the drain open.
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ReceiveAsync(new byte[16], CancellationToken.None).WaitAsync(Wait));
        await app.WaitForSocketsEndedAsync(1);
        Assert.False(stopping.IsCompleted, "the server stopped before its request in flight was answered");

        app.Release("held");
        Assert.Equal("slow held done", await (await held.WaitAsync(Wait)).Content.ReadAsStringAsync());
        await stopping.WaitAsync(Wait);
        Assert.Empty(host.Logs.Loud);
    }
}
