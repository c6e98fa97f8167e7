using System.Diagnostics;
using System.Net;
using Burrow.Protocol;
using Burrow.Server.Channels;
using Burrow.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Burrow.Agent.Tests;

/// <summary>An agent people leave running: it comes back after every kind of loss and stops only for good reasons.</summary>
public sealed class AgentLifecycleTests
{
    private readonly ITestOutputHelper _output;

    public AgentLifecycleTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task Agent_reconnects_when_the_channel_is_dropped_from_outside()
    {
        await using var scenario = await TunnelScenario.StartAsync("sticky");
        var agent = scenario.Agent;
        agent.Observer.ExpectReconnect();

        var registry = scenario.Host.Server.Services.GetRequiredService<TunnelRegistry>();
        var channel = Assert.Single(registry.Channels);
        channel.Connection.Abort(ProtocolErrorCode.InternalError, "dropped by the test");

        // Online again means the server routes the new channel (the agent waits for that), so one request will do.
        await agent.WaitOnlineAsync();
        Assert.Equal("answer 1", await scenario.PublicClient.GetStringAsync(scenario.PublicUri("/id/1")));
        Assert.Contains(agent.Observer.Events, e => e.StartsWith("reconnecting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Agent_comes_back_after_a_server_restart_on_the_same_ports()
    {
        await using var local = await LocalTestServer.StartAsync();
        var first = await TunnelTestHost.StartAsync();
        var (user, token) = first.CreateUser("alice");
        var ports = (first.Server.HttpPort, first.Server.ChannelPort);
        await using var agent = RunningAgent.Start(first.AgentOptions(user, token, new TunnelTarget("phoenix", "127.0.0.1", local.Port)));
        await agent.WaitOnlineAsync();
        agent.Observer.ExpectReconnect();

        var dataDirectory = first.DataDirectory;
        await first.Server.StopAsync();
        var down = Stopwatch.StartNew();
        await using var second = await TunnelTestHost.StartAsync(
            s => s.Edge(o => o.HttpPort = ports.HttpPort).Channels(o => o.ChannelPort = ports.ChannelPort),
            timeProvider: null,
            dataDirectory);

        await agent.WaitOnlineAsync(TimeSpan.FromSeconds(30));
        var answer = await second.PublicClient.GetStringAsync(second.PublicUri("phoenix", "/id/2"));
        _output.WriteLine($"recovered {down.ElapsedMilliseconds} ms after the new server started");
        Assert.Equal("answer 2", answer);
    }

    [Fact]
    public async Task In_flight_request_completes_during_graceful_server_shutdown()
    {
        await using var scenario = await TunnelScenario.StartAsync("drain");

        // The local server answers with three events 400 ms apart (slow on purpose); once the first one is here, the
        // request is in flight through the tunnel, and the server is told to stop.
        using var response = await scenario.PublicClient.GetAsync(scenario.PublicUri("/sse?count=3&delayMs=400"), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15));
        var stopping = scenario.Host.Server.StopAsync();

        var rest = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(15));
        await stopping.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("data: event 0", first);
        Assert.Contains("data: event 2", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoked_token_stops_the_agent_with_the_auth_exit_code_and_no_retry()
    {
        await using var scenario = await TunnelScenario.StartAsync("revoked", s => s.Channels(o => o.RevocationCheckInterval = TimeSpan.FromMilliseconds(100)));
        var (host, user, agent) = (scenario.Host, scenario.User, scenario.Agent);

        var tokenId = host.Accounts.ListTokens(user).Single().Id;
        Assert.True(host.Accounts.RevokeToken(user, tokenId));

        var ex = await Assert.ThrowsAsync<AgentException>(() => agent.Run.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(AgentExitCode.AuthFailed, ex.ExitCode);
        Assert.DoesNotContain(agent.Observer.Events, e => e.StartsWith("reconnecting", StringComparison.Ordinal));
        using var response = await host.PublicClient.GetAsync(host.PublicUri("revoked", "/id/1"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    [Fact]
    public async Task Bad_token_stops_the_agent_at_once()
    {
        await using var host = await TunnelTestHost.StartAsync();
        var (user, _) = host.CreateUser("alice");
        var agent = RunningAgent.Start(host.AgentOptions(user, "brw_wrong", new TunnelTarget("x", "127.0.0.1", 1)));

        var ex = await Assert.ThrowsAsync<AgentException>(() => agent.Run.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(AgentExitCode.AuthFailed, ex.ExitCode);
        Assert.Contains("do not match an active account", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Name_of_another_user_stops_the_agent_with_its_exit_code()
    {
        await using var scenario = await TunnelScenario.StartAsync("mine");
        var bob = scenario.Host.CreateUser("bob");
        await using var agent = RunningAgent.Start(scenario.Host.AgentOptions(bob.User, bob.Token, new TunnelTarget("mine", "127.0.0.1", scenario.Local.Port)));

        var ex = await Assert.ThrowsAsync<AgentException>(() => agent.Run.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(AgentExitCode.NameRejected, ex.ExitCode);
    }

    [Fact]
    public async Task One_agent_serves_three_tunnels_over_one_channel()
    {
        await using var host = await TunnelTestHost.StartAsync();
        await using var a = await LocalTestServer.StartAsync();
        await using var b = await LocalTestServer.StartAsync();
        await using var c = await LocalTestServer.StartAsync();
        var (user, token) = host.CreateUser("alice");
        await host.StartAgentAsync(host.AgentOptions(
            user,
            token,
            new TunnelTarget("web", "127.0.0.1", a.Port),
            new TunnelTarget("api", "127.0.0.1", b.Port) with { Name = "backend" },
            new TunnelTarget("docs", "127.0.0.1", c.Port)));

        foreach (var name in new[] { "web", "backend", "docs" })
        {
            var body = await host.PublicClient.GetStringAsync(host.PublicUri(name, "/echo"));
            Assert.Contains($"host: {name}.localhost:{host.Server.HttpPort}", body, StringComparison.Ordinal);
        }

        Assert.Equal(1, host.Server.Services.GetRequiredService<TunnelRegistry>().ChannelCount);
    }

    [Fact]
    public async Task Agent_reports_each_request_with_method_path_status_and_duration()
    {
        await using var scenario = await TunnelScenario.StartAsync("logged");
        var agent = scenario.Agent;

        await scenario.PublicClient.GetStringAsync(scenario.PublicUri("/id/5?x=y"));
        using var missing = await scenario.PublicClient.GetAsync(scenario.PublicUri("/status/404"));

        await agent.Observer.WaitForRequestsAsync(2);
        var requests = agent.Observer.Requests.ToArray();
        Assert.Contains(requests, r => r is { Method: "GET", Path: "/id/5?x=y", Status: 200 });
        Assert.Contains(requests, r => r is { Method: "GET", Path: "/status/404", Status: 404 });
        Assert.All(requests, r => Assert.True(r.Duration >= TimeSpan.Zero));
    }
}
