using Burrow.Testing;
using Xunit.Abstractions;

namespace Burrow.Server.Tests.Edge;

/// <summary>YARP's connection pool must reuse tunnel streams: one local connection per concurrent client, not per request.</summary>
public sealed class ConnectionReuseTests
{
    private readonly ITestOutputHelper _output;

    public ConnectionReuseTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task Sequential_requests_reuse_one_tunnel_connection()
    {
        await using var scenario = await TunnelScenario.StartAsync("reuse");
        var agent = scenario.Agent;

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal($"answer {i}", await scenario.PublicClient.GetStringAsync(scenario.PublicUri($"/id/{i}")));
        }

        _output.WriteLine($"200 requests used {agent.Observer.ConnectionsOpened} local connections");
        Assert.True(agent.Observer.ConnectionsOpened <= 2, $"{agent.Observer.ConnectionsOpened} local connections for 200 sequential requests");
    }
}
