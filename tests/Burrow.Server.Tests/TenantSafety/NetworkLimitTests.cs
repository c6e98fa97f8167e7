using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Burrow.Agent;
using Burrow.Server.Limits;
using Burrow.Server.Tests.Channels;
using Burrow.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Burrow.Server.Tests.TenantSafety;

/// <summary>
/// Issue #10, findings 1 and 5: limits count per client network (an IPv6 /64 is one client), failed handshakes have a
/// budget of their own that never locks out an honest agent, and handshakes, channels, public connections and a
/// user's requests in flight are all capped.
/// </summary>
public sealed class NetworkLimitTests
{
    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7", true)]
    [InlineData("192.0.2.7", "192.0.2.8", false)]
    public void Clients_are_counted_per_ipv6_64_and_per_ipv4_address(string a, string b, bool same)
    {
        var first = ClientNetwork.Of(IPAddress.Parse(a), ipv6PrefixLength: 64);
        var second = ClientNetwork.Of(IPAddress.Parse(b), ipv6PrefixLength: 64);

        Assert.Equal(same, first == second);
    }

    [Fact]
    public async Task Garbage_handshakes_do_not_lock_out_an_honest_agent_at_the_same_address()
    {
        await using var scenario = await TunnelScenario.StartAsync("honest", s => s.Channels(o => o.FailedHandshakesPerMinute = 5), startAgent: false);
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 40; i++)
        {
            await using var garbage = await RawChannelClient.ConnectAsync(scenario.Host);
            await garbage.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
            Assert.True(await garbage.IsClosedByServerAsync());
        }

        await scenario.StartAgentAsync("honest");
        using var response = await scenario.PublicClient.GetAsync(scenario.PublicUri("/id/1"));
        Assert.Equal("answer 1", await response.Content.ReadAsStringAsync());

        // Past the budget, failures are logged once a minute, not once per connection: at most (5 + the one note) per
        // budget window the test touched (on a loaded machine the forty attempts can span a minute boundary or two).
        var windows = (int)started.Elapsed.TotalMinutes + 2;
        Assert.InRange(scenario.Host.Logs.Entries.Count(e => e.EventId == ServerEventIds.HandshakeRejected), 5, Math.Min(40, windows * 6));
    }

    [Fact]
    public async Task Handshakes_past_the_per_network_cap_are_answered_busy_and_the_agent_says_it_is_rate_limited()
    {
        await using var scenario = await TunnelScenario.StartAsync(
            "patient",
            s => s.Channels(o => (o.MaxHandshakesInProgressPerNetwork, o.HandshakeTimeout) = (1, TimeSpan.FromMinutes(1))),
            startAgent: false);

        // A connection that never says HELLO holds the network's only handshake slot.
        var squatter = await RawChannelClient.ConnectAsync(scenario.Host);
        var limiter = scenario.Host.Server.Services.GetRequiredService<Burrow.Server.Channels.HandshakeLimiter>();
        await Poll.UntilAsync(() => limiter.InProgress == 1, "the squatter's handshake to start");
        await using (var busy = await RawChannelClient.ConnectAsync(scenario.Host))
        {
            var answer = new byte[8];
            await busy.Stream.ReadExactlyAsync(answer);
            Assert.Equal("BRWB"u8.ToArray(), answer[..4]);
            Assert.True(await busy.IsClosedByServerAsync());
        }

        var agent = RunningAgent.Start(scenario.AgentOptions("patient"));
        await using var _ = agent;
        await agent.Observer.WaitForEventAsync("Rate limited");
        await squatter.DisposeAsync();
        await agent.WaitOnlineAsync();
    }

    [Fact]
    public async Task Channels_past_the_per_network_rate_are_refused_with_a_goaway_that_says_why()
    {
        await using var scenario = await TunnelScenario.StartAsync("first", s => s.Channels(o => o.ChannelConnectionsPerMinute = 1));
        var second = RunningAgent.Start(scenario.AgentOptions("second"));
        await using var _ = second;

        await second.Observer.WaitForEventAsync("Too many channels from 127.0.0.1");
        await scenario.Host.Logs.WaitForAsync(ServerEventIds.ChannelRateLimited, "too many channels");
        Assert.Equal(0, second.Observer.OnlineCount);
    }

    [Fact]
    public async Task Public_connections_past_the_per_client_cap_are_closed_before_anything_is_read()
    {
        // No agent: its registration connection from 127.0.0.1 stays in its HTTP pool and would count as one of the
        // two. The answer without a tunnel (a page that says so) is enough to show a connection is served.
        await using var scenario = await TunnelScenario.StartAsync("capped", s => s.Limits(o => o.MaxConnectionsPerClient = 2), startAgent: false);

        // The server counts connections as it dispatches them, in no fixed order: which of the three is refused is
        // not known, only that one is, before anything is read (its reset can even reach the connect).
        var clients = new List<TcpClient>();
        var refused = 0;
        for (var i = 0; i < 3; i++)
        {
            try
            {
                clients.Add(await ConnectAsync(scenario));
            }
            catch (SocketException)
            {
                refused++;
            }
        }

        var request = System.Text.Encoding.ASCII.GetBytes($"GET /id/1 HTTP/1.1\r\nHost: capped.localhost\r\n\r\n");
        var served = 0;
        try
        {
            // All stay open until every one was asked: closing one would free a slot.
            foreach (var client in clients)
            {
                try
                {
                    await client.GetStream().WriteAsync(request);
                }
                catch (IOException)
                {
                    refused++;
                    continue;
                }

                if (await ReadAsync(client) > 0)
                {
                    served++;
                }
                else
                {
                    refused++;
                }
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        Assert.Equal(1, refused);
        Assert.Equal(2, served);
    }

    [Fact]
    public async Task Requests_past_the_users_cap_get_503_while_the_first_runs()
    {
        await using var scenario = await TunnelScenario.StartAsync("busy", s => s.Limits(o => o.MaxRequestsPerUser = 1));
        using var stream = await scenario.PublicClient.GetAsync(scenario.PublicUri("/sse?count=600&delayMs=100"), HttpCompletionOption.ResponseHeadersRead);

        using var refused = await scenario.PublicClient.GetAsync(scenario.PublicUri("/id/2"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("Tunnel busy", refused.Headers.GetValues("X-Burrow-Error").Single());
    }

    [Fact]
    public async Task Registrations_are_limited_per_user_whatever_address_they_come_from()
    {
        await using var scenario = await TunnelScenario.StartAsync("unused", s => s.Registration(o => o.RegistrationsPerUserPerMinute = 2), startAgent: false);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, scenario.Host.ApiUri) { Content = JsonContent.Create(new { username = scenario.User, domain = $"n{i}" }) };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", scenario.Token);
            using var response = await scenario.PublicClient.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Contains("registers too often", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
    }

    private static async Task<TcpClient> ConnectAsync(TunnelScenario scenario)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, scenario.Host.Server.HttpPort);
        return client;
    }

    private static async Task<int> ReadAsync(TcpClient client)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            return await client.GetStream().ReadAsync(new byte[1024], timeout.Token);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
