using System.Net;
using Burrow.Protocol;
using Burrow.Testing;

namespace Burrow.Server.Tests.Edge;

/// <summary>Dispatch by Host, and the pages the edge answers itself.</summary>
public sealed class RoutingTests
{
    [Fact]
    public async Task Two_tunnels_on_one_server_are_routed_by_name()
    {
        await using var scenario = await TunnelScenario.StartAsync("one");
        var host = scenario.Host;
        await using var second = await LocalTestServer.StartAsync();
        var (bob, bobToken) = host.CreateUser("bob");
        await host.StartAgentAsync(bob, bobToken, "two", second.Port);

        var one = await host.PublicClient.GetStringAsync(host.PublicUri("one", "/echo"));
        var two = await host.PublicClient.GetStringAsync(host.PublicUri("two", "/echo"));

        Assert.Contains($"host: one.localhost:{host.Server.HttpPort}", one, StringComparison.Ordinal);
        Assert.Contains($"host: two.localhost:{host.Server.HttpPort}", two, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_name_gets_404_saying_no_tunnel_serves_it()
    {
        await using var host = await TunnelTestHost.StartAsync();
        using var response = await host.PublicClient.GetAsync(host.PublicUri("nobody"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No tunnel serves nobody.localhost", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Known_name_whose_agent_is_gone_gets_502_offline()
    {
        await using var scenario = await TunnelScenario.StartAsync("gone");
        using (var before = await scenario.PublicClient.GetAsync(scenario.PublicUri("/echo")))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await scenario.Agent.StopAsync();
        await scenario.Host.Logs.WaitForAsync(ServerEventIds.ChannelRemoved, "gone");
        using var response = await scenario.PublicClient.GetAsync(scenario.PublicUri("/echo"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("The tunnel gone.localhost is offline", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_local_port_gets_502_naming_the_local_target()
    {
        await using var host = await TunnelTestHost.StartAsync();
        var closedPort = TestPorts.Free();
        var (user, token) = host.CreateUser("alice");
        var agent = await host.StartAgentAsync(user, token, "down", closedPort);

        using var response = await host.PublicClient.GetAsync(host.PublicUri("down", "/"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains($"its agent could not reach 127.0.0.1:{closedPort}", body, StringComparison.Ordinal);
        Assert.Contains(agent.Observer.Events, e => e.StartsWith("local unreachable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Browser_gets_an_html_error_page()
    {
        await using var host = await TunnelTestHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, host.PublicUri("nobody"));
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await host.PublicClient.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>404 No such tunnel</h1>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_public_request_gets_400_and_the_server_keeps_serving()
    {
        await using var host = await TunnelTestHost.StartAsync();
        using (var client = new System.Net.Sockets.TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, host.Server.HttpPort);
            var stream = client.GetStream();
            await stream.WriteAsync("GARBAGE\r\n\r\n"u8.ToArray());
            var buffer = new byte[1024];
            var read = await stream.ReadAsync(buffer);
            Assert.StartsWith("HTTP/1.1 400", System.Text.Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
        }

        using var response = await host.PublicClient.GetAsync(host.PublicUri("nobody"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
