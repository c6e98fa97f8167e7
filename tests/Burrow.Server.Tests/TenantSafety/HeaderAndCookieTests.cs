using System.Net;
using Burrow.Testing;

namespace Burrow.Server.Tests.TenantSafety;

/// <summary>
/// Issue #10, findings 2 and 8: one tunnel cannot plant cookies on its siblings or the API host, headers a request or
/// response names in <c>Connection</c> do not cross, and a visitor cannot choose the address the local server sees.
/// </summary>
public sealed class HeaderAndCookieTests
{
    [Fact]
    public async Task Cookie_domains_wider_than_the_tunnel_are_removed_and_its_own_host_is_kept()
    {
        await using var host = await TunnelTestHost.StartAsync();
        await using var local = new RawHttpServer("""
            HTTP/1.1 200 OK
            Set-Cookie: base=1; Domain=localhost; Path=/
            Set-Cookie: dotted=2; path=/; domain=.LOCALHOST; HttpOnly
            Set-Cookie: sibling=3; Domain=other.localhost
            Set-Cookie: own=4; Domain=jar.localhost; Secure
            Set-Cookie: plain=5; Max-Age=60
            """.ReplaceLineEndings("\r\n"));
        var (user, token) = host.CreateUser("alice");
        await host.StartAgentAsync(user, token, "jar", local.Port);

        using var response = await host.PublicClient.GetAsync(host.PublicUri("jar", "/"));

        Assert.Equal(
            ["base=1; Path=/", "dotted=2; path=/; HttpOnly", "sibling=3", "own=4; Domain=jar.localhost; Secure", "plain=5; Max-Age=60"],
            response.Headers.GetValues("Set-Cookie"));
    }

    [Fact]
    public async Task Cookie_bomb_from_one_tunnel_never_reaches_a_sibling_tunnel_or_the_api()
    {
        await using var host = await TunnelTestHost.StartAsync();
        var bomb = string.Join("\r\n", Enumerable.Range(0, 60).Select(i => $"Set-Cookie: c{i}={new string('x', 200)}; Domain=localhost; Path=/"));
        await using var bomber = new RawHttpServer($"HTTP/1.1 200 OK\r\n{bomb}");
        await using var victim = new RawHttpServer("HTTP/1.1 200 OK");
        var (user, token) = host.CreateUser("alice");
        await host.StartAgentAsync(user, token, "bomber", bomber.Port);
        await host.StartAgentAsync(user, token, "victim", victim.Port);

        // A browser-like client with a cookie jar visits the bomber, then the victim and the API.
        var jar = new CookieContainer(capacity: 1000, perDomainCapacity: 100, maxCookieSize: 4096);
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            CookieContainer = jar,
            ConnectCallback = async (_, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, host.Server.HttpPort), ct);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        };
        using var browser = new HttpClient(handler);
        using (var planted = await browser.GetAsync(host.PublicUri("bomber", "/")))
        {
            Assert.Equal(HttpStatusCode.OK, planted.StatusCode);
        }

        Assert.Equal(60, jar.GetCookies(host.PublicUri("bomber", "/")).Count);
        using var visited = await browser.GetAsync(host.PublicUri("victim", "/"));
        using var api = await browser.GetAsync(new Uri($"http://localhost:{host.Server.HttpPort}/api/health"));

        Assert.Equal(HttpStatusCode.OK, visited.StatusCode);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.DoesNotContain("cookie:", Assert.Single(victim.Requests), StringComparison.Ordinal);
        Assert.Empty(jar.GetCookies(new Uri($"http://localhost:{host.Server.HttpPort}/")));
    }

    [Fact]
    public async Task Headers_named_in_connection_are_dropped_both_ways()
    {
        await using var host = await TunnelTestHost.StartAsync();
        await using var local = new RawHttpServer("HTTP/1.1 200 OK\r\nConnection: X-Internal\r\nX-Internal: from the local server\r\nX-Public: kept");
        var (user, token) = host.CreateUser("alice");
        await host.StartAgentAsync(user, token, "hop", local.Port);

        using var request = new HttpRequestMessage(HttpMethod.Get, host.PublicUri("hop", "/"));
        request.Headers.Connection.Add("X-Secret");
        request.Headers.Add("X-Secret", "from the visitor");
        request.Headers.Add("X-Visible", "kept");
        using var response = await host.PublicClient.SendAsync(request);

        var seen = Assert.Single(local.Requests);
        Assert.DoesNotContain("x-secret", seen, StringComparison.Ordinal);
        Assert.Contains("x-visible: kept", seen, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("X-Internal"));
        Assert.Equal("kept", response.Headers.GetValues("X-Public").Single());
    }

    [Fact]
    public async Task Visitor_cannot_choose_the_address_the_local_server_sees()
    {
        await using var scenario = await TunnelScenario.StartAsync("addr");
        using var request = new HttpRequestMessage(HttpMethod.Get, scenario.PublicUri("/echo"));
        request.Headers.Add("X-Real-IP", "6.6.6.6");
        request.Headers.Add("X-Forwarded-For", "6.6.6.6");
        using var response = await scenario.PublicClient.SendAsync(request);
        var echoed = await response.Content.ReadAsStringAsync();

        Assert.Contains("x-real-ip: 127.0.0.1", echoed, StringComparison.Ordinal);
        Assert.Contains("x-forwarded-for: 127.0.0.1", echoed, StringComparison.Ordinal);
        Assert.DoesNotContain("6.6.6.6", echoed, StringComparison.Ordinal);
    }
}
