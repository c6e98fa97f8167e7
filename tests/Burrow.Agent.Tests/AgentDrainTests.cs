using System.Net;
using System.Net.WebSockets;
using Burrow.Testing;

namespace Burrow.Agent.Tests;

/// <summary>
/// The agent's side of Ctrl-C (BurrowAgent.Drain.cs), in process: what it closes at once, what it waits for, and how
/// the wait ends. The server's grace and the agent's drain timeout are both far longer than any test waits, so an
/// agent that stops at all stopped for the reason under test.
/// </summary>
public sealed class AgentDrainTests : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private TunnelTestHost _host = null!;
    private DevServerTestApp _app = null!;

    public async Task InitializeAsync()
    {
        _host = await TunnelTestHost.StartAsync(s => s.Channels(c => c.ShutdownGracePeriod = Long));
        _app = await DevServerTestApp.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Ctrl_c_closes_websockets_at_once_and_waits_for_each_request_in_flight()
    {
        var agent = await StartAgentAsync("both");
        using var socket = await ConnectWebSocketAsync("both");
        var first = _host.PublicClient.GetAsync(_host.PublicUri("both", "/slow?id=first"));
        var second = _host.PublicClient.GetAsync(_host.PublicUri("both", "/slow?id=second"));
        await _app.WaitForHeldAsync("first");
        await _app.WaitForHeldAsync("second");

        await agent.InterruptAsync();
        await agent.Observer.WaitForEventAsync("draining 2");
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ReceiveAsync(new byte[16], CancellationToken.None).WaitAsync(Wait));
        await _app.WaitForSocketsEndedAsync(1);

        _app.Release("first");
        Assert.Equal("slow first done", await (await first.WaitAsync(Wait)).Content.ReadAsStringAsync());
        await agent.Observer.WaitForEventAsync("draining 1");
        Assert.False(agent.Run.IsCompleted, "the agent stopped with a request still in flight");

        _app.Release("second");
        Assert.Equal("slow second done", await (await second.WaitAsync(Wait)).Content.ReadAsStringAsync());
        Assert.Equal(AgentExitCode.Ok, await agent.Run.WaitAsync(Wait));
        Assert.Equal("stopped", agent.Observer.Events.Last());
    }

    [Fact]
    public async Task Idle_keep_alive_connections_do_not_hold_the_drain()
    {
        var agent = await StartAgentAsync("idle");

        // The server keeps the connection this request went over open for the next one: an idle stream on the channel.
        _app.Release("done");
        Assert.Equal("slow done done", await _host.PublicClient.GetStringAsync(_host.PublicUri("idle", "/slow?id=done")));

        await agent.InterruptAsync();
        Assert.Equal(AgentExitCode.Ok, await agent.Run.WaitAsync(Wait));
        Assert.Contains("draining 0", agent.Observer.Events);
    }

    [Fact]
    public async Task Stop_now_cuts_the_drain_short_and_the_agent_exits_interrupted()
    {
        var agent = await StartAgentAsync("impatient");
        var held = _host.PublicClient.GetAsync(_host.PublicUri("impatient", "/slow?id=held"));
        await _app.WaitForHeldAsync("held");

        await agent.InterruptAsync();
        await agent.Observer.WaitForEventAsync("draining 1");
        agent.Agent.StopNow();

        Assert.Equal(AgentExitCode.Interrupted, await agent.Run.WaitAsync(Wait));
        using var response = await held.WaitAsync(Wait);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    [Fact]
    public async Task A_zero_drain_timeout_cuts_requests_off_and_stops_cleanly()
    {
        var agent = await StartAgentAsync("zero", TimeSpan.Zero);
        var held = _host.PublicClient.GetAsync(_host.PublicUri("zero", "/slow?id=held"));
        await _app.WaitForHeldAsync("held");

        await agent.InterruptAsync();

        Assert.Equal(AgentExitCode.Ok, await agent.Run.WaitAsync(Wait));
        using var response = await held.WaitAsync(Wait);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    private async Task<RunningAgent> StartAgentAsync(string name, TimeSpan? drainTimeout = null)
    {
        var (user, token) = _host.CreateUser("alice");
        var options = _host.AgentOptions(user, token, new TunnelTarget(name, "127.0.0.1", _app.Port));
        options.DrainTimeout = drainTimeout ?? Long;
        return await _host.StartAgentAsync(options);
    }

    private async Task<ClientWebSocket> ConnectWebSocketAsync(string name)
    {
        var socket = new ClientWebSocket();
        using var invoker = _host.CreatePublicInvoker();
        await socket.ConnectAsync(new UriBuilder(_host.PublicUri(name, "/hmr")) { Scheme = "ws" }.Uri, invoker, CancellationToken.None);
        await _app.WaitForOpenSocketsAsync(1);
        return socket;
    }
}
