using System.Net;
using Burrow.Agent;
using Burrow.Server.Channels;
using Burrow.Server.Tests.TenantSafety;
using Burrow.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Burrow.Server.Tests.Channels;

/// <summary>
/// Issue #11, pools: agents of one user that register a name with <c>pool</c> serve it together; a request goes to
/// the live channel with the fewest requests in flight whose agent reports its local server serving. Without
/// <c>pool</c>, the newest agent replaces the older one, which stops and says why instead of taking the name back.
/// </summary>
public sealed class PoolTests
{
    [Fact]
    public async Task Two_pooled_agents_both_receive_requests()
    {
        await using var scenario = await TunnelScenario.StartAsync("shared", startAgent: false);
        await using var secondLocal = await LocalTestServer.StartAsync();
        var first = await scenario.Host.StartAgentAsync(Pooled(scenario, scenario.Local.Port));
        var second = await scenario.Host.StartAgentAsync(Pooled(scenario, secondLocal.Port));

        // A long request keeps one agent busy; the next requests go to the other, which has none in flight.
        using var held = await scenario.PublicClient.GetAsync(scenario.PublicUri("/sse?count=600&delayMs=100"), HttpCompletionOption.ResponseHeadersRead);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal($"answer {i}", await scenario.PublicClient.GetStringAsync(scenario.PublicUri($"/id/{i}")));
        }

        var busy = first.Observer.ConnectionsOpened >= 1 && first.Observer.Requests.IsEmpty ? first : second;
        var idle = busy == first ? second : first;
        await idle.Observer.WaitForRequestsAsync(5);
        Assert.Equal(1, busy.Observer.ConnectionsOpened);
    }

    [Fact]
    public async Task Pooled_agent_whose_local_server_fails_its_health_check_gets_no_requests()
    {
        await using var scenario = await TunnelScenario.StartAsync("checked", startAgent: false);
        await using var broken = new RawHttpServer("HTTP/1.1 503 Service Unavailable", "down");
        var sick = await scenario.Host.StartAgentAsync(Pooled(scenario, broken.Port, "/id/health"));
        var well = await scenario.Host.StartAgentAsync(Pooled(scenario, scenario.Local.Port, "/id/health"));
        await scenario.Host.Logs.WaitForAsync(ServerEventIds.ChannelHealthChanged, "not serving");

        // Both channels known to the server, exactly one of them serving (the log line alone could, on a loaded
        // machine, be a probe of the healthy agent that timed out once).
        var registry = scenario.Host.Server.Services.GetRequiredService<TunnelRegistry>();
        await Poll.UntilAsync(
            () => registry.Channels.Where(c => c.Names.Contains("checked")).Select(c => c.IsServing).Order().SequenceEqual([false, true]),
            "one serving and one sick channel");

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal($"answer {i}", await scenario.PublicClient.GetStringAsync(scenario.PublicUri($"/id/{i}")));
        }

        await well.Observer.WaitForRequestsAsync(10);
        Assert.True(sick.Observer.Requests.IsEmpty);
    }

    [Fact]
    public async Task Name_whose_only_agents_report_their_local_server_down_answers_502_saying_so()
    {
        await using var scenario = await TunnelScenario.StartAsync("down", startAgent: false);
        await using var broken = new RawHttpServer("HTTP/1.1 503 Service Unavailable", "down");
        await scenario.Host.StartAgentAsync(Pooled(scenario, broken.Port, "/health"));
        await scenario.Host.Logs.WaitForAsync(ServerEventIds.ChannelHealthChanged, "not serving");

        using var response = await scenario.PublicClient.GetAsync(scenario.PublicUri("/"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("no agent reports its local server serving", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_pool_a_newer_agent_takes_the_name_and_the_older_one_stops_saying_why()
    {
        await using var scenario = await TunnelScenario.StartAsync("mine");
        var newer = await scenario.StartAgentAsync("mine");

        var stopped = await Assert.ThrowsAsync<AgentException>(() => scenario.Agent.Run.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(AgentExitCode.NameRejected, stopped.ExitCode);
        Assert.Contains("took over mine", stopped.Message, StringComparison.Ordinal);
        Assert.Contains("--pool", stopped.Message, StringComparison.Ordinal);
        Assert.Equal("answer 1", await scenario.PublicClient.GetStringAsync(scenario.PublicUri("/id/1")));
        Assert.False(newer.Run.IsCompleted);
    }

    private static AgentOptions Pooled(TunnelScenario scenario, int port, string? healthCheck = null)
    {
        var options = scenario.Host.AgentOptions(scenario.User, scenario.Token, new TunnelTarget(scenario.Name, "127.0.0.1", port, healthCheck));
        options.Pool = true;
        options.HealthCheckInterval = TimeSpan.FromMilliseconds(200);
        return options;
    }
}
